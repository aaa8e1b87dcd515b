"""ListVisits over gRPC: filters and page sizes reach the use case as documented in the proto,
page tokens are signed keyset cursors bound to the filters, and every refusal is an
INVALID_ARGUMENT naming its field. The last tests run the real use case on the test database."""
from __future__ import annotations

import logging
import sys
from datetime import datetime, timedelta, timezone
from uuid import uuid4

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.errors import ValidationFailed
from domain.operator import Operator
from domain.text import EXCERPT
from domain.visit import Visit, VisitState
from his.v1 import common_pb2, outpatient_pb2_grpc
from his.v1 import outpatient_pb2 as pb
from ports.repositories import VisitCursor, VisitFilter
from services.grpc.server import build_server

SHANGHAI = timezone(timedelta(hours=8))


def _ts(local: datetime) -> Timestamp:
    """The instant of a Shanghai wall time."""
    ts = Timestamp()
    ts.FromDatetime(local.replace(tzinfo=SHANGHAI).astimezone(timezone.utc))
    return ts


def _register(api, auth, begntime: datetime, psn_no: str = "P001", dept_code: str = "D01") -> str:
    request = pb.RegisterVisitRequest(psn_no=psn_no, dept_code=dept_code, begntime=_ts(begntime))
    reply = api.visits.RegisterVisit(request, metadata=auth)
    return reply.visit.id


