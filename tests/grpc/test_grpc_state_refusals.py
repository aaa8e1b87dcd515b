"""State refusals as a gRPC client meets them: FAILED_PRECONDITION with a PreconditionFailure, and
nothing sent to the platform. The real use cases, gateway and test database behind a real channel;
the simulator behind a wrapper that counts what it receives (it would refuse a second settlement
itself, so only the count tells a local refusal from one that came back from the platform)."""
from __future__ import annotations

from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_status import rpc_status

from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import common_pb2, outpatient_pb2 as pb, outpatient_pb2_grpc
from services.bootstrap import bootstrap
from services.grpc.server import build_server
from services.settings import Settings
from tests_shared_fakes import CountingPlatform  # tests/fakes.py, registered by tests/conftest.py

WORKER = "42010620000000000001"
WORKER_CERTNO = "420106198005129910"
AUTH = (("authorization", "Bearer demo-token"),)


@dataclass
class Api:
    stub: outpatient_pb2_grpc.OutpatientServiceStub
    platform: CountingPlatform


@pytest.fixture
def api(database_url):
    platform = CountingPlatform(SimulatorPlatform())
    settings = Settings(database_url=database_url)
    app = bootstrap(settings, platform=platform)
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0", max_workers=4,
                                request_scope=app.request_scope)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield Api(outpatient_pb2_grpc.OutpatientServiceStub(channel), platform)
    channel.close()
    server.stop(None)
    app.container.engine().dispose()


def fee(sn: str, batch: str) -> pb.FeeItemInput:
    when = Timestamp(seconds=1772415600)  # 2026-03-02 09:40 in Shanghai
    return pb.FeeItemInput(feedetl_sn=sn, chrg_bchno=batch, med_list_codg="XJ01CAA040A001010104022",
                           medins_list_codg="YP0001", medins_list_name="阿莫西林胶囊", cnt="2", pric="12.50",
                           det_item_fee_sumamt="25.00", fee_ocur_time=when, bilg_dept_codg="NK01",
                           bilg_dept_name="内科门诊", bilg_dr_codg="D001", bilg_dr_name="王医生")


def settled_visit(api: Api):
    """Registered, B1 and B2 uploaded, B1 settled: a SETTLED visit with an unsettled batch B2."""
    api.stub.ReadInsuredPerson(pb.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO),
                               metadata=AUTH)
    visit = api.stub.RegisterVisit(pb.RegisterVisitRequest(
        psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生"), metadata=AUTH).visit
    api.stub.UploadFees(pb.UploadFeesRequest(visit_id=visit.id, fees=[fee("B1-1", "B1"), fee("B2-1", "B2")]),
                        metadata=AUTH)
    settled = api.stub.SettleVisit(pb.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=AUTH)
    assert settled.visit.state == common_pb2.VISIT_STATE_SETTLED
    return settled.visit, settled.settlement


def refused_before_sending(api: Api, call, request) -> grpc.RpcError:
    api.platform.sent.clear()
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=AUTH)
    err = caught.value
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION, err.details()
    status = rpc_status.from_call(err)
    kinds = [d.TypeName() for d in status.details]
    assert kinds == ["google.rpc.PreconditionFailure"], kinds  # a state refusal, not PLATFORM_REFUSED
    assert api.platform.sent == []
    return err


def test_settle_visit_on_a_settled_visit_is_failed_precondition_and_sends_nothing(api):
    visit, settlement = settled_visit(api)
    for batch in ("B1", "B2"):  # the settled batch, and another one still unsettled
        refused_before_sending(api, api.stub.SettleVisit, pb.SettleVisitRequest(visit_id=visit.id, chrg_bchno=batch))
    again = api.stub.GetVisit(pb.GetVisitRequest(visit_id=visit.id), metadata=AUTH).visit
    assert again.state == common_pb2.VISIT_STATE_SETTLED
    active = [s for s in again.settlements if s.state == common_pb2.SETTLEMENT_STATE_ACTIVE]
    assert [s.setl_id for s in active] == [settlement.setl_id]


def test_a_settled_visit_refuses_fee_changes_and_cancellation_without_sending(api):
    visit, _ = settled_visit(api)
    refused_before_sending(api, api.stub.UploadFees, pb.UploadFeesRequest(visit_id=visit.id, fees=[fee("B3-1", "B3")]))
    refused_before_sending(api, api.stub.CancelFees, pb.CancelFeesRequest(visit_id=visit.id, chrg_bchno="B2"))
    refused_before_sending(api, api.stub.PreSettleVisit, pb.PreSettleVisitRequest(visit_id=visit.id, chrg_bchno="B2"))
    refused_before_sending(api, api.stub.CancelRegistration, pb.CancelRegistrationRequest(visit_id=visit.id))


def test_a_cancelled_visit_accepts_nothing_and_sends_nothing(api):
    visit, settlement = settled_visit(api)
    api.stub.CancelSettlement(pb.CancelSettlementRequest(visit_id=visit.id, setl_id=settlement.setl_id), metadata=AUTH)
    api.stub.CancelRegistration(pb.CancelRegistrationRequest(visit_id=visit.id), metadata=AUTH)
    for call, request in [
        (api.stub.UploadFees, pb.UploadFeesRequest(visit_id=visit.id, fees=[fee("B3-1", "B3")])),
        (api.stub.CancelFees, pb.CancelFeesRequest(visit_id=visit.id, chrg_bchno="B2")),
        (api.stub.PreSettleVisit, pb.PreSettleVisitRequest(visit_id=visit.id, chrg_bchno="B2")),
        (api.stub.SettleVisit, pb.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B2")),
        (api.stub.CancelSettlement, pb.CancelSettlementRequest(visit_id=visit.id, setl_id=settlement.setl_id)),
        (api.stub.CancelRegistration, pb.CancelRegistrationRequest(visit_id=visit.id)),
    ]:
        refused_before_sending(api, call, request)

