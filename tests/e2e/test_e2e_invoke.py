"""PlatformService.Invoke and `his yb call` through the real stack: the composition root, the HTTP
platform adapter and the simulator's HTTP front on a socket, the test database."""
from __future__ import annotations

import json
from decimal import Decimal

import grpc
import pytest
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import journal_pb2, journal_pb2_grpc
from his.v1 import platform_pb2 as pb
from his.v1 import platform_pb2_grpc
from services.bootstrap import bootstrap
from services.cli import main
from services.grpc.server import build_server
from services.settings import PlatformSettings, Settings

WORKER = "42010620000000000001"
WORKER_CERTNO = "420106198005129910"
AUTH = (("authorization", "Bearer demo-token"),)


@pytest.fixture
def front():
    simulator = SimulatorPlatform()
    served = SimulatorHttpFront(simulator, paasid="e2e", token="e2e-secret")
    served.start()
    yield served
    served.stop()


@pytest.fixture
def channel(database_url, front):
    settings = Settings(database_url=database_url, platform=PlatformSettings(
        kind="http", url=front.url, paasid="e2e", token="e2e-secret", read_timeout=1.0, connect_timeout=1.0))
    app = bootstrap(settings)
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0",
                                max_workers=4, platform=app.transactions, request_scope=app.request_scope)
    server.start()
    opened = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield opened
    finally:
        opened.close()
        server.stop(grace=None)
        app.close()


def test_invoke_over_the_wire_with_json_and_struct(channel):
    stub = platform_pb2_grpc.PlatformServiceStub(channel)
    text = json.dumps({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": WORKER_CERTNO}})
    reply = stub.Invoke(pb.InvokeRequest(code="1101", input_json=text, psn_no=WORKER), metadata=AUTH)
    assert json.loads(reply.output_json, parse_float=Decimal)["insuinfo"][0]["balc"] == Decimal("1500.00")
    assert reply.output["insuinfo"][0]["balc"] == "1500.00"

    entry = journal_pb2_grpc.JournalServiceStub(channel).GetJournalEntry(
        journal_pb2.GetJournalEntryRequest(id=reply.journal_id), metadata=AUTH).entry
    assert (entry.msgid, entry.infno, entry.psn_no) == (reply.msgid, "1101", WORKER)

    payload = struct_pb2.Struct()
    payload.update({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": WORKER_CERTNO}})
    again = stub.Invoke(pb.InvokeRequest(code="1101", input=payload), metadata=AUTH)
    assert again.output["baseinfo"] == reply.output["baseinfo"] and again.msgid != reply.msgid


def test_decimals_cross_the_http_wire_exactly(channel):
    stub = platform_pb2_grpc.PlatformServiceStub(channel)
    person = json.dumps({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": WORKER_CERTNO}})
    stub.Invoke(pb.InvokeRequest(code="1101", input_json=person), metadata=AUTH)
    registered = stub.Invoke(pb.InvokeRequest(code="2201A", input_json=json.dumps({"data": {
        "psn_no": WORKER, "insutype": "310", "begntime": "2026-03-02 09:30:00", "mdtrt_cert_type": "02",
        "mdtrt_cert_no": WORKER_CERTNO, "ipt_otp_no": "MZ0002", "atddr_no": "D001", "dr_name": "王医生",
        "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03", "med_type": "11"}})), metadata=AUTH)
    mdtrt_id = registered.output["data"]["mdtrt_id"]
    row = (f'{{"feedetl_sn": "F1", "mdtrt_id": "{mdtrt_id}", "psn_no": "{WORKER}", "chrg_bchno": "B1", '
           '"rx_circ_flag": "0", "fee_ocur_time": "2026-03-02 09:40:00", "med_list_codg": '
           '"XJ01CAA040A001010104022", "medins_list_codg": "YP0001", "det_item_fee_sumamt": 3.30, "cnt": 3, '
           '"pric": 1.10, "bilg_dept_codg": "NK01", "bilg_dept_name": "内科门诊", "bilg_dr_codg": "D001", '
           '"bilg_dr_name": "王医生", "hosp_appr_flag": "1"}')
    fees = stub.Invoke(pb.InvokeRequest(code="2204", input_json=f'{{"feedetail": [{row}]}}', mdtrt_id=mdtrt_id),
                       metadata=AUTH)
    assert '"det_item_fee_sumamt":3.30' in fees.output_json and '"pric":1.10' in fees.output_json


def test_a_refusal_over_the_wire(channel):
    stub = platform_pb2_grpc.PlatformServiceStub(channel)
    text = json.dumps({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "420106190001019999"}})
    with pytest.raises(grpc.RpcError) as caught:
        stub.Invoke(pb.InvokeRequest(code="1101", input_json=text), metadata=AUTH)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    info = error_details_pb2.ErrorInfo()
    assert rpc_status.from_call(caught.value).details[0].Unpack(info) and info.reason == "PLATFORM_REFUSED"


def test_his_yb_call_against_the_simulator_front(tmp_path, capsys, database_url, front, monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)
    path = tmp_path / "1101.json"
    path.write_text(json.dumps({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": WORKER_CERTNO}}))
    assert main(["yb", "call", "1101", "--input", str(path), "--database-url", database_url,
                 "--platform", front.url, "--paasid", "e2e", "--token", "e2e-secret"]) == 0
    assert json.loads(capsys.readouterr().out)["baseinfo"]["psn_no"] == WORKER
