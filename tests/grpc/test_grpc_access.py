"""Roles over a real channel, wired as `his serve` wires them: every RPC checked, every call audited.
The test database, the in-memory simulator behind a counting platform."""
from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from datetime import datetime

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from sqlalchemy import func, select

from adapters.db.tables import journal
from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.operator import Operator
from his.v1 import audit_pb2, audit_pb2_grpc, journal_pb2, journal_pb2_grpc, outpatient_pb2_grpc
from his.v1 import outpatient_pb2 as pb
from services.access import UnknownRole
from services.bootstrap import bootstrap
from services.grpc.permissions import METHOD_PERMISSIONS
from services.grpc.server import build_server
from services.settings import OperatorToken, Settings

shared = sys.modules["tests_shared_fakes"]  # tests/fakes.py, registered by tests/conftest.py

WORKER = "42010620000000000001"
CERTNO = next(p.certno for p in demo_persons() if p.psn_no == WORKER)
ROLES = ("viewer", "registrar", "cashier", "auditor")


@dataclass
class Stack:
    visits: outpatient_pb2_grpc.OutpatientServiceStub
    audit: audit_pb2_grpc.AuditServiceStub
    platform: object  # CountingPlatform
    app: object
    codes: dict[str, str]  # role -> this test's operator code of that role

    def auth(self, role: str):
        return (("authorization", f"Bearer tok-{role}-{self.codes[role]}"),)

    def journaled_by(self, role: str) -> int:
        with self.app.container.engine().connect() as conn:
            return conn.execute(select(func.count()).select_from(journal)
                                .where(journal.c.operator_code == self.codes[role])).scalar_one()

    def events(self, role: str, **filters) -> list[audit_pb2.AuditEvent]:
        return list(self.audit.ListAuditEvents(audit_pb2.ListAuditEventsRequest(
            operator_code=self.codes[role], **filters), metadata=self.auth("auditor")).events)


@pytest.fixture
def stack(database_url):
    codes = {role: f"{role[0].upper()}{uuid.uuid4().hex[:8]}" for role in ROLES}  # the database is shared
    operators = [OperatorToken(token=f"tok-{role}-{code}", code=code, name=f"{role} 甲", role=role)
                 for role, code in codes.items()]
    platform = shared.CountingPlatform(SimulatorPlatform())
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=platform)
    server, port = app.server(address="127.0.0.1:0", max_workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield Stack(outpatient_pb2_grpc.OutpatientServiceStub(channel), audit_pb2_grpc.AuditServiceStub(channel),
                platform, app, codes)
    channel.close()
    server.stop(None)
    app.close()


def registration(request_id: str = "") -> pb.RegisterVisitRequest:
    return pb.RegisterVisitRequest(psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02",
                                   mdtrt_cert_no=CERTNO, dept_code="NK01", dept_name="内科门诊", caty="A03",
                                   atddr_no="D001", dr_name="王医生", request_id=request_id)


def denied(call, request, metadata) -> error_details_pb2.ErrorInfo:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=metadata)
    err = caught.value
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED, err.details()
    info = error_details_pb2.ErrorInfo()
    assert rpc_status.from_call(err).details[0].Unpack(info)
    assert info.metadata["permission"] in err.details()
    return info


def test_a_viewer_cannot_register_and_nothing_is_journaled_sent_or_claimed(stack):
    key = str(uuid.uuid4())
    info = denied(stack.visits.RegisterVisit, registration(key), stack.auth("viewer"))
    assert (info.reason, info.metadata["permission"], info.metadata["role"]) == (
        "PERMISSION_DENIED", "visit.register", "viewer")
    assert stack.platform.sent == [] and stack.journaled_by("viewer") == 0
    # the request_id was not taken: a registrar's call with it acts (a claim by the viewer would
    # make it another operator's request, INVALID_ARGUMENT)
    visit = stack.visits.RegisterVisit(registration(key), metadata=stack.auth("registrar")).visit
    assert visit.mdtrt_id and "2201A" in stack.platform.sent and stack.journaled_by("registrar") >= 1


