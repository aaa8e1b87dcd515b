"""Every rule the platform enforces answers infcode -1 with a clear message and changes nothing."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from simkit import P_RESIDENT, P_TWO, P_WORKER, Driver, person_by_no

from adapters.yb_sim import SimulatorPlatform
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformRefused

JIA = "XJ01CAA040A001010104022"


def minimal_input(infno: str) -> dict:
    """Required fields only, each with a value its type and dictionary accept."""
    catalogue = load_catalogue()
    tx = catalogue.get(infno)

    def value(f):
        if f.dict and f.dict in catalogue.dictionaries and catalogue.dictionaries[f.dict].codes:
            return next(iter(catalogue.dictionaries[f.dict].codes))
        return {"decimal": "1", "integer": "1", "date": "2025-06-16",
                "datetime": "2025-06-16 09:00:00"}.get(f.type, "X")

    out = {}
    for node in tx.input:
        row = {f.name: value(f) for f in node.fields if f.required}
        out[node.name] = [row] if node.is_array else row
    return out


@pytest.fixture
def visit(his: Driver) -> str:
    mdtrt_id = his.register(P_WORKER)
    his.upload(mdtrt_id, P_WORKER, [(JIA, "1", "100.00")])
    return mdtrt_id


# ---- envelope-level rules -------------------------------------------------------------------

def test_unknown_transaction(his: Driver):
    his.refused("9999", {}, contains="交易编号[9999]不存在")
    # the HIS finds codes whatever their case but sends them as spelled: the simulator holds it to that
    his.refused("2201a", {"data": {}}, contains="交易编号[2201a]不存在")
    his.refused("\x1b[2J" + "9" * 5000, {}, contains="交易编号['\\x1b[2J99")


def test_transaction_not_applicable_names_its_replacement(his: Driver):
    his.refused("1301", {"data": {"ver": "0"}}, contains="1312a")


def test_invalid_input_lists_violations(his: Driver):
    data = his.register_input(P_WORKER)
    del data["data"]["psn_no"]
    data["data"]["insutype"] = "999"
    refused = his.refused("2201", data, contains="入参校验失败")
    assert "data.psn_no" in refused.err_msg and "data.insutype" in refused.err_msg


def test_catalogued_but_unsupported():
    """A transaction added to the catalogue before the simulator learns it is refused, not echoed."""
    import dataclasses

    from adapters.yb_sim import SimulatorPlatform as Sim
    from ports.catalogue import Catalogue, load_catalogue

    real = load_catalogue()
    extra = dataclasses.replace(real.get("1101"), code="1199", name="新增交易")
    sim = Sim(catalogue=Catalogue({**real.transactions, "1199": extra}, real.dictionaries))
    his = Driver(sim)
    his.sign_in()
    his.refused("1199", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}, contains="模拟器暂不支持交易[1199]")


def test_sign_in_required(sim: SimulatorPlatform):
    his = Driver(sim)
    refused = his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}, contains="签到")
    assert refused.sign_in_invalid
    his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}, sign_no="123", contains="签到")


def test_sign_in_belongs_to_its_operator(his: Driver):
    other = Operator("OP002", "另一收费员")
    his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}, operator=other, contains="签到")


def test_sign_out_invalidates_the_sign_no(his: Driver):
    sign_no = his.sign_no
    reply = his.call("9002", {"signOut": {"sign_no": sign_no, "opter_no": his.operator.code}})
    assert reply.output["signoutoutb"]["sign_time"]
    assert his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}},
                       contains="签到").sign_in_invalid
    his.sign_in()
    assert his.sign_no != sign_no


def test_platform_reset_forgets_sign_ins(his: Driver, sim: SimulatorPlatform):
    sim.invalidate_sign_ins()
    his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}, contains="签到")


def test_repeated_msgid_is_refused(his: Driver):
    person = person_by_no(P_WORKER)
    query = {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person.certno}}
    his.call("1101", query)
    his.refused("1101", query, msgid=his.last_msgid, contains="报文ID重复")


# ---- 1101 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cert_type, attr", [("01", "ec_token"), ("02", "certno"), ("03", "card_no")])
def test_person_found_by_each_certificate(his: Driver, cert_type, attr):
    person = person_by_no(P_TWO)
    out = his.call("1101", {"data": {"mdtrt_cert_type": cert_type,
                                     "mdtrt_cert_no": getattr(person, attr)}}).output
    assert out["baseinfo"]["psn_no"] == P_TWO and out["baseinfo"]["certno"] == person.certno
    assert sorted(i["insutype"] for i in out["insuinfo"]) == ["310", "390"]
    assert out["insuinfo"][0]["balc"] == Decimal("800.00")
    assert out["idetinfo"] == []


def test_unknown_person(his: Driver):
    his.refused("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "420106199001019999"}},
                contains="未查询到人员信息")


# ---- registration -----------------------------------------------------------------------------

def test_register_needs_an_enrolled_insutype_and_own_certificate(his: Driver):
    his.refused("2201", his.register_input(P_RESIDENT, "310"), contains="未参加险种")
    his.refused("2201", his.register_input(P_WORKER, mdtrt_cert_no="420106199001019999"), contains="不符")
    assert his.call("2201A", {"data": dict(his.register_input(P_WORKER)["data"], med_type="11")}) \
        .output["data"]["mdtrt_id"]


def test_unknown_visit_and_wrong_person(his: Driver, visit: str):
    rows = his.fee_rows("999999", P_WORKER, [(JIA, "1", "1.00")], batch="B2")
    his.refused("2204", {"feedetail": rows}, contains="就诊ID[999999]不存在")
    rows = his.fee_rows(visit, P_RESIDENT, [(JIA, "1", "1.00")], batch="B2")
    his.refused("2204", {"feedetail": rows}, contains="不一致")
    his.refused("2207", his.settle_input(visit, P_RESIDENT, "100.00", insutype="390"), contains="不一致")
    his.refused("2202", {"data": {"psn_no": P_WORKER, "mdtrt_id": "424242", "ipt_otp_no": "MZ"}},
                contains="不存在")


def test_visit_info_upload(his: Driver, visit: str, sim: SimulatorPlatform):
    diag = {"diag_type": "1", "diag_srt_no": "1", "diag_code": "J06.900", "diag_name": "急性上呼吸道感染",
            "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": "王医生",
            "diag_time": "2025-06-16 09:35:00", "vali_flag": "1"}
    info = {"mdtrt_id": visit, "psn_no": P_WORKER, "med_type": "11", "begntime": "2025-06-16 09:30:00"}
    assert his.call("2203", {"mdtrtinfo": info, "diseinfo": [diag]}).output == {}
    assert sim.visit(visit).diagnoses[0]["diag_code"] == "J06.900"


# ---- fees -------------------------------------------------------------------------------------

def test_fees_on_a_cancelled_visit(his: Driver, visit: str):
    his.call("2202", {"data": {"psn_no": P_WORKER, "mdtrt_id": visit, "ipt_otp_no": "MZ20250616001"}})
    his.refused("2204", {"feedetail": his.fee_rows(visit, P_WORKER, [(JIA, "1", "1.00")], "B2")},
                contains="已撤销")


def test_fees_after_settlement(his: Driver, visit: str):
    his.settle(visit, P_WORKER, "100.00")
    his.refused("2204", {"feedetail": his.fee_rows(visit, P_WORKER, [(JIA, "1", "1.00")], "B2")},
                contains="已结算")


def test_duplicate_feedetl_sn(his: Driver, visit: str, sim: SimulatorPlatform):
    his.refused("2204", {"feedetail": his.fee_rows(visit, P_WORKER, [(JIA, "1", "1.00")])},
                contains="费用明细流水号[B1-1]重复")
    twice = his.fee_rows(visit, P_WORKER, [(JIA, "1", "1.00")], "B2") * 2
    his.refused("2204", {"feedetail": twice}, contains="重复")
    assert list(sim.visit(visit).fees) == ["B1-1"]


def test_unknown_item_refuses_the_whole_upload(his: Driver, visit: str, sim: SimulatorPlatform):
    rows = his.fee_rows(visit, P_WORKER, [(JIA, "1", "1.00"), ("XX000", "1", "1.00")], "B2")
    his.refused("2204", {"feedetail": rows}, contains="医保目录编码[XX000]不存在或未对照")
    assert list(sim.visit(visit).fees) == ["B1-1"]  # the good row was not kept either


def test_amount_must_be_cnt_times_price(his: Driver, visit: str):
    rows = his.fee_rows(visit, P_WORKER, [(JIA, "2", "1.00")], "B2")
    rows[0]["det_item_fee_sumamt"] = "3.00"
    his.refused("2204", {"feedetail": rows}, contains="不符")


def test_cancel_fees(his: Driver, visit: str, sim: SimulatorPlatform):
    his.refused("2205", {"data": {"mdtrt_id": visit, "chrg_bchno": "NOPE", "psn_no": P_WORKER}},
                contains="不存在")
    assert his.call("2205", {"data": {"mdtrt_id": visit, "chrg_bchno": "B1", "psn_no": P_WORKER}}).output == {}
    assert sim.visit(visit).fees == {}
    his.refused("2205", {"data": {"mdtrt_id": visit, "chrg_bchno": "B1", "psn_no": P_WORKER}},
                contains="不存在")


def test_cancel_settled_fees(his: Driver, visit: str):
    his.settle(visit, P_WORKER, "100.00")
    his.refused("2205", {"data": {"mdtrt_id": visit, "chrg_bchno": "B1", "psn_no": P_WORKER}},
                contains="已结算")


# ---- settlement -------------------------------------------------------------------------------

@pytest.mark.parametrize("infno", ["2206", "2207"])
def test_settle_needs_unsettled_fees_and_the_right_total(his: Driver, visit: str, infno: str):
    his.refused(infno, his.settle_input(visit, P_WORKER, "100.00", batch="EMPTY"), contains="没有未结算的费用明细")
    refused = his.refused(infno, his.settle_input(visit, P_WORKER, "99.99"), contains="费用总额不一致")
    assert "100.00" in refused.err_msg


def test_settle_twice(his: Driver, visit: str):
    his.settle(visit, P_WORKER, "100.00")
    his.refused("2207", his.settle_input(visit, P_WORKER, "100.00"), contains="已结算，不能重复结算")


def test_settle_with_another_insutype(his: Driver):
    mdtrt_id = his.register(P_TWO, "310")
    his.upload(mdtrt_id, P_TWO, [(JIA, "1", "10.00")])
    his.refused("2207", his.settle_input(mdtrt_id, P_TWO, "10.00", insutype="390"), contains="险种类型")


def test_cancel_unknown_or_cancelled_settlement(his: Driver, visit: str):
    his.refused("2208", {"data": {"setl_id": "123", "mdtrt_id": visit, "psn_no": P_WORKER}}, contains="不存在")
    setl_id = his.settle(visit, P_WORKER, "100.00").output["setlinfo"]["setl_id"]
    his.refused("2208", {"data": {"setl_id": setl_id, "mdtrt_id": "777", "psn_no": P_WORKER}}, contains="不属于")
    his.cancel(setl_id, visit, P_WORKER)
    his.refused("2208", {"data": {"setl_id": setl_id, "mdtrt_id": visit, "psn_no": P_WORKER}},
                contains="已撤销")


def test_cancel_registration_while_settled(his: Driver, visit: str):
    setl_id = his.settle(visit, P_WORKER, "100.00").output["setlinfo"]["setl_id"]
    cancel = {"data": {"psn_no": P_WORKER, "mdtrt_id": visit, "ipt_otp_no": "MZ20250616001"}}
    his.refused("2202", cancel, contains="已结算")
    his.cancel(setl_id, visit, P_WORKER)
    assert his.call("2202", cancel).output == {}
    his.refused("2202", cancel, contains="已撤销")


def test_concurrent_settlements_of_one_visit_only_one_wins(his: Driver, visit: str, sim: SimulatorPlatform):
    outcomes = []

    def settle():
        try:
            his.settle(visit, P_WORKER, "100.00")
            outcomes.append("ok")
        except PlatformRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=settle) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert sim.balance(P_WORKER, "310") == Decimal("1400.00")  # 100.00 below the deductible: all account
