"""4xxx uploads: stored, checked against what the platform knows, found again by their queries."""
from __future__ import annotations

from decimal import Decimal

from simkit import FIXMEDINS, P_WORKER, P_WORKER_POOR, Driver

from adapters.yb_sim.handlers.uploads import clinical, ownpay
from ports.catalogue import load_catalogue

JIA = "XJ01CAA040A001010104022"
D = Decimal
_FILL = {"decimal": "0", "integer": "1", "date": "2025-06-16", "datetime": "2025-06-16 09:00:00"}


def filled(infno: str, node: str, **values) -> dict:
    """Every required field of one node row with a value its type and dictionary accept, then `values`."""
    catalogue = load_catalogue()
    spec = catalogue.get(infno).input_node(node)

    def value(f):
        dictionary = catalogue.dictionaries.get(f.dict or "")
        if dictionary and dictionary.codes:
            return next(iter(dictionary.codes))
        if f.type == "array":
            return [{i.name: value(i) for i in f.items if i.required}]
        return _FILL.get(f.type, "X")

    row = {f.name: value(f) for f in spec.fields if f.required}
    row.update(values)
    return row


def settled(his: Driver, psn_no: str = P_WORKER) -> dict:
    mdtrt_id, total = his.visit_with_fees(psn_no, [(JIA, "1", "250.00")])
    return his.settle(mdtrt_id, psn_no, total).output["setlinfo"]


def setl_list(info: dict, **over) -> dict:
    values = {"mdtrt_id": info["mdtrt_id"], "setl_id": info["setl_id"], "acct_pay": str(info["acct_pay"]),
              "psn_cashpay": str(info["psn_cash_pay"]), **over}
    return {"setlinfo": filled("4101", "setlinfo", **values),
            "payinfo": [{"fund_pay_type": "310100", "fund_payamt": str(info["fund_pay_sumamt"])}],
            "diseinfo": [{"diag_type": "1", "diag_code": "J06.900", "diag_name": "急性上呼吸道感染", "maindiag_flag": "1"}]}


def test_settlement_list_upload_state_and_query(his: Driver):
    info = settled(his)
    his.refused("4101", setl_list(info, acct_pay="0.01"), "acct_pay")
    list_id = his.call("4101", setl_list(info)).output["data"]["setl_list_id"]
    assert his.call("4101", setl_list(info)).output["data"]["setl_list_id"] == list_id  # re-upload replaces
    his.call("4102", {"data": {"stastinfo": [{"psn_no": P_WORKER, "setl_id": info["setl_id"], "stas_type": "1"}]}})
    out = his.call("4103", {"data": {"psn_no": P_WORKER, "setl_id": info["setl_id"]}}).output
    assert (out["setlinfo"]["setl_id"], out["setlinfo"]["psn_name"], out["setlinfo"]["stas_type"]) == \
        (info["setl_id"], "测试职工甲", "1")
    assert D(out["setlinfo"]["acct_payamt"]) == info["acct_pay"]  # typed as text in the catalogue
    assert out["payinfo"][0]["fund_payamt"] == info["fund_pay_sumamt"]
    assert out["diseinfo"][0]["diag_code"] == "J06.900" and out["diseinfo"][0]["setl_id"] == info["setl_id"]
    his.refused("4103", {"data": {"psn_no": P_WORKER_POOR, "setl_id": info["setl_id"]}}, "结算清单不存在")
    his.refused("4102", {"data": {"stastinfo": [{"psn_no": P_WORKER, "setl_id": "NOPE", "stas_type": "1"}]}},
                "不存在")
    his.cancel(info["setl_id"], info["mdtrt_id"], P_WORKER)
    his.refused("4101", setl_list(info), "已撤销")


MAIN = {"diag_type": "1", "diag_code": "J06.900", "diag_name": "急性上呼吸道感染", "maindiag_flag": "1"}


def slim_list(info: dict, psn_no: str, diseinfo: list | None = None, **over) -> dict:
    return {"setlinfo": filled("4101a", "setlinfo", psn_no=psn_no, mdtrt_id=info["mdtrt_id"], setl_id=info["setl_id"],
                               **over),
            "diseinfo": [MAIN] if diseinfo is None else diseinfo}