def _violations(err: grpc.RpcError) -> dict[str, str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err
    status = rpc_status.from_call(err)
    bad = error_details_pb2.BadRequest()
    [detail] = [d for d in status.details if d.Is(bad.DESCRIPTOR)]
    detail.Unpack(bad)
    return {v.field: v.description for v in bad.field_violations}


def _refused(api, auth, **request) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.ListVisits(pb.ListVisitsRequest(**request), metadata=auth)
    return _violations(caught.value)


def _walk(stub, auth, size: int, between=None, **filters) -> list[str]:
    seen, token, n = [], "", 0
    while True:
        reply = stub.ListVisits(pb.ListVisitsRequest(page_size=size, page_token=token, **filters), metadata=auth)
        assert len(reply.visits) <= size
        seen += [v.id for v in reply.visits]
        token, n = reply.next_page_token, n + 1
        if between:
            between(n)
        if not token:
            return seen


# ---- the servicer, over the fake use case ----------------------------------------------------------
def test_filters_reach_the_use_case_in_local_time(api, auth):
    start, before = datetime(2024, 3, 1, 0, 0), datetime(2024, 3, 2, 0, 0)
    api.visits.ListVisits(pb.ListVisitsRequest(
        psn_no="P001", dept_code="D01", begntime_from=_ts(start), begntime_before=_ts(before),
        states=[common_pb2.VISIT_STATE_SETTLED, common_pb2.VISIT_STATE_REGISTERED, common_pb2.VISIT_STATE_SETTLED]),
        metadata=auth)
    where, size, after = api.outpatient.last[2]
    assert where == VisitFilter(psn_no="P001", begntime_from=start, begntime_before=before, dept_code="D01",
                                states=frozenset({VisitState.SETTLED, VisitState.REGISTERED}))
    assert (size, after) == (50, None)


def test_no_filters_mean_every_visit(api, auth):
    api.visits.ListVisits(pb.ListVisitsRequest(), metadata=auth)
    assert api.outpatient.last[2][0] == VisitFilter()


def test_every_state_maps_to_the_domains():
    from services.grpc.outpatient_servicer import _VISIT_STATES

    named = {common_pb2.VisitState.Name(number): state for number, state in _VISIT_STATES.items()}
    assert named == {f"VISIT_STATE_{s.value}": s for s in VisitState}
    assert len(common_pb2.VisitState.keys()) == len(VisitState) + 1  # and UNSPECIFIED, refused


@pytest.mark.parametrize("asked, used", [(0, 50), (1, 1), (500, 500), (501, 500), (2_000_000_000, 500)])
def test_page_size_defaults_and_bounds(api, auth, asked, used):
    api.visits.ListVisits(pb.ListVisitsRequest(page_size=asked), metadata=auth)
    assert api.outpatient.last[2][1] == used


def test_a_negative_page_size_is_refused(api, auth):
    assert set(_refused(api, auth, page_size=-1)) == {"page_size"}
    assert not any(name == "list_visits" for name, *_ in api.outpatient.calls)


def test_unspecified_and_unknown_states_are_refused_by_position(api, auth):
    found = _refused(api, auth, states=[common_pb2.VISIT_STATE_SETTLED, common_pb2.VISIT_STATE_UNSPECIFIED, 99])
    assert set(found) == {"states[1]", "states[2]"}
    assert "leave states empty" in found["states[1]"] and "99" in found["states[2]"]


def test_an_empty_or_reversed_time_range_is_refused(api, auth):
    at = _ts(datetime(2024, 3, 1, 9, 0))
    assert set(_refused(api, auth, begntime_from=at, begntime_before=at)) == {"begntime_before"}
    earlier = _ts(datetime(2024, 3, 1, 8, 0))
    assert set(_refused(api, auth, begntime_from=at, begntime_before=earlier)) == {"begntime_before"}


def test_a_time_outside_the_representable_range_is_refused(api, auth):
    assert set(_refused(api, auth, begntime_from=Timestamp(seconds=-62_135_596_801))) == {"begntime_from"}


def test_every_bad_field_is_reported_at_once(api, auth):
    found = _refused(api, auth, page_size=-5, states=[common_pb2.VISIT_STATE_UNSPECIFIED], page_token="x")
    assert set(found) == {"page_size", "states[0]"}  # the token is judged once the filters are good


def test_pages_walk_newest_first_each_visit_once(api, auth):
    base = datetime(2024, 3, 1, 9, 0)
    ids = {_register(api, auth, base + timedelta(minutes=m)): m for m in (3, 1, 4, 1, 5, 9, 2, 6)}
    _register(api, auth, base, psn_no="P002")  # another person's
    seen = _walk(api.visits, auth, 3, psn_no="P001")
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    assert seen == sorted(ids, key=lambda i: (ids[i], i), reverse=True)
    _, _, after = api.outpatient.last[2]
    assert isinstance(after, VisitCursor)  # the last page continued from a cursor, not an offset


def test_page_size_may_change_between_pages(api, auth):
    for m in range(5):
        _register(api, auth, datetime(2024, 3, 1, 9, m))
    first = api.visits.ListVisits(pb.ListVisitsRequest(psn_no="P001", page_size=2), metadata=auth)
    rest = api.visits.ListVisits(pb.ListVisitsRequest(psn_no="P001", page_size=10, page_token=first.next_page_token),
                                 metadata=auth)
    assert len(first.visits) == 2 and len(rest.visits) == 3 and rest.next_page_token == ""
    assert not {v.id for v in first.visits} & {v.id for v in rest.visits}


def test_the_token_is_bound_to_the_filters(api, auth):
    for m in range(3):
        _register(api, auth, datetime(2024, 3, 1, 9, m))
    states = [common_pb2.VISIT_STATE_REGISTERED, common_pb2.VISIT_STATE_SETTLED]
    first = api.visits.ListVisits(pb.ListVisitsRequest(psn_no="P001", page_size=1, states=states), metadata=auth)
    token = first.next_page_token
    assert token
    for changed in (dict(psn_no="P002", states=states), dict(psn_no="P001"),
                    dict(psn_no="P001", states=states, dept_code="D01"),
                    dict(psn_no="P001", states=states, begntime_from=_ts(datetime(2024, 1, 1))),
                    dict(psn_no="P001", states=states, begntime_before=_ts(datetime(2025, 1, 1)))):
        found = _refused(api, auth, page_token=token, **changed)
        assert set(found) == {"page_token"} and "other filters" in found["page_token"], changed
    # the same filters, states in another order and repeated: the same listing
    same = api.visits.ListVisits(pb.ListVisitsRequest(psn_no="P001", page_size=1, page_token=token,
                                                      states=[*reversed(states), states[0]]), metadata=auth)
    assert [v.id for v in same.visits] != [v.id for v in first.visits] and len(same.visits) == 1


@pytest.mark.parametrize("token", ["garbage!", "djE6NTA", "x" * 5000, "v1:0", "\u202e" + "A" * 30])
def test_a_malformed_token_is_invalid_argument_without_a_traceback(api, auth, caplog, token):
    with caplog.at_level(logging.INFO):
        found = _refused(api, auth, page_token=token)
    # a token too long or carrying formatting characters is refused by the request guard before decoding
    reasons = ("not a page token this server issued", "longer than 1024 characters", "formatting character")
    assert set(found) == {"page_token"} and any(r in found["page_token"] for r in reasons)
    assert len(found["page_token"]) < 200 and (len(token) <= EXCERPT or token not in found["page_token"])
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text


def test_a_tampered_token_is_refused(api, auth):
    for m in range(3):
        _register(api, auth, datetime(2024, 3, 1, 9, m))
    token = api.visits.ListVisits(pb.ListVisitsRequest(page_size=1), metadata=auth).next_page_token
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert "not a page token this server issued" in _refused(api, auth, page_token=flipped)["page_token"]


def test_another_servers_token_is_refused(api, auth):
    fakes = sys.modules["tests_grpc_fakes"]  # loaded by this folder's conftest
    for m in range(3):
        _register(api, auth, datetime(2024, 3, 1, 9, m))
    token = api.visits.ListVisits(pb.ListVisitsRequest(page_size=1), metadata=auth).next_page_token
    # another server process: the same visits, its own key
    outpatient = fakes.FakeOutpatient()
    outpatient.visits = api.outpatient.visits
    server, port = build_server(outpatient, fakes.FakeJournal(), {"tok-clerk": Operator(code="A001", name="张三")},
                                address="127.0.0.1:0", max_workers=2)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            with pytest.raises(grpc.RpcError) as caught:
                outpatient_pb2_grpc.OutpatientServiceStub(channel).ListVisits(
                    pb.ListVisitsRequest(page_size=1, page_token=token), metadata=auth)
        assert "not a page token this server issued" in _violations(caught.value)["page_token"]
    finally:
        server.stop(None)


# ---- the whole path on the test database ----------------------------------------------------------
@pytest.fixture
def db_stack(database_url):
    from adapters.yb_sim.platform import SimulatorPlatform
    from services.bootstrap import bootstrap
    from services.settings import Settings

    settings = Settings(database_url=database_url)
    app = bootstrap(settings, platform=SimulatorPlatform())
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0", max_workers=4,
                                request_scope=app.request_scope)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield app, outpatient_pb2_grpc.OutpatientServiceStub(channel), (("authorization", "Bearer demo-token"),)
    finally:
        channel.close()
        server.stop(None)
        app.container.engine().dispose()


