"""清算申请 / 撤销 (3203/3204, Hubei 3202a-3204b, 1608/1618), 3205a and YH03 printing."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from simkit import P_WORKER, P_WORKER_POOR, Driver

from adapters.yb_sim.state import Account, Person

JIA = "XJ01CAA040A001010104022"
D = Decimal
FIGURES = {"medfee_sumamt": "medfee_sumamt", "med_sumfee": "inscp_scp_amt", "fund_appy_sum": "fund_pay_sumamt",
           "cash_payamt": "psn_cash_pay", "acct_pay": "acct_pay"}


def settle(his: Driver, psn_no: str, amount: str) -> dict:
    mdtrt_id, total = his.visit_with_fees(psn_no, [(JIA, "1", amount)])
    return his.settle(mdtrt_id, psn_no, total).output["setlinfo"]


@pytest.fixture
def june(his: Driver, clock) -> list[dict]:
    """Two June settlements and one cancelled pair, then the clock moves to July."""
    rows = [settle(his, P_WORKER, "300.00"), settle(his, P_WORKER_POOR, "120.00")]
    c = settle(his, P_WORKER, "50.00")
    rows += [c, his.cancel(c["setl_id"], c["mdtrt_id"], P_WORKER).output["setlinfo"]]
    clock.current = datetime(2025, 7, 2, 9, 0, 0)
    return rows


def application(rows: list[dict], national: bool = True, **over) -> dict:
    data = {name: str(sum((r[source] for r in rows), D("0.00"))) for name, source in FIGURES.items()}
    data.update(clr_type="11", begndate="2025-06-01", enddate="2025-06-30")
    if national:
        data.update(clr_way="01", setlym="202506", psntime=sum(-1 if r["medfee_sumamt"] < 0 else 1 for r in rows))
    else:
        data["clr_optins"] = "420106"
    data.update(over)
    return {"data": data}


def test_application_locks_the_period_until_revoked(his: Driver, june):
    evt_id = his.call("3203", application(june)).output["result"]["clr_appy_evt_id"]
    assert evt_id and len(evt_id) <= 30
    his.refused("3203", application(june), f"已有清算申请[{evt_id}]")
    his.refused("3202a", application(june, national=False), "请先撤销")  # the same local settlements
    his.refused("3204a", {"data": {"clr_appy_evt_id": evt_id, "clr_optins": "420106"}}, "请使用交易[3204]")
    his.call("3204", {"data": {"clr_appy_evt_id": evt_id}})
    his.refused("3204", {"data": {"clr_appy_evt_id": evt_id}}, "不能重复撤销")
    his.refused("3204", {"data": {"clr_appy_evt_id": "NO-SUCH-ID"}}, "不存在")
    again = his.call("3203", application(june)).output["result"]["clr_appy_evt_id"]
    assert again != evt_id


def test_figures_must_match_the_centre(his: Driver, june):
    wrong = application(june)
    wrong["data"]["fund_appy_sum"] = str(D(wrong["data"]["fund_appy_sum"]) + D("0.01"))
    his.refused("3203", wrong, "基金申报总额")
    his.refused("3203", application(june, psntime=4), "清算人次")
    his.refused("3203", application(june[:1]), "医疗费总额")


def test_period_must_be_over_and_hold_settlements(his: Driver, june, clock):
    his.refused("3203", application(june, enddate="2025-07-31", setlym="202507"), "须早于当前日期")
    his.refused("3203", application(june, setlym="202505"), "不在清算年月")
    his.refused("3203", application([], begndate="2025-05-01", enddate="2025-05-31", setlym="202505"), "没有可申请清算")


def test_hubei_detail_application_lists_its_settlements_and_prints(his: Driver, june):
    reply = his.call("3203a", application(june, national=False))
    evt_id = reply.output["result"]["clr_appy_evt_id"]
    assert {r["setl_id"] for r in reply.output["detail"]} == {r["setl_id"] for r in june}
    printed = his.call("3205a", {"data": {"clr_appy_evt_id": evt_id}}).output["data"]
    assert printed["appy_stas"] == "1" and printed["fund_appy_sum"] == sum(r["fund_pay_sumamt"] for r in june)
    assert evt_id in printed["print_content"] and "基金申报总额" in printed["print_content"]
    his.refused("3204b", {"data": {"clr_appy_evt_id": evt_id, "clr_optins": "420500"}}, "清算机构")
    his.call("3204b", {"data": {"clr_appy_evt_id": evt_id, "clr_optins": "420106"}})
    assert his.call("3205a", {"data": {"clr_appy_evt_id": evt_id}}).output["data"]["appy_stas"] == "0"
    his.refused("3205a", {"data": {}}, "clr_appy_evt_id")


def test_out_of_area_clearing_takes_only_remote_settlements(sim, his: Driver, clock):
    visitor = Person("42050020000000000009", "异地参保戊", "420500199001019921", "1", date(1990, 1, 1), "01",
                     "H42050009", "01TOKEN9", [Account("310", D("100.00"), "1101", "420500", date(2015, 1, 1))])
    sim.add_person(visitor)
    local = settle(his, P_WORKER, "80.00")
    reg = his.register_input(P_WORKER)
    reg["data"].update(psn_no=visitor.psn_no, mdtrt_cert_no=visitor.certno)
    mdtrt_id = his.call("2201", reg).output["data"]["mdtrt_id"]
    his.upload(mdtrt_id, visitor.psn_no, [(JIA, "1", "90.00")])
    data = his.settle_input(mdtrt_id, P_WORKER, "90.00")
    data["data"].update(psn_no=visitor.psn_no, mdtrt_cert_no=visitor.certno)
    remote = his.call("2207", data).output["setlinfo"]
    assert remote["clr_optins"] == "420500"
    clock.current = datetime(2025, 7, 1, 8, 0, 0)
    his.refused("1608", application([remote], national=False, clr_optins="420500"), "就医地经办机构")
    evt_id = his.call("1608", application([remote], national=False)).output["result"]["clr_appy_evt_id"]
    local_id = his.call("3202a", application([local], national=False)).output["result"]["clr_appy_evt_id"]
    his.refused("1618", {"data": {"clr_appy_evt_id": local_id, "clr_optins": "420106"}}, "请使用交易[3204a]")
    his.call("1618", {"data": {"clr_appy_evt_id": evt_id, "clr_optins": "420106"}})
    his.call("3204a", {"data": {"clr_appy_evt_id": local_id, "clr_optins": "420106"}})


def test_settlement_slip(his: Driver, june):
    first, negative = june[0], june[3]
    slip = his.call("YH03", {"data": {"setl_id": first["setl_id"]}}).output["data"]
    assert (slip["psn_no"], slip["psn_name"], slip["setl_stas"]) == (P_WORKER, "测试职工甲", "1")
    assert slip["medfee_sumamt"] == first["medfee_sumamt"] and slip["acct_pay"] == first["acct_pay"]
    assert sum(r["fund_payamt"] for r in slip["fund_detail"]) == first["fund_pay_sumamt"] + first["acct_pay"]
    assert first["setl_id"] in slip["print_content"]
    cancelled = his.call("YH03", {"data": {"setl_id": june[2]["setl_id"]}}).output["data"]
    assert cancelled["setl_stas"] == "0" and cancelled["cancel_setl_id"] == negative["setl_id"]
    assert his.call("YH03", {"data": {"setl_id": negative["setl_id"]}}).output["data"]["setl_stas"] == "2"
    his.refused("YH03", {"data": {"setl_id": "NOPE"}}, "结算ID[NOPE]不存在")
    his.refused("YH03", {"data": {"setl_id": first["setl_id"], "psn_no": P_WORKER_POOR}}, "不一致")


def test_a_cleared_settlement_cannot_be_cancelled_until_the_application_is_revoked(his: Driver, june):
    evt_id = his.call("3203", application(june)).output["result"]["clr_appy_evt_id"]
    first = june[0]
    his.refused("2208", {"data": {"setl_id": first["setl_id"], "mdtrt_id": first["mdtrt_id"], "psn_no": P_WORKER}},
                f"清算申请[{evt_id}]")
    his.call("3204", {"data": {"clr_appy_evt_id": evt_id}})
    his.cancel(first["setl_id"], first["mdtrt_id"], P_WORKER)
