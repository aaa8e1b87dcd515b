"""DoctorStationService.SearchDiagnoses end to end: the 中医疾病 catalogue (1314) synced from the
simulator by the real sync (which rebuilds its search keys), served by the server `his serve` runs,
searched by initials, full pinyin, code and name; bad input and the permission refused."""
from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlalchemy import delete

from adapters.db.catalog_tables import catalog_items, catalog_sync_state, diagnosis_keys
from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import doctor_station_pb2 as pb
from his.v1 import doctor_station_pb2_grpc
from services.bootstrap import bootstrap
from services.settings import OperatorToken, Settings

ROLES = ("doctor", "nurse", "registrar", "cashier", "viewer")


def _clean(engine) -> None:
    with engine.begin() as conn:
        for table in (diagnosis_keys, catalog_items, catalog_sync_state):
            conn.execute(delete(table))


@pytest.fixture(scope="module")
def station(database_url, engine):
    _clean(engine)
    operators = [OperatorToken(token=f"tok-{role}", code=f"D{i}", name=f"{role} 甲", role=role)
                 for i, role in enumerate(ROLES)]
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=SimulatorPlatform())
    app.catalog_sync.sync("1314")
    server, port = app.server(address="127.0.0.1:0", max_workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield doctor_station_pb2_grpc.DoctorStationServiceStub(channel)
    channel.close()
    server.stop(None)
    app.catalog_sync.close()
    app.close()
    _clean(engine)


def search(station, role: str = "doctor", **request) -> list[tuple[str, str, str]]:
    reply = station.SearchDiagnoses(pb.SearchDiagnosesRequest(**request), metadata=(("authorization", f"Bearer tok-{role}"),))
    return [(d.code, d.name, d.kind) for d in reply.diagnoses]


def refused(station, role: str = "doctor", **request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        search(station, role, **request)
    return caught.value


def bad_fields(err: grpc.RpcError) -> list[str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err.details()
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(err).details[0].Unpack(bad)
    return [v.field for v in bad.field_violations]


def test_initials_and_full_pinyin_find_the_synced_names(station):
    hits = search(station, query="xy", kinds=["tcm_disease"], limit=100)
    assert ("A01.04.03", "眩晕", "tcm_disease") in hits
    assert all(len(name) <= len(after) for (_, name, _), (_, after, _) in zip(hits, hits[1:]))  # shorter first
    assert search(station, query="XuanYun", limit=3) == [
        ("A01.04.03", "眩晕", "tcm_disease"), ("A01.04.06", "眩晕（亚型2）", "tcm_disease"),
        ("A01.04.09", "眩晕（亚型3）", "tcm_disease")]


def test_code_and_name(station):
    assert search(station, query="a01.04.03")[0] == ("A01.04.03", "眩晕", "tcm_disease")
    assert [code for code, _, _ in search(station, query="A01.04.0")] == [
        "A01.04.01", "A01.04.02", "A01.04.03", "A01.04.04", "A01.04.05", "A01.04.06", "A01.04.07", "A01.04.08",
        "A01.04.09"]
    assert search(station, query="眩晕", limit=1, kinds=["1314"]) == [("A01.04.03", "眩晕", "tcm_disease")]
    assert len(search(station, query="晕")) == 6  # by substring: every 眩晕, the default limit not reached
    assert search(station, query="眩晕", kinds=["disease"]) == []  # 1307 is not synced here


def test_bad_input_names_the_field(station):
    assert bad_fields(refused(station, query="")) == ["query"]
    assert bad_fields(refused(station, query="   ")) == ["query"]
    assert bad_fields(refused(station, query="高" * 51)) == ["query"]
    assert bad_fields(refused(station, query="gx\x07y")) == ["query"]
    assert bad_fields(refused(station, query="gxy", limit=101)) == ["limit"]
    assert bad_fields(refused(station, query="gxy", limit=-1)) == ["limit"]
    assert bad_fields(refused(station, query="gxy", kinds=["disease", "drug"])) == ["kinds[1]"]


def test_the_roles_at_the_station_may_search_and_a_cashier_may_not(station):
    for role in ("doctor", "nurse", "registrar"):
        assert search(station, role, query="眩晕", limit=1)
    err = refused(station, "cashier", query="眩晕")
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED and "diagnosis.read" in err.details()
