"""长期护理 (8xxx) in memory: the simulator's conventions (see handlers/ltc.py) kept consistent."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_RESIDENT, P_WORKER, Driver, person_by_no


def d(**values) -> dict:
    return {"data": values}


def registered(his: Driver, psn_no: str = P_WORKER, level: str = "2") -> str:
    return his.call("8502", d(psn_no=psn_no, eval_level=level, eval_date="2025-06-01")).output["data"]["ltc_reg_id"]


def planned(his: Driver, reg_id: str, *codes: str, **more) -> str:
    items = [{"srv_item_code": c, "cnt": "1"} for c in codes or ("LTC001", "LTC002")]
    return his.call("8203", d(ltc_reg_id=reg_id, items=items, **more)).output["data"]["plan_id"]


def test_registration_life(his: Driver):
    assert his.call("8101", d()).output["data"]["count"] == 4
    assert his.call("8501", d(psn_no=P_WORKER)).output["data"]["ltc_trt_flag"] == "0"
    reg_id = registered(his)
    his.refused("8502", d(psn_no=P_WORKER), "已有有效")
    his.refused("8502", d(psn_no="NOBODY"), "不存在")
    who = person_by_no(P_WORKER)
    info = his.call("8511", d(psn_cert_type="01", certno=who.certno)).output["data"]
    assert (info["psn_no"], info["ltc_reg_id"], info["ltc_trt_flag"]) == (P_WORKER, reg_id, "1")
    assert his.call("8201", d(psn_no=P_WORKER)).output["data"]["list"][0]["ltc_reg_id"] == reg_id
    his.call("8504", d(ltc_reg_id=reg_id, eval_level="3"))
    assert his.call("8506", d(ltc_reg_id=reg_id)).output["data"]["eval_level"] == "3"
    assert his.call("8510", d(ltc_reg_id=reg_id)).output["data"]["list"][0]["eval_level"] == "3"
    assert [r["srv_item_code"] for r in his.call("8215", d(ltc_reg_id=reg_id)).output["data"]["list"]] == \
        ["LTC001", "LTC002", "LTC003"]
    plan_id = planned(his, reg_id)
    his.call("8503", d(ltc_reg_id=reg_id, exit_rea="迁出"))
    assert his.call("8206", d(plan_id=plan_id)).output["data"]["status"] == "closed"  # care ends with it
    his.refused("8503", d(ltc_reg_id=reg_id), "状态为closed")
    his.refused("8203", d(ltc_reg_id=reg_id, items=[{"srv_item_code": "LTC001"}]), "状态为closed")
    assert his.call("8505", d(psn_no=P_WORKER)).output["data"]["count"] == 0
    registered(his)  # a new registration after the exit


def test_plans_and_charges(his: Driver):
    reg_id = registered(his)
    plan_id = planned(his, reg_id, plan_id="HIS-PLAN-1")
    assert plan_id == "HIS-PLAN-1"  # an id the input carries is kept
    his.refused("8203", d(ltc_reg_id=reg_id, items=[{"srv_item_code": "LTC001"}]), "已有执行中")
    his.refused("8209", d(plan_id=plan_id, items=[{"srv_item_code": "LTC003", "cnt": "1"}]), "不在护理计划")
    his.refused("8209", d(plan_id=plan_id, items=[{"srv_item_code": "LTC001"}]), "数量")
    execution = his.call("8209", d(plan_id=plan_id, items=[{"srv_item_code": "LTC001", "cnt": "2"}])).output["data"]
    assert execution["amount"] == Decimal("120.00")
    detail = his.call("8213", d(plan_id=plan_id, details=[{"srv_item_code": "LTC002", "cnt": "1",
                                                           "pric": "35.00"}])).output["data"]
    summary = his.call("8401", d()).output["data"]
    assert (summary["count"], summary["sumamt"], summary["fund_pay"], summary["psn_pay"]) == \
        (2, Decimal("155.00"), Decimal("108.50"), Decimal("46.50"))
    his.call("8214", d(det_id=detail["det_id"]))
    his.refused("8214", d(det_id=detail["det_id"]), "状态为reversed")
    assert his.call("8402", d()).output["data"]["count"] == 1
    assert his.call("8207", d(plan_id=plan_id)).output["data"]["list"][0]["exec_id"] == execution["exec_id"]
    assert his.call("8208", d(exec_id=execution["exec_id"])).output["data"]["plan_id"] == plan_id
    bad_batch = d(list=[{"plan_id": plan_id, "items": [{"srv_item_code": "LTC002", "cnt": "1"}]},
                        {"plan_id": plan_id, "items": [{"srv_item_code": "LTC004", "cnt": "1"}]}])
    his.refused("8210", bad_batch, "不在护理计划")
    assert his.call("8402", d()).output["data"]["count"] == 1  # nothing of the refused batch stayed
    batch = d(list=[{"plan_id": plan_id, "items": [{"srv_item_code": "LTC002", "cnt": "3"}]}])
    assert his.call("8210", batch).output["data"]["list"][0]["amount"] == Decimal("90.00")
    his.call("8204", d(plan_id=plan_id, items=[{"srv_item_code": "LTC003"}]))
    his.refused("8209", d(plan_id=plan_id, items=[{"srv_item_code": "LTC001", "cnt": "1"}]), "不在护理计划")
    his.call("8212", d(plan_id=plan_id, memo="保存"))  # known id: a change
    assert his.call("8202", d(ltc_reg_id=reg_id)).output["data"]["list"][0]["memo"] == "保存"
    his.call("8205", d(plan_id=plan_id, stop_rea="住院"))
    his.refused("8209", d(plan_id=plan_id, items=[{"srv_item_code": "LTC003", "cnt": "1"}]), "状态为closed")
    his.refused("8204", d(plan_id=plan_id, memo="x"), "状态为closed")


def test_declarations(his: Driver):
    worker_plan = planned(his, registered(his, P_WORKER))
    resident_plan = planned(his, registered(his, P_RESIDENT))
    his.call("8209", d(plan_id=worker_plan, items=[{"srv_item_code": "LTC001", "cnt": "1"}]))
    his.call("8209", d(plan_id=resident_plan, items=[{"srv_item_code": "LTC002", "cnt": "1"}]))
    pre = his.call("8408", d(psn_no=P_WORKER)).output["data"]
    assert (pre["sumamt"], pre["fund_pay"]) == (Decimal("60.00"), Decimal("42.00"))
    assert his.call("8406", d(psn_no=P_WORKER)).output["data"]["count"] == 1  # pre-declaring changed nothing
    decl = his.call("8409", d(psn_no=P_WORKER)).output["data"]
    assert his.call("8407", d(psn_no=P_WORKER)).output["data"]["count"] == 0
    his.refused("8409", d(psn_no=P_WORKER), "没有待申报")
    assert his.call("8410", d(psn_no=P_WORKER)).output["data"]["list"][0]["decl_id"] == decl["decl_id"]
    assert his.call("8405", d(decl_id=decl["decl_id"])).output["data"]["count"] == 1
    his.call("8411", d(decl_id=decl["decl_id"]))
    his.refused("8411", d(decl_id=decl["decl_id"]), "状态为reversed")
    assert his.call("8406", d(psn_no=P_WORKER)).output["data"]["count"] == 1  # pending again
    whole = his.call("8403", d()).output["data"]
    assert (whole["count"], whole["sumamt"]) == (2, Decimal("90.00"))
    his.refused("8411", d(decl_id=whole["decl_id"]), "机构申报")
    assert his.call("8401", d()).output["data"]["count"] == 0
    assert his.call("8404", d()).output["data"]["count"] == 2


def test_nurses_and_files(his: Driver):
    nurse = his.call("8301", d(certno="420106199001019999", nurse_name="护士甲", fixmedins_code="N001"))
    nurse_id = nurse.output["data"]["nurse_id"]
    his.refused("8301", d(certno="420106199001019999", nurse_name="护士甲"), "已存在")
    his.call("8302", d(nurse_id=nurse_id, nurse_name="护士甲甲"))
    listed = his.call("8509", d(fixmedins_code="N001")).output["data"]["list"]
    assert [n["nurse_name"] for n in listed] == ["护士甲甲"]
    his.call("8303", d(nurse_id=nurse_id))
    his.refused("8303", d(nurse_id=nurse_id), "状态为closed")
    assert his.call("8509", d(fixmedins_code="N001")).output["data"]["count"] == 0
    reg_id = registered(his)
    his.refused("8507", d(file_data="QUJD"), "ltc_reg_id")
    file_id = his.call("8507", d(ltc_reg_id=reg_id, file_data="QUJD")).output["data"]["file_id"]
    assert his.call("8512", d(file_id=file_id)).output["data"]["file_data"] == "QUJD"
    his.call("8508", d(file_id=file_id))
    his.refused("8512", d(file_id=file_id), "状态为closed")
    loose = his.call("8211", d(file_data="WFla")).output["data"]["file_id"]
    assert his.call("8512", d(file_id=loose)).output["data"]["file_data"] == "WFla"