def _visit(begntime: datetime, dept_code: str, state: VisitState = VisitState.REGISTERED, psn_no: str = "P1") -> Visit:
    return Visit(id=uuid4().hex, psn_no=psn_no, insutype="310", med_type="11", mdtrt_cert_type="02",
                 mdtrt_cert_no="420106199001011234", ipt_otp_no=uuid4().hex[:20], begntime=begntime,
                 dept_code=dept_code, dept_name="内科", caty="A03", atddr_no="D1", dr_name="张医生",
                 mdtrt_id=uuid4().hex, state=state)


def _store(app, *visits: Visit) -> list[Visit]:
    with app.container.uow() as uow:
        for visit in visits:
            uow.visits.add(visit)
        uow.commit()
    return list(visits)


def test_walking_the_database_over_grpc_with_visits_registered_meanwhile(db_stack):
    app, stub, auth = db_stack
    dept, day = uuid4().hex[:12], datetime(2026, 5, 4)
    # one Shanghai day: its 00:00 is in (three visits at that instant), 1 µs before it and the next
    # 00:00 are out, and so is a CANCELLED visit (not among the states asked for)
    inside = _store(app, *(_visit(day + timedelta(hours=h), dept) for h in (0, 0, 0, 7, 9, 9, 12, 23.99)))
    settled = _store(app, _visit(day + timedelta(hours=10), dept, VisitState.SETTLED))
    _store(app, _visit(day - timedelta(microseconds=1), dept), _visit(day + timedelta(days=1), dept),
           _visit(day + timedelta(hours=8), dept, VisitState.CANCELLED))
    added = []

    def register_more(page):
        if page == 2:  # one sorts after the pages read, one before them: only the first is listed
            added.extend(_store(app, _visit(day + timedelta(hours=1), dept), _visit(day + timedelta(hours=23), dept)))

    seen = _walk(stub, auth, 2, between=register_more, dept_code=dept, begntime_from=_ts(day),
                 begntime_before=_ts(day + timedelta(days=1)),
                 states=[common_pb2.VISIT_STATE_REGISTERED, common_pb2.VISIT_STATE_SETTLED])
    expected = sorted([*inside, *settled, added[0]], key=lambda v: (v.begntime, v.id), reverse=True)
    assert seen == [v.id for v in expected]