def test_each_job_reaches_its_own_calls_only(stack):
    visit = stack.visits.RegisterVisit(registration(), metadata=stack.auth("registrar")).visit
    read = pb.GetVisitRequest(visit_id=visit.id)
    assert stack.visits.GetVisit(read, metadata=stack.auth("viewer")).visit.id == visit.id
    journal_too = pb.GetVisitRequest(visit_id=visit.id, include_journal=True)
    info = denied(stack.visits.GetVisit, journal_too, stack.auth("viewer"))
    assert info.metadata["permission"] == "journal.read"
    assert stack.visits.GetVisit(journal_too, metadata=stack.auth("cashier")).journal_entries
    info = denied(stack.visits.CancelRegistration, pb.CancelRegistrationRequest(visit_id=visit.id),
                  stack.auth("cashier"))
    assert info.metadata["permission"] == "visit.unregister"
    info = denied(stack.audit.ListAuditEvents, audit_pb2.ListAuditEventsRequest(), stack.auth("registrar"))
    assert info.metadata["permission"] == "audit.read"


def test_an_auditor_reads_who_did_what_from_where_and_how_it_ended(stack):
    key = str(uuid.uuid4())
    denied(stack.visits.RegisterVisit, registration(key), stack.auth("viewer"))
    visit = stack.visits.RegisterVisit(registration(key), metadata=stack.auth("registrar")).visit
    replayed = stack.visits.RegisterVisit(registration(key), metadata=stack.auth("registrar")).visit
    assert replayed.id == visit.id
    with pytest.raises(grpc.RpcError):
        stack.visits.GetVisit(pb.GetVisitRequest(visit_id="no-such-visit"), metadata=stack.auth("registrar"))

    refusal, = stack.events("viewer")
    assert (refusal.method, refusal.permission, refusal.outcome) == (
        "/his.v1.OutpatientService/RegisterVisit", "visit.register", "PERMISSION_DENIED")
    assert (refusal.operator_code, refusal.operator_name, refusal.operator_role) == (
        stack.codes["viewer"], "viewer 甲", "viewer")
    assert refusal.peer.startswith(("ipv4:127.0.0.1:", "ipv6:")) and "visit.register" in refusal.message
    assert (refusal.psn_no, refusal.request_id, refusal.visit_id) == (WORKER, key, "")
    assert refusal.time.seconds > 0

    missing, replay, first = stack.events("registrar")  # newest first
    assert (first.outcome, first.message, first.visit_id, first.mdtrt_id, first.psn_no, first.request_id) == (
        "OK", "", visit.id, visit.mdtrt_id, WORKER, key)
    assert (replay.outcome, replay.visit_id) == ("OK", visit.id)  # read from the reply as first stored
    assert (missing.outcome, missing.visit_id, missing.permission) == ("NOT_FOUND", "no-such-visit", "visit.read")
    assert "no-such-visit" in missing.message
    assert first.id < replay.id < missing.id and refusal.id < first.id
    by_mdtrt_id = stack.audit.ListAuditEvents(audit_pb2.ListAuditEventsRequest(visit_id=visit.mdtrt_id),
                                              metadata=stack.auth("auditor")).events
    assert {e.id for e in by_mdtrt_id} == {first.id, replay.id}
    # reading the trail is itself on the trail
    readings = stack.events("auditor")
    assert len(readings) == 3 and {(e.method, e.outcome) for e in readings} == {
        ("/his.v1.AuditService/ListAuditEvents", "OK")}


def test_the_trail_is_read_page_by_page(stack):
    for _ in range(5):
        with pytest.raises(grpc.RpcError):
            stack.visits.GetVisit(pb.GetVisitRequest(visit_id="nope"), metadata=stack.auth("viewer"))
    walked, token = [], ""
    request = audit_pb2.ListAuditEventsRequest(operator_code=stack.codes["viewer"], page_size=2)
    while True:
        request.page_token = token
        page = stack.audit.ListAuditEvents(request, metadata=stack.auth("auditor"))
        walked += [e.id for e in page.events]
        token = page.next_page_token
        if not token:
            break
    assert len(walked) == 5 and walked == sorted(walked, reverse=True)
    request.operator_code, request.page_token = stack.codes["registrar"], page_token_of(stack)
    with pytest.raises(grpc.RpcError) as caught:
        stack.audit.ListAuditEvents(request, metadata=stack.auth("auditor"))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT and "page_token" in caught.value.details()


