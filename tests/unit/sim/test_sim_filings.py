"""备案: 2501/2501A 转院, 2503 慢特病, 2505 定点 — stored with a 待遇申报明细流水号, visible in
5301/5302/5304, revoked by 2502/2504/2506 (once, by its own transaction, by its own person)."""
from __future__ import annotations

from simkit import P_RESIDENT, P_WORKER, Driver
from test_sim_inpatient import conforms


def referral(psn_no: str = P_WORKER, **over) -> dict:
    return {"refmedin": dict({
        "psn_no": psn_no, "insutype": "310", "diag_code": "I21.900", "diag_name": "急性心肌梗死",
        "reflin_medins_no": "H42010200002", "reflin_medins_name": "转往医院", "mdtrtarea_admdvs": "420102",
        "hosp_agre_refl_flag": "1", "refl_type": "1", "refl_date": "2025-06-16", "refl_rea": "病情需要",
        "refl_opnn": "同意转院", "begndate": "2025-06-16", "enddate": "2025-07-16"}, **over)}


def chronic(psn_no: str = P_WORKER, **over) -> dict:
    return {"data": dict({
        "psn_no": psn_no, "insutype": "310", "opsp_dise_code": "M03900", "opsp_dise_name": "高血压",
        "insu_optins": "420106", "ide_fixmedins_no": "H42010600001", "ide_fixmedins_name": "测试医院",
        "hosp_ide_date": "2025-01-10", "diag_dr_codg": "D001", "diag_dr_name": "王医生",
        "begndate": "2025-01-10"}, **over)}


def designated(psn_no: str = P_WORKER, **over) -> dict:
    return {"data": dict({
        "psn_no": psn_no, "biz_appy_type": "01", "begndate": "2025-01-01", "fix_srt_no": "1",
        "fixmedins_code": "H42010600001", "fixmedins_name": "测试医院"}, **over)}


def sn_of(reply) -> str:
    return reply.output["result"]["trt_dcla_detl_sn"]


def revoke(his: Driver, infno: str, sn: str, psn_no: str = P_WORKER):
    return his.call(infno, {"data": {"trt_dcla_detl_sn": sn, "psn_no": psn_no, "memo": "撤销"}})


def query(his: Driver, infno: str, **data):
    reply = his.call(infno, {"data": dict({"psn_no": P_WORKER}, **data)})
    conforms(infno, reply)
    return next(iter(reply.output.values()))


RANGE = {"begntime": "2025-06-01 00:00:00", "endtime": "2025-06-30 23:59:59"}


def test_chronic_filing_visible_then_revoked(his: Driver):
    reply = his.call("2503", chronic())
    conforms("2503", reply)
    sn = sn_of(reply)
    rows = query(his, "5301")
    assert [(r["opsp_dise_code"], r["begndate"], r["trt_dcla_detl_sn"]) for r in rows] == [("M03900", "2025-01-10", sn)]
    his.refused("2503", chronic(), contains="不能重复备案")
    his.refused("2504", {"data": {"trt_dcla_detl_sn": sn, "psn_no": P_RESIDENT, "memo": "x"}}, contains="不一致")
    assert revoke(his, "2504", sn).output == {}
    assert query(his, "5301") == []
    his.refused("2504", {"data": {"trt_dcla_detl_sn": sn, "psn_no": P_WORKER, "memo": "x"}}, contains="不能重复撤销")
    sn_of(his.call("2503", chronic()))  # filing again after the revocation


def test_designated_filing_visible_then_revoked(his: Driver):
    sn = sn_of(his.call("2505", designated()))
    rows = query(his, "5302", biz_appy_type="01")
    assert [(r["fixmedins_code"], r["fix_srt_no"], r["trt_dcla_detl_sn"]) for r in rows] == [("H42010600001", "1", sn)]
    assert query(his, "5302", biz_appy_type="02") == []
    his.refused("2505", designated(), contains="已有有效定点备案")
    sn_of(his.call("2505", designated(fix_srt_no="2", fixmedins_code="H42010600009")))
    revoke(his, "2506", sn)
    assert [r["fix_srt_no"] for r in query(his, "5302", biz_appy_type="01")] == ["2"]


def test_referral_filing_visible_then_revoked(his: Driver):
    reply = his.call("2501", referral())
    conforms("2501", reply)
    sn = sn_of(reply)
    rows = query(his, "5304", **RANGE)
    assert [(r["reflin_medins_no"], r["refl_date"], r["psn_name"], r["out_flag"]) for r in rows] == \
        [("H42010200002", "2025-06-16", "测试职工甲", "0")]
    assert query(his, "5304", begntime="2025-07-01 00:00:00", endtime="2025-07-31 00:00:00") == []
    his.refused("2501", referral(), contains="不能重复备案")
    revoke(his, "2502", sn)
    assert query(his, "5304", **RANGE) == []


def test_2501A_names_the_stay_being_transferred(his: Driver):
    his.refused("2501A", referral(refl_old_mdtrt_id="4201069999"), contains="转院前就诊ID")
    mdtrt_id = his.register(P_WORKER)
    his.refused("2501A", referral(P_RESIDENT, insutype="390", refl_old_mdtrt_id=mdtrt_id), contains="不属于")
    assert sn_of(his.call("2501A", referral(refl_old_mdtrt_id=mdtrt_id)))


def test_filing_refusals(his: Driver):
    his.refused("2503", chronic("42010699999999999999"), contains="不存在")
    his.refused("2503", chronic(P_RESIDENT), contains="未参加险种")
    his.refused("2503", chronic(enddate="2024-12-31"), contains="早于开始日期")
    his.refused("2501", referral(insutype="390"), contains="未参加险种")
    his.refused("2502", {"data": {"trt_dcla_detl_sn": "nope", "psn_no": P_WORKER}}, contains="不存在")
    # a number of another kind is unknown to this revocation
    sn = sn_of(his.call("2503", chronic()))
    his.refused("2502", {"data": {"trt_dcla_detl_sn": sn, "psn_no": P_WORKER}}, contains="转院备案不存在")
    his.refused("2506", {"data": {"trt_dcla_detl_sn": sn, "psn_no": P_WORKER, "memo": "x"}}, contains="不存在")
    assert len(query(his, "5301")) == 1


def test_expired_filings_are_not_current(his: Driver, clock):
    his.call("2503", chronic(enddate="2025-06-30"))
    assert len(query(his, "5301")) == 1
    clock.current = clock.current.replace(month=7)
    assert query(his, "5301") == []