def test_pages_from_the_database_carry_the_visits_whole(db_stack):
    app, stub, auth = db_stack
    dept = uuid4().hex[:12]
    visits = _store(app, *(_visit(datetime(2026, 5, 5, 9, m), dept) for m in range(3)))
    reply = stub.ListVisits(pb.ListVisitsRequest(dept_code=dept, page_size=2), metadata=auth)
    assert [v.id for v in reply.visits] == [visits[2].id, visits[1].id] and reply.next_page_token
    assert reply.visits[0].begntime == _ts(datetime(2026, 5, 5, 9, 2)) and reply.visits[0].dept_code == dept
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListVisits(pb.ListVisitsRequest(dept_code=uuid4().hex[:12], page_token=reply.next_page_token),
                        metadata=auth)
    assert set(_violations(caught.value)) == {"page_token"}


def test_the_filters_a_token_is_bound_to_read_the_same_in_every_process():
    """Servers sharing a key (PageTokens(key)) must accept each other's tokens: the filters' key
    may not depend on a process's string hashing (set order)."""
    import os
    import subprocess

    script = ("from domain.visit import VisitState; from ports.repositories import VisitFilter; "
              "from services.grpc.outpatient_servicer import _filters_key; "
              "print(_filters_key(VisitFilter(states=frozenset(VisitState))))")
    keys = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(keys) == 1, keys


def test_the_use_case_refuses_a_page_of_nothing(db_stack):
    app, _stub, _auth = db_stack
    _store(app, _visit(datetime(2026, 5, 6, 9, 0), uuid4().hex[:12]))
    with pytest.raises(ValidationFailed) as caught:
        app.outpatient.list_visits(VisitFilter(), page_size=0)
    assert [v.field for v in caught.value.violations] == ["page_size"]


def test_servers_sharing_a_key_continue_each_others_pages(api, auth):
    fakes = sys.modules["tests_grpc_fakes"]
    for m in range(3):
        _register(api, auth, datetime(2024, 4, 1, 9, m))
    servers = []
    for _ in range(2):  # two replicas behind one address, configured with one page_token_key
        outpatient = fakes.FakeOutpatient()
        outpatient.visits = api.outpatient.visits
        server, port = build_server(outpatient, fakes.FakeJournal(), {"tok-clerk": Operator(code="A001", name="张三")},
                                    address="127.0.0.1:0", max_workers=2, page_token_key=b"replicas-share-this-key")
        server.start()
        servers.append((server, port))
    try:
        pages = []
        token = ""
        for server, port in (*servers, *servers):
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                reply = outpatient_pb2_grpc.OutpatientServiceStub(channel).ListVisits(
                    pb.ListVisitsRequest(page_size=1, page_token=token), metadata=auth)
            pages.append([v.id for v in reply.visits])
            token = reply.next_page_token
            if not token:
                break
        seen = [i for page in pages for i in page]
        assert len(seen) == len(set(seen)) == len(api.outpatient.visits)
    finally:
        for server, _ in servers:
            server.stop(None)