def page_token_of(stack) -> str:
    """A token issued for the viewer's events (another listing than the registrar's)."""
    return stack.audit.ListAuditEvents(audit_pb2.ListAuditEventsRequest(
        operator_code=stack.codes["viewer"], page_size=1), metadata=stack.auth("auditor")).next_page_token


def test_bad_filters_are_named(stack):
    later, earlier = Timestamp(seconds=1_800_000_000), Timestamp(seconds=1_700_000_000)
    with pytest.raises(grpc.RpcError) as caught:
        stack.audit.ListAuditEvents(audit_pb2.ListAuditEventsRequest(since=later, until=earlier, page_size=-1),
                                    metadata=stack.auth("auditor"))
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(caught.value).details[0].Unpack(bad)
    assert [v.field for v in bad.field_violations] == ["page_size", "until"]


# ---- with the use cases' fakes: what the interceptor does whatever the wiring ----------------------
def test_a_method_missing_from_the_table_is_refused_to_everyone(api, auth, monkeypatch):
    monkeypatch.delitem(METHOD_PERMISSIONS, "/his.v1.OutpatientService/ListVisits")
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.ListVisits(pb.ListVisitsRequest(), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED and "no permission defined" in caught.value.details()
    assert api.outpatient.calls == []


def test_every_authenticated_call_is_recorded_at_hospital_time_and_nothing_else():
    fakes, trail = sys.modules["tests_grpc_fakes"], shared.FakeAuditTrail()
    clock = shared.StepClock(datetime(2026, 3, 2, 9, 0, 0))
    tokens = {"tok-nurse": Operator("N1", "护士甲", role="nurse"),
              "tok-office": Operator("O1", "医保办", role="insurance_office")}
    journal = fakes.FakeJournal()
    server, port = build_server(fakes.FakeOutpatient(), journal, tokens, address="127.0.0.1:0", max_workers=2,
                                audit=trail, clock=clock)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            entries = journal_pb2_grpc.JournalServiceStub(channel)
            visits = outpatient_pb2_grpc.OutpatientServiceStub(channel)
            entry = journal.add(visit_id="v9", mdtrt_id="M9", psn_no="P9")
            entries.ResolveJournalEntry(journal_pb2.ResolveJournalEntryRequest(id=entry.id, request_id="k1"),
                                        metadata=(("authorization", "Bearer tok-office"),))
            with pytest.raises(grpc.RpcError):
                entries.ResolveJournalEntry(journal_pb2.ResolveJournalEntryRequest(id=entry.id),
                                            metadata=(("authorization", "Bearer tok-nurse"),))
            with pytest.raises(grpc.RpcError):  # no token: refused before anyone is known
                visits.ListVisits(pb.ListVisitsRequest())
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    finally:
        server.stop(None)
    resolved, refused = trail.events
    assert (resolved.operator_code, resolved.outcome, resolved.permission, resolved.request_id) == (
        "O1", "OK", "journal.resolve", "k1")
    assert (resolved.visit_id, resolved.mdtrt_id, resolved.psn_no) == ("v9", "M9", "P9")  # from the reply's entry
    assert (refused.operator_code, refused.outcome, refused.visit_id) == ("N1", "PERMISSION_DENIED", "")
    assert resolved.at == datetime(2026, 3, 2, 9, 0, 1) and refused.at > resolved.at  # the hospital's clock


def test_a_token_whose_role_is_not_defined_stops_the_server_from_being_built():
    fakes = sys.modules["tests_grpc_fakes"]
    with pytest.raises(UnknownRole, match="operator X1 .* role 'visitor'"):
        build_server(fakes.FakeOutpatient(), fakes.FakeJournal(), {"t": Operator("X1", "访客", role="visitor")},
                     address="127.0.0.1:0")


def test_a_refusal_quoting_a_persons_data_is_kept_masked_in_the_trail(stack):
    """The platform's refusal names the certificate and the person: the caller may see its own
    request's values back, the trail (read by auditors) keeps them masked like the logs."""
    wrong = registration()
    wrong.mdtrt_cert_no = "420106199001019999"
    with pytest.raises(grpc.RpcError) as err:
        stack.visits.RegisterVisit(wrong, metadata=stack.auth("registrar"))
    assert err.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    event, = stack.events("registrar")
    assert event.outcome == "FAILED_PRECONDITION" and event.message
    assert "420106199001019999" not in event.message and "420106" in event.message
