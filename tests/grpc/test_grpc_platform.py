"""his.v1.PlatformService over a real channel: the real TransactionService and gateway, the test
database and the in-memory simulator behind it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import grpc
import pytest
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.errors import ValidationFailed
from his.v1 import platform_pb2 as pb
from his.v1 import platform_pb2_grpc
from services.bootstrap import bootstrap
from services.grpc.platform_servicer import output_for_struct, struct_to_input
from services.grpc.server import build_server
from services.settings import DEFAULT_ROLES, OperatorToken, Settings

WORKER = "42010620000000000001"
CERTNO = next(p.certno for p in demo_persons() if p.psn_no == WORKER)
OPERATORS = [OperatorToken(token="tok-clerk", code="C001", name="收费员", role="clerk"),
             OperatorToken(token="tok-admin", code="A001", name="管理员", role="admin"),
             OperatorToken(token="tok-audit", code="U001", name="稽核员", role="auditor"),
             OperatorToken(token="tok-viewer", code="V001", name="查看员", role="viewer")]


def auth(who: str = "clerk"):
    return (("authorization", f"Bearer tok-{who}"),)


@dataclass
class PlatformApi:
    stub: platform_pb2_grpc.PlatformServiceStub
    channel: grpc.Channel
    simulator: SimulatorPlatform
    app: object


@pytest.fixture
def yb(database_url):
    simulator = SimulatorPlatform()
    settings = Settings(database_url=database_url, operators=OPERATORS,
                        roles={**DEFAULT_ROLES, "auditor": ["1101"], "viewer": ["*"]})
    app = bootstrap(settings, platform=simulator)
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0",
                                max_workers=4, platform=app.transactions, request_scope=app.request_scope,
                                access=settings.access_policy())
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield PlatformApi(platform_pb2_grpc.PlatformServiceStub(channel), channel, simulator, app)
    channel.close()
    server.stop(None)
    app.container.engine().dispose()


def detail(err: grpc.RpcError, kind):
    status = rpc_status.from_call(err)
    assert status is not None and status.code == err.code().value[0]
    found = [d for d in status.details if d.Is(kind.DESCRIPTOR)]
    assert len(found) == 1, status.details
    message = kind()
    found[0].Unpack(message)
    return message


def refused(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


def person_json(cert_no: str = CERTNO) -> str:
    return json.dumps({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": cert_no}})


def invoke_json(yb, code: str, payload: dict | str, who: str = "clerk", **ctx) -> pb.InvokeResponse:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return yb.stub.Invoke(pb.InvokeRequest(code=code, input_json=text, **ctx), metadata=auth(who))


# ---- catalogue ---------------------------------------------------------------------------------
def test_list_filters_and_marks_what_the_caller_may_invoke(yb):
    every = yb.stub.ListTransactions(pb.ListTransactionsRequest(), metadata=auth()).transactions
    codes = [t.code for t in every]
    assert codes == sorted(codes) and {"1101", "2207", "1301", "1312a", "9001"} <= set(codes)
    by_code = {t.code: t for t in every}
    assert (by_code["2207"].reversible, by_code["2207"].group) == (True, "医保服务/门急诊结算")
    assert (by_code["1301"].applicable, by_code["1301"].replaced_by) == (False, "1312a")
    assert by_code["1101"].invocable and not by_code["1312a"].invocable  # 服务下延 is not a clerk's

    service = yb.stub.ListTransactions(pb.ListTransactionsRequest(group="医保服务"), metadata=auth()).transactions
    assert service and all(t.group.startswith("医保服务/") for t in service)
    assert [t.code for t in yb.stub.ListTransactions(pb.ListTransactionsRequest(code_prefix="220"),
                                                     metadata=auth()).transactions][:2] == ["2201", "2201A"]
    mobile = yb.stub.ListTransactions(pb.ListTransactionsRequest(gateway="mobile"), metadata=auth()).transactions
    assert mobile and all(t.gateway == "mobile" for t in mobile)
    admin = yb.stub.ListTransactions(pb.ListTransactionsRequest(code_prefix="1312a"), metadata=auth("admin"))
    assert [t.invocable for t in admin.transactions] == [True]


def test_describe_gives_fields_and_the_dictionaries_they_use(yb):
    reply = yb.stub.DescribeTransaction(pb.DescribeTransactionRequest(code="1101"), metadata=auth())
    assert (reply.transaction.code, reply.transaction.name) == ("1101", "人员基本信息获取")
    data = reply.input[0]
    assert (data.name, data.kind, data.open) == ("data", "object", False)
    cert_type = data.fields[0]
    assert (cert_type.name, cert_type.label, cert_type.type, cert_type.required, cert_type.length,
            cert_type.dictionary) == ("mdtrt_cert_type", "就诊凭证类型", "string", True, 3, "mdtrt_cert_type")
    assert not cert_type.HasField("scale")
    balc = next(f for f in reply.output[1].fields if f.name == "balc")
    assert (balc.type, balc.precision, balc.scale, balc.HasField("length")) == ("decimal", 16, 2, False)
    dictionaries = {d.name: d for d in reply.dictionaries}
    assert [d.name for d in reply.dictionaries][0] == "mdtrt_cert_type"
    assert {(c.code, c.label) for c in dictionaries["insutype"].codes} >= {("310", "职工基本医疗保险")}
    assert dictionaries["insutype"].closed


def test_describe_nests_row_fields(yb):
    reply = yb.stub.DescribeTransaction(pb.DescribeTransactionRequest(code="3101"), metadata=auth())
    nested = [f for node in reply.input for f in node.fields if f.items]
    assert nested and all(item.name for f in nested for item in f.items)


def test_describe_finds_a_code_whatever_its_case_and_gives_node_marks(yb):
    reply = yb.stub.DescribeTransaction(pb.DescribeTransactionRequest(code="4101A"), metadata=auth())
    assert reply.transaction.code == "4101a"  # the platform's spelling
    assert {n.name: n.unconfirmed for n in reply.output} == {"data": True}
    assert not any(n.unconfirmed for n in reply.input)
    reply = yb.stub.DescribeTransaction(pb.DescribeTransactionRequest(code="2407"), metadata=auth())
    node = next(n for n in reply.output if n.name == "IptPsnSpFlagReg")
    assert node.unconfirmed and "the node name is unusual" in node.note
    reply = yb.stub.DescribeTransaction(pb.DescribeTransactionRequest(code="1101"), metadata=auth())
    assert [(n.name, n.unconfirmed, bool(n.note)) for n in reply.output][:2] == [("baseinfo", False, False),
                                                                                ("insuinfo", False, True)]


def test_invoke_sends_the_platforms_spelling_of_a_code(yb):
    invoke_json(yb, "1101", person_json())
    reply = invoke_json(yb, "2201a", {"data": {  # the simulator knows 2201A only, as spelled
        "psn_no": WORKER, "insutype": "310", "begntime": "2026-03-02 09:30:00", "mdtrt_cert_type": "02",
        "mdtrt_cert_no": CERTNO, "ipt_otp_no": "MZ0001", "atddr_no": "D001", "dr_name": "王医生",
        "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03", "med_type": "11"}}, psn_no=WORKER)
    assert json.loads(reply.output_json)["data"]["mdtrt_id"]
    assert yb.app.container.journal_store().get(reply.journal_id).infno == "2201A"


def test_describe_unknown_code_is_not_found(yb):
    err = refused(yb.stub.DescribeTransaction, pb.DescribeTransactionRequest(code="0000"), metadata=auth())
    assert err.code() == grpc.StatusCode.NOT_FOUND


# ---- invoke ------------------------------------------------------------------------------------
def test_invoke_1101_with_json(yb):
    reply = invoke_json(yb, "1101", person_json(), psn_no=WORKER)
    output = json.loads(reply.output_json, parse_float=Decimal)
    assert output["baseinfo"]["psn_no"] == WORKER
    assert output["insuinfo"][0]["balc"] == Decimal("1500.00") and '"balc":1500.00' in reply.output_json
    assert reply.output["insuinfo"][0]["balc"] == "1500.00"  # Struct: money as a string
    assert reply.output["baseinfo"]["psn_no"] == WORKER


def test_invoke_1101_with_a_struct(yb):
    payload = struct_pb2.Struct()
    payload.update({"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": CERTNO}})
    reply = yb.stub.Invoke(pb.InvokeRequest(code="1101", input=payload), metadata=auth())
    assert reply.output["baseinfo"]["psn_name"] == "测试职工甲"
    assert reply.output["insuinfo"][0]["balc"] == "1500.00"


def test_invoke_reports_msgid_and_journal_entry(yb):
    reply = invoke_json(yb, "1101", person_json(), psn_no=WORKER)
    entry = yb.app.container.journal_store().get(reply.journal_id)
    assert reply.msgid and (entry.msgid, entry.infno, entry.psn_no) == (reply.msgid, "1101", WORKER)


def _visit(yb) -> str:
    invoke_json(yb, "1101", person_json())
    reply = invoke_json(yb, "2201A", {"data": {
        "psn_no": WORKER, "insutype": "310", "begntime": "2026-03-02 09:30:00", "mdtrt_cert_type": "02",
        "mdtrt_cert_no": CERTNO, "ipt_otp_no": "MZ0001", "atddr_no": "D001", "dr_name": "王医生",
        "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03", "med_type": "11"}}, psn_no=WORKER)
    return json.loads(reply.output_json)["data"]["mdtrt_id"]


def _fee(mdtrt_id: str, sn: str, cnt, pric, amount) -> dict:
    return {"feedetl_sn": sn, "mdtrt_id": mdtrt_id, "psn_no": WORKER, "chrg_bchno": "B1", "rx_circ_flag": "0",
            "fee_ocur_time": "2026-03-02 09:40:00", "med_list_codg": "XJ01CAA040A001010104022",
            "medins_list_codg": "YP0001", "det_item_fee_sumamt": amount, "cnt": cnt, "pric": pric,
            "bilg_dept_codg": "NK01", "bilg_dept_name": "内科门诊", "bilg_dr_codg": "D001",
            "bilg_dr_name": "王医生", "hosp_appr_flag": "1"}


def test_input_json_decimals_stay_exact(yb):
    mdtrt_id = _visit(yb)
    # written by hand: 1.10 and 3.30 would come back as 1.1 and 3.3 had they passed through a float
    text = json.dumps({"feedetail": [_fee(mdtrt_id, "F1", 3, "PRIC", "AMT")]}).replace(
        '"PRIC"', "1.10").replace('"AMT"', "3.30")
    reply = invoke_json(yb, "2204", text, mdtrt_id=mdtrt_id)
    assert '"pric":1.10' in reply.output_json and '"det_item_fee_sumamt":3.30' in reply.output_json
    assert reply.output["result"][0]["pric"] == "1.10"
    assert yb.simulator.visit(mdtrt_id).fees["F1"].det_item_fee_sumamt == Decimal("3.30")


def test_a_float_in_a_struct_is_refused_for_decimals(yb):
    payload = struct_pb2.Struct()
    payload.update({"feedetail": [_fee("M1", "F1", 3, 1.1, "3.30")]})  # cnt 3 is an exact integral double
    err = refused(yb.stub.Invoke, pb.InvokeRequest(code="2204", input=payload), metadata=auth())
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = detail(err, error_details_pb2.BadRequest).field_violations
    assert [v.field for v in violations] == ["feedetail[0].pric"]
    assert "input_json" in violations[0].description and "string" in violations[0].description


def test_struct_decimals_as_strings_are_accepted(yb):
    mdtrt_id = _visit(yb)
    payload = struct_pb2.Struct()
    payload.update({"feedetail": [_fee(mdtrt_id, "F1", 2, "12.50", "25.00")]})
    reply = yb.stub.Invoke(pb.InvokeRequest(code="2204", input=payload, mdtrt_id=mdtrt_id), metadata=auth())
    assert reply.output["result"][0]["det_item_fee_sumamt"] == "25.00"


def test_validation_errors_name_the_field_paths(yb):
    err = refused(invoke_json, yb, "1101", {"data": {"mdtrt_cert_no": CERTNO}})
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in detail(err, error_details_pb2.BadRequest).field_violations] == ["data.mdtrt_cert_type"]

    rows = [_fee("M1", f"F{i}", 1, "1.00", "1.00") for i in range(3)]
    rows[2]["cnt"] = "three"
    err = refused(invoke_json, yb, "2204", {"feedetail": rows})
    assert [v.field for v in detail(err, error_details_pb2.BadRequest).field_violations] == ["feedetail[2].cnt"]


@pytest.mark.parametrize("text, problem", [("{not json", "not valid JSON"), ("[1]", "JSON object"),
                                           ('{"data": {"x": NaN}}', "not valid JSON")])
def test_bad_input_json_is_invalid_argument(yb, text, problem):
    err = refused(invoke_json, yb, "1101", text)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    violation, = detail(err, error_details_pb2.BadRequest).field_violations
    assert violation.field == "input_json" and problem in violation.description


def test_a_platform_refusal_carries_error_info(yb):
    err = refused(invoke_json, yb, "1101", person_json("420106190001019999"))
    assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
    info = detail(err, error_details_pb2.ErrorInfo)
    assert (info.reason, info.domain, info.metadata["infno"], info.metadata["infcode"]) == (
        "PLATFORM_REFUSED", "yb.hubei", "1101", "-1")
    assert info.metadata["msgid"] and info.metadata["journal_id"]
    assert "未查询到人员信息" in info.metadata["err_msg"]


def test_a_doubtful_outcome_is_unavailable(yb):
    yb.simulator.faults.add("1101", "timeout_after_commit", 1, 0)
    err = refused(invoke_json, yb, "1101", person_json())
    assert err.code() == grpc.StatusCode.UNAVAILABLE
    info = detail(err, error_details_pb2.ErrorInfo)
    # a read: whatever happened, asking again has the same effect
    assert (info.reason, info.metadata["outcome"]) == ("PLATFORM_UNAVAILABLE", "repeatable")


def test_invocable_says_whether_the_role_may_use_invoke_at_all(yb):
    """A viewer reads the catalogue, and even with catalogue grants it holds no platform.invoke:
    nothing is invocable for it, while the auditor's 1101 is."""
    listing = lambda who: {t.code: t.invocable for t in yb.stub.ListTransactions(  # noqa: E731
        pb.ListTransactionsRequest(code_prefix="110"), metadata=auth(who)).transactions}
    assert listing("viewer")["1101"] is False and listing("audit")["1101"] is True
    assert refused(invoke_json, yb, "1101", person_json(), who="viewer").code() == grpc.StatusCode.PERMISSION_DENIED


