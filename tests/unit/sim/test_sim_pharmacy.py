"""药店: 2101/2101A preview, 2102/2102A settlement with the drug rows in the call (定点药店购药 and
门诊慢特病购药), refusals, and 2601. Money by hand from policy.toml (310: 起付线 200.00, 70 %, cap
3000.00, account)."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_RESIDENT, P_WORKER, P_WORKER_POOR, Driver, person_by_no, r2
from test_sim_inpatient import assert_invariants, conforms

from adapters.yb_sim import SimulatorPlatform

D = Decimal
ZERO = D("0.00")
JIA = "XJ01CAA040A001010104022"  # 甲类 drug
YI = "XA02BCA211A001010101443"  # 乙类 drug, 先行自付 10 %
BING = "XS01XAA101B002010101667"  # 丙类 drug
SERVICE = "001102000010000"  # 医疗服务项目: not sold by a pharmacy
HYPERTENSION = ("M03900", "高血压")


def purchase(psn_no: str, items, med_type: str = "41", insutype: str = "310", acct: str = "1",
             total: str | None = None, **over) -> dict:
    rows = [{"feedetl_sn": f"YD-{n}", "rxno": f"CF{n}", "rx_circ_flag": "0", "fee_ocur_time": "2025-06-16 09:20:00",
             "med_list_codg": code, "medins_list_codg": f"YP{n:03d}", "det_item_fee_sumamt": str(r2(D(c) * D(p))),
             "cnt": c, "pric": p, "bilg_dr_codg": "D001", "bilg_dr_name": "王医生"}
            for n, (code, c, p) in enumerate(items, 1)]
    info = {"psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": person_by_no(psn_no).certno,
            "begntime": "2025-06-16 09:20:00", "insutype": insutype, "acct_used_flag": acct, "med_type": med_type,
            "medfee_sumamt": total or str(sum((D(r["det_item_fee_sumamt"]) for r in rows), ZERO))}
    info.update(over)
    return {"druginfo": info, "drugdetail": rows}


def file_chronic(his: Driver, psn_no: str = P_WORKER) -> str:
    return his.call("2503", {"data": {
        "psn_no": psn_no, "insutype": "310", "opsp_dise_code": HYPERTENSION[0], "opsp_dise_name": HYPERTENSION[1],
        "insu_optins": "420106", "ide_fixmedins_no": "H42010600001", "ide_fixmedins_name": "测试医院",
        "hosp_ide_date": "2025-01-10", "diag_dr_codg": "D001", "diag_dr_name": "王医生",
        "begndate": "2025-01-10"}}).output["result"]["trt_dcla_detl_sn"]


def test_preview_then_settlement(his: Driver, sim: SimulatorPlatform):
    items = [(JIA, "2", "150.00"), (YI, "1", "100.00"), (BING, "1", "20.00")]
    preview = his.call("2101A", purchase(P_WORKER, items))
    conforms("2101A", preview, allow_missing=("mdtrt_id", "setl_id"))
    assert sim.balance(P_WORKER, "310") == D("1500.00")
    reply = his.call("2102A", purchase(P_WORKER, items))
    conforms("2102A", reply)
    info = reply.output["setlinfo"]
    # by hand: 甲类 2 × 150.00 = 300.00 in scope; 乙类 100.00, 先行自付 10.00, in scope 90.00; 丙类 20.00
    # 全自费. In scope 390.00; pool (390.00 - 起付线 200.00) × 0.70 = 133.00; the account pays the
    # person's 420.00 - 133.00 = 287.00 (1500.00 → 1213.00)
    assert (info["medfee_sumamt"], info["fulamt_ownpay_amt"], info["preselfpay_amt"]) == \
        (D("420.00"), D("20.00"), D("10.00"))
    assert (info["inscp_scp_amt"], info["act_pay_dedc"], info["hifp_pay"]) == (D("390.00"), D("200.00"), D("133.00"))
    assert info["acct_pay"] == D("287.00") and info["psn_cash_pay"] == ZERO
    assert_invariants(info)
    assert (info["clr_type"], info["med_type"]) == ("41", "41")
    assert info["balc"] == sim.balance(P_WORKER, "310") == D("1213.00")
    assert {k: v for k, v in preview.output["setlinfo"].items() if k not in ("setl_id", "mdtrt_id", "balc",
                                                                             "medins_setl_id")} == \
        {k: v for k, v in info.items() if k not in ("setl_id", "mdtrt_id", "balc", "medins_setl_id")}
    cut = reply.output["detlcutinfo"]
    assert [(r["feedetl_sn"], r["chrgitm_lv"], r["fulamt_ownpay_amt"]) for r in cut] == \
        [("YD-1", "01", ZERO), ("YD-2", "02", ZERO), ("YD-3", "03", D("20.00"))]
    stay = sim.visit(info["mdtrt_id"])
    assert list(stay.fees) == ["YD-1", "YD-2", "YD-3"] and stay.setl_ids == [info["setl_id"]]


def test_national_2102_and_the_account_running_short(his: Driver):
    info = his.call("2102", purchase(P_WORKER_POOR, [(BING, "1", "50.00")])).output["setlinfo"]
    assert (info["fund_pay_sumamt"], info["acct_pay"], info["psn_cash_pay"]) == (ZERO, D("20.00"), D("30.00"))
    resident = his.call("2102A", purchase(P_RESIDENT, [(JIA, "1", "300.00")], insutype="390")).output["setlinfo"]
    assert resident["hifp_pay"] == D("100.00") and resident["acct_pay"] == ZERO  # (300-100) × 50 %
    assert_invariants(resident)


def test_chronic_purchase_needs_a_filing(his: Driver):
    chronic = purchase(P_WORKER, [(JIA, "1", "80.00")], med_type="14", dise_codg=HYPERTENSION[0],
                       dise_name=HYPERTENSION[1])
    his.refused("2102A", chronic, contains="门诊慢特病备案")
    his.refused("2102A", purchase(P_WORKER, [(JIA, "1", "80.00")], med_type="14"), contains="病种编码")
    sn = file_chronic(his)
    info = his.call("2102A", chronic).output["setlinfo"]
    assert info["med_type"] == "14"
    his.call("2504", {"data": {"trt_dcla_detl_sn": sn, "psn_no": P_WORKER, "memo": "停用"}})
    his.refused("2102A", chronic, contains="门诊慢特病备案")


def test_pharmacy_refusals_change_nothing(his: Driver, sim):
    his.refused("2102A", purchase(P_WORKER, [(SERVICE, "1", "10.00")]), contains="不是药品或耗材")
    his.refused("2102A", purchase(P_WORKER, [(JIA, "1", "10.00")], total="11.00"), contains="费用总额不一致")
    his.refused("2102A", purchase(P_WORKER, [(JIA, "1", "10.00")], med_type="11"), contains="不能在定点药店结算")
    his.refused("2102A", purchase(P_WORKER, [(JIA, "1", "10.00")], insutype="390"), contains="未参加险种")
    his.refused("2102A", purchase(P_WORKER, [(JIA, "1", "10.00")], mdtrt_cert_no="X"), contains="不符")
    twice = purchase(P_WORKER, [(JIA, "1", "10.00"), (JIA, "1", "10.00")])
    twice["drugdetail"][1]["feedetl_sn"] = "YD-1"
    his.refused("2102A", twice, contains="重复")
    his.refused("2102A", purchase(P_WORKER, [("X0000", "1", "10.00")]), contains="不存在")
    assert sim.balance(P_WORKER, "310") == D("1500.00") and sim.deductible_used(P_WORKER, "310") == ZERO


def test_2103_is_not_catalogued(his: Driver):
    his.refused("2103", {"data": {}}, contains="交易编号[2103]不存在")


def test_reversing_a_pharmacy_settlement(his: Driver, sim):
    info = his.call("2102A", purchase(P_WORKER, [(JIA, "1", "500.00")])).output["setlinfo"]
    msgid = his.last_msgid
    assert sim.balance(P_WORKER, "310") < D("1500.00")
    # oinfno names the letter variant itself, as the journal records it (catalogue override: 6 chars)
    assert his.reverse(msgid, "2102A", P_WORKER).output == {}
    assert sim.balance(P_WORKER, "310") == D("1500.00")
    assert sim.deductible_used(P_WORKER, "310") == ZERO
    assert sim.settlement(info["setl_id"])["state"] == "reversed"
    assert sim.visit(info["mdtrt_id"]).cancelled
    assert his.reverse(msgid, "2102", P_WORKER).output == {}  # twice: still success
    his.call("2102", purchase(P_WORKER, [(JIA, "1", "500.00")]))
    assert his.reverse(his.last_msgid, "2102", P_WORKER).output == {}
    assert sim.balance(P_WORKER, "310") == D("1500.00")