def test_a_slim_settlement_list_is_taken_once_complete_and_with_one_main_diagnosis(his: Driver):
    info = settled(his)
    his.refused("4101a", slim_list(info, P_WORKER, diseinfo=[]), "诊断信息")
    his.refused("4101a", slim_list(info, P_WORKER, diseinfo=[MAIN, MAIN]), "主诊断")
    his.refused("4101a", slim_list(info, P_WORKER, setl_begn_date="2025-06-17", setl_end_date="2025-06-16"), "晚于")
    his.refused("4101a", slim_list(info, P_WORKER, coner_name=""), "coner_name")
    list_id = his.call("4101a", slim_list(info, P_WORKER)).output["data"]["setl_list_id"]
    his.refused("4101a", slim_list(info, P_WORKER), f"清单流水号[{list_id}]")  # never a second list


def test_settlement_list_slim_version_takes_funds_from_the_settlement(his: Driver):
    info = settled(his, P_WORKER_POOR)
    his.refused("4101a", slim_list(info, P_WORKER), "不符")
    his.call("4101a", slim_list(info, P_WORKER_POOR))
    out = his.call("4103", {"data": {"psn_no": P_WORKER_POOR, "setl_id": info["setl_id"]}}).output
    assert sum(r["fund_payamt"] for r in out["payinfo"]) == info["fund_pay_sumamt"] + info["acct_pay"]


def fee(mdtrt: str, sn: str, cnt: str, pric: str, infno: str = "4201A", node: str = "fsiOwnpayPatnFeeListDDTO",
        **over) -> dict:
    amount = str(D(cnt) * D(pric))
    values = {"fixmedins_mdtrt_id": mdtrt, "fixmedins_code": FIXMEDINS, "bkkp_sn": sn, "cnt": cnt, "pric": pric,
              "det_item_fee_sumamt": amount, "med_list_codg": JIA, "fulamt_ownpay_amt": amount,
              "overlmt_selfpay": "0", "preselfpay_amt": "0", "inscp_amt": "0", **over}
    return filled(infno, node, **values)


def test_inpatient_ownpay_uploads_found_by_queries(sim, his: Driver):
    his.call("4201A", {"fsiOwnpayPatnFeeListDDTO": [fee("Z1", "F1", "2", "10.00"), fee("Z1", "F2", "1", "5.00")]})
    visit = filled("4202", "ownPayPatnMdtrtD", fixmedins_mdtrt_id="Z1", fixmedins_code=FIXMEDINS, psn_name="自费甲",
                   medfee_sumamt="25.00")
    diags = [filled("4202", "ownPayPatnDiagListD", diag_code="K35.800", diag_name="阑尾炎")]
    his.call("4202", {"ownPayPatnMdtrtD": visit, "ownPayPatnDiagListD": diags})
    complete = {"fixmedins_mdtrt_id": "Z1", "fixmedins_code": FIXMEDINS, "cplt_flag": "1"}
    his.call("4203", complete)
    his.refused("4201A", {"fsiOwnpayPatnFeeListDDTO": [fee("Z1", "F3", "1", "1.00")]}, "已上传完成")
    page = {"fixmedins_mdtrt_id": "Z1", "fixmedins_code": FIXMEDINS, "page_num": 1, "page_size": 1}
    fees = his.call("4207", page).output["data"]
    assert [(r["bkkpSn"], r["detItemFeeSumamt"]) for r in fees] == [("F1", D("20.00"))]
    assert his.call("4207", dict(page, page_num=2)).output["data"][0]["bkkpSn"] == "F2"
    assert his.call("4208", page).output["data"][0]["psnName"] == "自费甲"
    assert his.call("4208", page).output["data"][0]["cpltFlag"] == "1"
    assert his.call("4209", page).output["data"][0]["diagCode"] == "K35.800"
    assert his.call("4207", dict(page, fixmedins_mdtrt_id="NONE")).output["data"] == []
    his.call("4203", dict(complete, cplt_flag="0"))
    his.call("4204", {"feedetail": {"fixmedins_mdtrt_id": "Z1", "fixmedins_code": FIXMEDINS},
                      "feedetl": [{"bkkp_sn": "F2"}]})
    assert list(ownpay(sim._state, FIXMEDINS, "Z1")["fees"]) == ["F1"]
    his.refused("4203", complete, "与费用明细合计[20.00]不符")
    his.refused("4204", {"feedetail": {"fixmedins_mdtrt_id": "Z1", "fixmedins_code": FIXMEDINS},
                         "feedetl": [{"bkkp_sn": "F2"}]}, "记账流水号[F2]不存在")


