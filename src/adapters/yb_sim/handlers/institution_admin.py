"""3301/3302 目录对照上传/撤销 and 3401/3401A/3402/3403 科室信息上传/变更/撤销.

目录对照 (section "admin_catalog_map", keyed by (fixmedins_hilist_id, list_type)): the national code must
be one the simulator's 医保目录 knows (the same list 2204 accepts) and of the list_type its shape
implies: X…/Z… drugs 101 (103/104 accepted too), T… 中药饮片 102, 15-digit 医疗服务项目 201, C… 医用耗材
301. At most 100 rows per call (Hubei V1.2.02); all rows are checked before any is stored. A
hospital item already mapped must be revoked (3302) before it is mapped again; 3302 must name the
mapping exactly (same national code) and cannot revoke twice.

科室 (section "admin_departments", keyed by hosp_dept_codg): 3401/3401A add (a code already in force is
refused; 3401A is all or nothing); 3402 changes a department in force; 3403 revokes it, naming it
by code, name and begntime (its date); revoking twice is refused; a revoked code may be uploaded
again. endtime, when given, may not precede begntime.

`mapping(state, hilist_id, list_type)`, `mapped_codes(state, hilist_id)` and
`department(state, code)` read the state for tests and other handlers (stock movements check an
item's mapping).
"""
from __future__ import annotations

from datetime import datetime

from adapters.yb_sim.handlers.common import TIME, Call, refuse, text
from adapters.yb_sim.state import SimState

MAX_MAPPING_ROWS = 100
DRUG_TYPES = ("101", "103", "104")


def _maps(state: SimState) -> dict:
    return state.section("admin_catalog_map", dict)


def _depts(state: SimState) -> dict:
    return state.section("admin_departments", dict)


def mapping(state: SimState, hilist_id: str, list_type: str) -> dict | None:
    found = _maps(state).get((hilist_id, list_type))
    return None if found is None or found["revoked"] else dict(found)


def mapped_codes(state: SimState, hilist_id: str) -> set[str]:
    """The national codes a hospital item is mapped to now (any list_type)."""
    return {m["med_list_codg"] for (hid, _), m in _maps(state).items() if hid == hilist_id and not m["revoked"]}


def department(state: SimState, code: str) -> dict | None:
    found = _depts(state).get(code)
    return None if found is None else dict(found)


def _expected_types(code: str) -> tuple[str, ...]:
    if code[:1] in ("X", "Z"):
        return DRUG_TYPES
    if code[:1] == "T":
        return ("102",)
    if code[:1] == "C":
        return ("301",)
    return ("201",) if code.isdigit() and len(code) == 15 else ()


def upload_mapping(call: Call) -> dict:
    rows = call.rows("data")
    if len(rows) > MAX_MAPPING_ROWS:
        refuse(f"目录对照每次最多上传{MAX_MAPPING_ROWS}条，本次{len(rows)}条")
    staged, book = {}, _maps(call.state)
    for i, row in enumerate(rows, 1):
        hilist_id, list_type, code = (text(row.get(k)) for k in ("fixmedins_hilist_id", "list_type", "med_list_codg"))
        where = f"第{i}条[{hilist_id}]"
        if code not in call.items:
            refuse(f"{where}: 医疗目录编码[{code}]不存在")
        if list_type not in _expected_types(code):
            refuse(f"{where}: 目录类别[{list_type}]与医疗目录编码[{code}]不符")
        begin, end = text(row.get("begndate")), text(row.get("enddate"))
        if end and end < begin:
            refuse(f"{where}: 结束日期[{end}]早于开始日期[{begin}]")
        key = (hilist_id, list_type)
        if key in staged:
            refuse(f"{where}: 本次上传中重复")
        if mapping(call.state, *key) is not None:
            refuse(f"{where}: 已对照医疗目录编码[{book[key]['med_list_codg']}]，请先撤销对照")
        staged[key] = dict(row, fixmedins_hilist_id=hilist_id, list_type=list_type, med_list_codg=code,
                           upload_time=call.now_text, revoked=False)
    book.update(staged)
    return {}


def revoke_mapping(call: Call) -> dict:
    rows, keys = call.rows("data"), []
    for i, row in enumerate(rows, 1):
        hilist_id, list_type, code = (text(row.get(k)) for k in ("fixmedins_hilist_id", "list_type", "med_list_codg"))
        found = _maps(call.state).get((hilist_id, list_type))
        if found is None or found["med_list_codg"] != code:
            refuse(f"第{i}条: 目录对照[{hilist_id}→{code}]不存在")
        if found["revoked"] or (hilist_id, list_type) in keys:
            refuse(f"第{i}条: 目录对照[{hilist_id}→{code}]已撤销，不能重复撤销")
        keys.append((hilist_id, list_type))
    for key in keys:
        _maps(call.state)[key].update(revoked=True, revoke_time=call.now_text)
    return {}


def _check_dept(row: dict) -> str:
    code = text(row.get("hosp_dept_codg"))
    begin, end = text(row.get("begntime")), text(row.get("endtime"))
    if end and datetime.strptime(end, TIME) < datetime.strptime(begin, TIME):
        refuse(f"科室[{code}]结束时间[{end}]早于开始时间[{begin}]")
    return code


def _add_depts(call: Call, rows: list[dict]) -> dict:
    staged = {}
    for row in rows:
        code = _check_dept(row)
        current = _depts(call.state).get(code)
        if code in staged or (current is not None and not current["revoked"]):
            refuse(f"科室编码[{code}]已存在，请使用科室信息变更(3402)")
        staged[code] = dict(row, hosp_dept_codg=code, upload_time=call.now_text, revoked=False)
    _depts(call.state).update(staged)
    return {}


def upload_department(call: Call) -> dict:
    return _add_depts(call, [call.node("deptinfo")])


def upload_departments(call: Call) -> dict:
    return _add_depts(call, call.rows("deptinfo"))


def _in_force(call: Call, code: str) -> dict:
    found = _depts(call.state).get(code)
    if found is None:
        refuse(f"科室编码[{code}]不存在")
    if found["revoked"]:
        refuse(f"科室编码[{code}]已撤销")
    return found


def change_department(call: Call) -> dict:
    row = call.node("deptinfo")
    found = _in_force(call, _check_dept(row))
    found.update({k: v for k, v in row.items() if v not in (None, "")}, change_time=call.now_text)
    return {}


def revoke_department(call: Call) -> dict:
    data = call.node("data")
    code, name = text(data.get("hosp_dept_codg")), text(data.get("hosp_dept_name"))
    found = _depts(call.state).get(code)
    if found is not None and found["revoked"]:
        refuse(f"科室编码[{code}]已撤销，不能重复撤销")
    found = _in_force(call, code)
    if text(found.get("hosp_dept_name")) != name:
        refuse(f"科室名称[{name}]与已上传的科室名称[{found.get('hosp_dept_name')}]不一致")
    begin = text(data.get("begntime"))[:10]
    if text(found.get("begntime"))[:10] != begin:
        refuse(f"开始时间[{begin}]与已上传的开始时间[{found.get('begntime')}]不一致")
    found.update(revoked=True, revoke_time=call.now_text)
    return {}


HANDLERS = {"3301": upload_mapping, "3302": revoke_mapping, "3401": upload_department,
            "3401A": upload_departments, "3402": change_department, "3403": revoke_department}