def test_roles_limit_what_an_operator_may_invoke(yb):
    err = refused(invoke_json, yb, "1312a", {"data": {}})
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED and "clerk" in err.details()
    err = refused(invoke_json, yb, "2201A", {"data": {}}, who="audit")  # granted 1101 only, by code
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    assert invoke_json(yb, "1101", person_json(), who="audit").output["baseinfo"]["psn_no"] == WORKER


def test_withdrawn_catalogue_downloads_point_to_1312a(yb):
    err = refused(invoke_json, yb, "1301", {"data": {"ver": "0"}})
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "本交易不适用" in err.details() and "1312a" in err.details()
    violation, = detail(err, error_details_pb2.BadRequest).field_violations
    assert violation.field == "code" and "use 1312a" in violation.description


def test_unknown_code_and_missing_token(yb):
    assert refused(invoke_json, yb, "0000", {}).code() == grpc.StatusCode.NOT_FOUND
    err = refused(yb.stub.Invoke, pb.InvokeRequest(code="1101", input_json=person_json()))
    assert err.code() == grpc.StatusCode.UNAUTHENTICATED


def test_health_reports_the_platform_service(yb):
    reply = health_pb2_grpc.HealthStub(yb.channel).Check(
        health_pb2.HealthCheckRequest(service="his.v1.PlatformService"))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


# ---- Struct conversions ------------------------------------------------------------------------
def test_struct_numbers_are_taken_only_when_exact():
    payload = struct_pb2.Struct()
    payload.update({"data": {"n": 3, "flag": True, "none": None, "rows": [{"x": 2.0}, {"x": 0.5}],
                             "big": float(2 ** 53 + 2), "nan": float("nan")}})
    with pytest.raises(ValidationFailed) as caught:
        struct_to_input(payload)
    assert sorted(v.field for v in caught.value.violations) == ["data.big", "data.nan", "data.rows[1].x"]
    payload.update({"data": {"n": 3, "flag": True, "none": None, "rows": [{"x": 2.0}], "text": "12.50"}})
    assert struct_to_input(payload) == {"data": {"n": 3, "flag": True, "none": None, "rows": [{"x": 2}],
                                                 "text": "12.50"}}


def test_output_for_struct_keeps_every_value_exact():
    out = output_for_struct({"a": Decimal("0.10"), "b": [2 ** 60, 7], "c": b"\x00\x01", "d": None, "e": "x"})
    assert out == {"a": "0.10", "b": [str(2 ** 60), 7], "c": "AAE=", "d": None, "e": "x"}