def test_ownpay_fee_rules_and_the_old_layout(sim, his: Driver):
    his.refused("4201A", {"fsiOwnpayPatnFeeListDDTO": [fee("Z2", "F1", "2", "10.00", det_item_fee_sumamt="21.00")]},
                "数量×单价")
    his.refused("4201A", {"fsiOwnpayPatnFeeListDDTO": [fee("Z2", "F1", "1", "10.00", inscp_amt="1.00")]}, "之和")
    his.refused("4201A", {"fsiOwnpayPatnFeeListDDTO": [fee("Z2", "F1", "1", "1"), fee("Z2", "F1", "1", "1")]}, "已上传")
    assert ownpay(sim._state, FIXMEDINS, "Z2") is None  # nothing of a refused call stays
    old = filled("4201", "feedetail", mdtrt_sn="Z3", feedetl_sn="F1", cnt="1", pric="8.00", det_item_fee_sumamt="8.00")
    his.call("4201", {"feedetail": [old]})
    page = {"fixmedins_mdtrt_id": "Z3", "fixmedins_code": FIXMEDINS, "page_num": 1, "page_size": 10}
    assert his.call("4207", page).output["data"][0]["bkkpSn"] == "F1"


def test_outpatient_ownpay_upload_and_delete(his: Driver):
    info = filled("4205", "mdtrtinfo", fixmedins_mdtrt_id="O1", fixmedins_code=FIXMEDINS, psn_name="自费乙")
    body = {"mdtrtinfo": info, "diseinfo": [filled("4205", "diseinfo", diag_code="J06.900")],
            "feedetail": [fee("O1", "F1", "1", "30.00", infno="4205", node="feedetail")]}
    his.call("4205", body)
    page = {"fixmedins_mdtrt_id": "O1", "fixmedins_code": FIXMEDINS, "page_num": 1, "page_size": 10}
    assert his.call("4209", page).output["data"][0]["diagCode"] == "J06.900"
    his.refused("4205", body, "请先删除")
    his.call("4206", {"fixmedins_mdtrt_id": "O1", "fixmedins_code": FIXMEDINS})
    his.refused("4206", {"fixmedins_mdtrt_id": "O1", "fixmedins_code": FIXMEDINS}, "不存在")
    assert his.call("4208", page).output["data"] == []


def test_clinical_records_keyed_stored_and_voided(sim, his: Driver):
    mdtrt_id = his.register(P_WORKER)
    rgst = filled("4301", "rgstinfo", mdtrt_sn="S1", mdtrt_id=mdtrt_id, psn_no=P_WORKER, vali_flag="1")
    his.call("4301", {"rgstinfo": rgst, "caseinfo": [filled("4301", "caseinfo", vali_flag="1", chfcomp="咳嗽")]})
    assert clinical(sim._state, "4301", "S1")["input"]["caseinfo"][0]["chfcomp"] == "咳嗽"
    his.refused("4301", {"rgstinfo": dict(rgst, psn_no=P_WORKER_POOR)}, "不属于人员")
    his.refused("4301", {"rgstinfo": dict(rgst, mdtrt_id="NO-VISIT")}, "就诊ID[NO-VISIT]")
    his.call("4301", {"rgstinfo": dict(rgst, vali_flag="0")})
    assert clinical(sim._state, "4301", "S1")["vali_flag"] == "0"
    his.refused("4301", {"rgstinfo": dict(rgst, vali_flag="0")}, "无法作废")
    orders = [filled("4402", "data", mdtrt_sn="S1", medcas_drord_detl_id=f"D{i}", vali_flag="1") for i in (1, 2)]
    his.call("4402", {"data": orders})
    assert clinical(sim._state, "4402", "S1", "D2") is not None
    lab = filled("4502", "labinfo", mdtrt_sn="S1", rpotc_no="R1", appy_no="A1", vali_flag="1")
    his.call("4502", {"labinfo": lab})
    assert clinical(sim._state, "4502", "S1", "R1", "A1")["vali_flag"] == "1"
