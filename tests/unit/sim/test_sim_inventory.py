"""3501-3507 进销存: a stock ledger per item that never goes negative."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_WORKER, Driver

from adapters.yb_sim.handlers.inventory import stock

JIA = "XJ01CAA040A001010104022"
ITEM = "H-AMX-01"
D = Decimal


def base(bchno: str, **over) -> dict:
    row = {"med_list_codg": JIA, "fixmedins_hilist_id": ITEM, "fixmedins_hilist_name": "阿莫西林胶囊",
           "fixmedins_bchno": bchno, "rx_flag": "1", "manu_date": "2025-01-01", "expy_end": "2027-01-01",
           "manu_lotnum": "L2501", "trdn_flag": "0"}
    row.update(over)
    return row


def purchase(bchno: str, cnt: str, **over) -> dict:
    return {"purcinfo": base(bchno, spler_name="供货商", prodentp_name="药厂", aprvno="国药准字H1",
                             purc_retn_cnt=cnt, purc_retn_stoin_time="2025-06-16 09:00:00",
                             purc_retn_opter_name="库管", prod_geay_flag="0", purc_invo_no="INV1", **over)}


def sale(bchno: str, cnt: str, **over) -> dict:
    return {"selinfo": base(bchno, prsc_dr_name="王医生", phar_name="李药师", phar_prac_cert_no="P001",
                            hi_feesetl_type="1", mdtrt_sn="MZ001", psn_cert_type="01", rtal_docno="R001",
                            rx_circ_flag="0", sel_retn_cnt=cnt, sel_retn_time="2025-06-16 10:00:00",
                            sel_retn_opter_name="李药师", **over)}


def change(bchno: str, kind: str, cnt: str) -> dict:
    return {"invinfo": base(bchno, inv_chg_type=kind, pric="2.00", cnt=cnt, inv_chg_time="2025-06-16 11:00:00")}


def test_stock_moves_and_never_goes_negative(sim, his: Driver):
    his.call("3503", purchase("P1", "10"))
    his.call("3505", sale("S1", "4"))
    assert stock(sim._state, ITEM) == D("6")
    refused = his.refused("3505", sale("S2", "7"), "库存不足")
    assert "当前库存[6]" in refused.err_msg
    his.refused("3504", purchase("P1R", "7", medins_prod_purc_no="P1"), "库存不足")
    his.call("3506", sale("S1R", "1", medins_prod_sel_no="S1"))
    his.refused("3506", sale("S1R2", "4", medins_prod_sel_no="S1"), "超过原销售")  # only 3 left to return
    his.call("3502", change("C1", "105", "2"))  # 销毁
    his.call("3502", change("C2", "101", "5"))  # 调拨入库
    assert stock(sim._state, ITEM) == D("10")
    his.refused("3502", change("C3", "999", "1"), "库存变更类型")
    his.refused("3502", change("C4", "104", "11"), "库存不足")


def test_count_sets_the_stock_and_deletion_undoes_a_record(sim, his: Driver):
    his.call("3503", purchase("P1", "10"))
    count = {"invinfo": base("I1", invdate="2025-06-16", inv_cnt="8")}
    his.call("3501", count)
    assert stock(sim._state, ITEM) == D("8")
    his.call("3505", sale("S1", "8"))
    his.refused("3507", {"data": {"fixmedins_bchno": "P1", "inv_data_type": "3"}}, "库存为负")
    his.call("3507", {"data": {"fixmedins_bchno": "S1", "inv_data_type": "4"}})
    his.refused("3507", {"data": {"fixmedins_bchno": "S1", "inv_data_type": "4"}}, "不存在")
    assert stock(sim._state, ITEM) == D("8")


def test_refusals(sim, his: Driver):
    his.call("3503", purchase("P1", "10"))
    his.refused("3503", purchase("P1", "1"), "已上传")
    his.refused("3503", purchase("P2", "0"), "必须大于0")
    his.refused("3503", purchase("P3", "1", med_list_codg="XN02BEA015A001010102956"), "不一致")
    his.refused("3504", purchase("P4", "1", medins_prod_purc_no="NOPE"), "原采购流水号[NOPE]不存在")
    his.refused("3505", sale("S1", "1", setl_id="NO-SUCH-SETTLEMENT"), "结算ID")
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "20.00")])
    setl_id = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]["setl_id"]
    his.call("3505", sale("S2", "1", setl_id=setl_id, psn_no=P_WORKER))
    assert stock(sim._state, ITEM) == D("9")
