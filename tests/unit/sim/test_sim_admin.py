"""3301/3302 目录对照 and 3401/3401A/3402/3403 科室: stored, changed, revoked, refused."""
from __future__ import annotations

from simkit import Driver

from adapters.yb_sim.handlers.institution_admin import department, mapping

JIA = "XJ01CAA040A001010104022"
VISIT_FEE = "001102000010000"
GAUZE = "C02030201"


def mapping_row(hilist_id: str, code: str, list_type: str, **over) -> dict:
    row = {"fixmedins_hilist_id": hilist_id, "fixmedins_hilist_name": f"院内{hilist_id}", "list_type": list_type,
           "med_list_codg": code, "begndate": "2025-01-01"}
    row.update(over)
    return row


def test_mapping_round_trip(sim, his: Driver):
    his.call("3301", {"data": [mapping_row("H001", JIA, "101"), mapping_row("H002", VISIT_FEE, "201"),
                               mapping_row("H003", GAUZE, "301")]})
    assert mapping(sim._state, "H001", "101")["med_list_codg"] == JIA
    his.refused("3301", {"data": [mapping_row("H001", JIA, "101")]}, "已对照")
    revoke = {"data": [{"fixmedins_code": "H42010600001", "fixmedins_hilist_id": "H001", "list_type": "101",
                        "med_list_codg": JIA}]}
    his.call("3302", revoke)
    assert mapping(sim._state, "H001", "101") is None
    his.refused("3302", revoke, "已撤销")
    his.call("3301", {"data": [mapping_row("H001", JIA, "101")]})  # mapped again after the revocation
    wrong = {"data": [dict(revoke["data"][0], fixmedins_hilist_id="H002", list_type="201")]}
    his.refused("3302", wrong, "不存在")  # H002 maps to another code


def test_mapping_rules(sim, his: Driver):
    his.refused("3301", {"data": [mapping_row("H9", "XX99", "101")]}, "医疗目录编码[XX99]不存在")
    his.refused("3301", {"data": [mapping_row("H9", VISIT_FEE, "101")]}, "目录类别[101]")
    his.refused("3301", {"data": [mapping_row("H9", JIA, "101", enddate="2024-01-01")]}, "早于开始日期")
    his.refused("3301", {"data": [mapping_row("H9", JIA, "101"), mapping_row("H9", JIA, "101")]}, "重复")
    his.refused("3301", {"data": [mapping_row(f"H{i}", JIA, "101") for i in range(101)]}, "最多上传100条")
    # a refused call stores nothing, not even its valid rows
    his.refused("3301", {"data": [mapping_row("H8", JIA, "101"), mapping_row("H9", "XX99", "101")]}, "XX99")
    assert mapping(sim._state, "H8", "101") is None


def dept(code: str, **over) -> dict:
    row = {"hosp_dept_codg": code, "caty": "A03", "hosp_dept_name": f"科室{code}", "begntime": "2025-01-01 00:00:00",
           "itro": "简介", "dept_resper_name": "张主任", "dept_resper_tel": "027-88888888",
           "dept_estbdat": "2000-01-01 00:00:00", "aprv_bed_cnt": "30", "poolarea_no": "420106", "dr_psncnt": 5,
           "phar_psncnt": 1, "nurs_psncnt": 10, "tecn_psncnt": 2}
    row.update(over)
    return row


def test_department_round_trip(sim, his: Driver):
    his.call("3401", {"deptinfo": dept("NK01")})
    his.call("3401A", {"deptinfo": [dept("WK01"), dept("EK01")]})
    assert department(sim._state, "WK01")["hosp_dept_name"] == "科室WK01"
    his.refused("3401", {"deptinfo": dept("NK01")}, "已存在")
    his.refused("3401A", {"deptinfo": [dept("FK01"), dept("WK01")]}, "WK01")
    assert department(sim._state, "FK01") is None  # all or nothing
    his.call("3402", {"deptinfo": dept("NK01", hosp_dept_name="内科", dr_psncnt=8)})
    assert (department(sim._state, "NK01")["hosp_dept_name"], department(sim._state, "NK01")["dr_psncnt"]) == ("内科", 8)
    his.refused("3402", {"deptinfo": dept("XX01")}, "科室编码[XX01]不存在")
    his.refused("3402", {"deptinfo": dept("NK01", endtime="2024-01-01 00:00:00")}, "早于开始时间")
    revoke = {"data": {"hosp_dept_codg": "NK01", "hosp_dept_name": "内科", "begntime": "2025-01-01"}}
    his.refused("3403", {"data": dict(revoke["data"], hosp_dept_name="外科")}, "科室名称")
    his.refused("3403", {"data": dict(revoke["data"], begntime="2025-02-01")}, "开始时间")
    his.call("3403", revoke)
    assert department(sim._state, "NK01")["revoked"]
    his.refused("3403", revoke, "不能重复撤销")
    his.refused("3402", {"deptinfo": dept("NK01")}, "已撤销")
    his.call("3401", {"deptinfo": dept("NK01")})  # a revoked code may come back
    assert not department(sim._state, "NK01")["revoked"]
