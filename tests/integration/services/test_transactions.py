"""TransactionService wired by the composition root: roles, catalogue queries, the generic call."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flowkit import WORKER, certno

from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.operator import Operator
from ports.catalogue import load_catalogue
from services.errors import PlatformRejected
from services.platform_gateway import CallContext
from services.settings import DEFAULT_ROLES, Settings
from services.transactions import TransactionService, grants, parse_input_json

CLERK = Operator("1001", "演示收费员", role="clerk")
ADMIN = Operator("9001", "管理员", role="admin")
NOBODY = Operator("7001", "访客", role="visitor")  # a role the settings do not name


def tx(code: str):
    return load_catalogue().get(code)


def person(cert: str | None = None) -> dict:
    return {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": cert or certno()}}


def test_grants_by_group_top_level_code_prefix_and_star():
    assert grants(["医保服务"], tx("2207")) and grants(["医保服务/门急诊结算"], tx("2207"))
    assert not grants(["医保服务/住院办理"], tx("2207"))
    assert not grants(["医保"], tx("2207"))  # a top level is matched whole, not by its first characters
    assert grants(["22"], tx("2207")) and grants(["1312a"], tx("1312a")) and not grants(["23"], tx("2207"))
    assert grants(["*"], tx("4101A")) and not grants([], tx("1101"))


def test_default_roles_cover_the_catalogue_groups():
    groups = {t.group.partition("/")[0] for t in load_catalogue()}
    assert set(DEFAULT_ROLES["clerk"]) <= groups  # each named top level exists in the catalogue
    assert Settings().roles == DEFAULT_ROLES and DEFAULT_ROLES["admin"] == ["*"] == DEFAULT_ROLES["system"]


def test_a_configured_roles_table_replaces_the_default(tmp_path, monkeypatch):
    config = tmp_path / "his.toml"
    config.write_text('[roles]\nauditor = ["1101", "信息查询"]\n', encoding="utf-8")
    monkeypatch.setenv("HIS_CONFIG", str(config))
    assert Settings().roles == {"auditor": ["1101", "信息查询"]}


def test_list_filters(app):
    service = app.transactions
    assert [t.code for t in service.list(group="其他/签到签退")] == ["9001", "9002"]
    assert all(t.group.startswith("长护险/") for t in service.list(group="长护险"))
    assert {t.code for t in service.list(code_prefix="130")} >= {"1301", "1306"}
    assert all(t.gateway == "mobile" for t in service.list(gateway="mobile"))
    assert len(service.list()) == len(list(load_catalogue()))


def test_describe_lists_each_dictionary_once_in_order_of_use(app):
    described, dictionaries = app.transactions.describe("1101")
    names = [d.name for d in dictionaries]
    assert described.code == "1101" and names[:2] == ["mdtrt_cert_type", "psn_cert_type"]
    assert len(names) == len(set(names)) and "insutype" in names
    with pytest.raises(NotFound):
        app.transactions.describe("0000")
    with pytest.raises(ValidationFailed):
        app.transactions.describe(" ")


def test_invoke_returns_exact_output_and_journals_the_call(app):
    receipt = app.transactions.invoke(CLERK, "1101", person(), CallContext(psn_no=WORKER))
    assert receipt.output["insuinfo"][0]["balc"] == Decimal("1500.00")
    entry = app.container.journal_store().get(receipt.journal_id)
    assert (entry.msgid, entry.infno, entry.psn_no, entry.operator_code) == (receipt.msgid, "1101", WORKER, "1001")


def test_invoke_checks_role_then_applicability(app):
    with pytest.raises(PermissionDenied, match="visitor"):
        app.transactions.invoke(NOBODY, "1101", person())
    with pytest.raises(PermissionDenied):
        app.transactions.invoke(CLERK, "1312a", {"data": {}})  # 服务下延: not a clerk's group
    with pytest.raises(ValidationFailed) as caught:
        app.transactions.invoke(ADMIN, "1304", {"data": {"ver": "0"}})
    violation, = caught.value.violations
    assert violation.field == "code" and "本交易不适用, use 1312a" in violation.description
    with pytest.raises(NotFound):
        app.transactions.invoke(ADMIN, "0000", {})


def test_invoke_passes_validation_and_refusals_through(app):
    with pytest.raises(ValidationFailed) as caught:
        app.transactions.invoke(CLERK, "1101", {"data": {"mdtrt_cert_type": "77", "mdtrt_cert_no": "x"}})
    assert [v.field for v in caught.value.violations] == ["data.mdtrt_cert_type"]
    with pytest.raises(PlatformRejected) as refused:
        app.transactions.invoke(CLERK, "1101", person("420106190001019999"))
    assert refused.value.infcode == -1 and refused.value.journal_id


def test_invoke_grants_do_not_touch_the_typed_use_cases(app):  # their RPCs are checked by permission
    person_read = app.outpatient.read_person(NOBODY, "02", certno())
    assert person_read.psn_no == WORKER


def test_a_service_without_gateway_still_lists():
    service = TransactionService(load_catalogue(), None, DEFAULT_ROLES)
    assert service.describe("1101")[0].name == "人员基本信息获取"
    with pytest.raises(RuntimeError):
        service.invoke(CLERK, "1101", person())


def test_parse_input_json_keeps_decimals_exact():
    assert parse_input_json('{"a": 1.10, "b": 3, "c": 0.1}') == {"a": Decimal("1.10"), "b": 3, "c": Decimal("0.1")}
    assert str(parse_input_json('{"a": 1.10}')["a"]) == "1.10"
    for bad in ('{"a": Infinity}', "[]", "{"):
        with pytest.raises(ValidationFailed) as caught:
            parse_input_json(bad, field="in.json")
        assert caught.value.violations[0].field == "in.json"


def test_sign_in_and_reversal_are_left_to_the_gateway():
    from domain.errors import PermissionDenied
    from domain.operator import Operator
    from ports.catalogue import load_catalogue
    from services.transactions import TransactionService

    service = TransactionService(load_catalogue(), gateway=None, roles={"admin": ["*"]})
    for code in ("9001", "9002", "2601"):
        with pytest.raises(PermissionDenied, match="HIS itself"):
            service.invoke(Operator("1", "甲", role="admin"), code, {})


# ---- a mobile payment whose reply was lost: 6301 shows whether it was made -------------------------
def _mobile_order(app) -> dict:
    from adapters.yb_sim.demo_data import demo_persons

    who = next(p for p in demo_persons() if p.psn_no == WORKER)
    fee = {"feedetlSn": "F1", "chrgBchno": "B1", "feeOcurTime": "2026-03-02 09:40:00",
           "medListCodg": "XJ01CAA040A001010104022", "medinsListCodg": "HIS0001", "detItemFeeSumamt": "30.00",
           "cnt": "1", "pric": "30.00", "bilgDeptCodg": "NK01", "bilgDeptName": "内科门诊", "bilgDrCodg": "D001",
           "bilgDrName": "王医生"}
    upload = {"orgCodg": "H42010600001", "psnNo": WORKER, "insutype": "310", "medOrgOrd": "MO-LOST-1",
              "begntime": "2026-03-02 09:30:00", "idNo": who.certno, "userName": who.psn_name, "idType": "01",
              "insuCode": "420106", "iptOtpNo": "MZ001", "deptCode": "NK01", "deptName": "内科门诊", "caty": "A03",
              "medType": "11", "feeType": "01", "medfeeSumamt": "30.00", "psnSetlway": "01", "chrgBchno": "B1",
              "pubHospRfomFlag": "0", "feedetailList": [fee],
              "diseinfoList": [{"diagType": "1", "diagSrtNo": "1", "diagCode": "J00.x00", "diagName": "急性鼻咽炎",
                                "diagDept": "内科", "diseDorNo": "D001", "diseDorName": "王医生",
                                "diagTime": "2026-03-02 09:35:00", "valiFlag": "1"}]}
    order = app.transactions.invoke(ADMIN, "6201", {"data": upload}).output["data"]
    return {"payAuthNo": "AUTH0001", "payOrdId": order["payOrdId"], "payToken": order["payToken"],
            "orgCodg": "H42010600001", "orgBizSer": "BIZ0001", "mdtrtId": order["mdtrtId"], "chrgBchno": "B1",
            "feeType": "01", "idNo": who.certno, "userName": who.psn_name, "idType": "01"}


def test_a_payment_whose_reply_was_lost_is_proven_by_6301(app, simulator):
    from domain.journal import JournalState

    pay = _mobile_order(app)
    simulator.faults.add("6202", "timeout_after_commit", 1, 0)
    receipt = app.transactions.invoke(ADMIN, "6202", {"data": pay})
    assert receipt.output["data"]["ordStas"] == "6"
    assert receipt.output["data"]["fundPay"] + receipt.output["data"]["psnAcctPay"] + \
        receipt.output["data"]["ownPayAmt"] == Decimal("30.00")
    entry = app.container.journal_store().get(receipt.journal_id)
    assert entry.state is JournalState.CONFIRMED and entry.resolution.startswith("6301 ")


def test_a_payment_that_never_arrived_is_proven_unpaid(app, simulator):
    from domain.journal import JournalState
    from services.errors import PlatformUnavailable

    pay = _mobile_order(app)
    simulator.faults.add("6202", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.transactions.invoke(ADMIN, "6202", {"data": pay})
    assert err.value.outcome == "not_applied"
    assert app.container.journal_store().get(err.value.journal_id).state is JournalState.FAILED
    assert app.transactions.invoke(ADMIN, "6202", {"data": pay}).output["data"]["ordStas"] == "6"  # paid once


def test_a_doubtfully_required_field_left_out_is_sent_with_a_warning(app):
    # 2201A med_type: the sources disagree on whether it is required, so leaving it out is not refused
    app.transactions.invoke(CLERK, "1101", person())
    data = {"psn_no": WORKER, "insutype": "310", "begntime": "2026-03-02 09:00:00", "mdtrt_cert_type": "02",
            "mdtrt_cert_no": certno(), "ipt_otp_no": "MZWARN0001", "atddr_no": "D001", "dr_name": "王医生",
            "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03"}
    done = app.transactions.invoke(CLERK, "2201a", {"data": data})  # any case: sent as the platform spells it
    assert done.warnings and done.warnings[0].startswith("data.med_type")
    assert app.gateway.journal.by_msgid(done.msgid).infno == "2201A"
