"""长期护理保险 (8101-8512). No public source describes these bodies: the catalogue has open
nodes, so this module sets simulator conventions and keeps them consistent.

Conventions (snake_case, everything under node "data" in and out):
  * lists answer {"data": {"list": [...], "count": n}}; single records answer {"data": {...}} with
    every field that was stored, the id and `status`;
  * ids: ltc_reg_id (登记), plan_id (护理计划), exec_id (执行), det_id (明细), nurse_id (护理人员),
    file_id (附件/文件), decl_id (申报). A create that carries its id keeps it (must be new);
    otherwise the simulator issues one. Every other call names its record by that id;
  * registration 8502 (psn_no*; one active per person; eval_level / assessments kept for 8510)
    -> 8504 change -> 8503 exit. 8201/8505/8506/8501 read it.
  * plan 8203 / 8212 (ltc_reg_id* active; items [{srv_item_code*, cnt}] from the 8101 list; one
    active plan per registration) -> 8204 / 8212 change -> 8205 stop. 8202/8206 read, 8215
    recommends items by the registration's eval_level.
  * charges: 8209 / 8210 executions (plan_id* active; items [{srv_item_code*, cnt*}] within the
    plan) and 8213 details (plan_id*, details [{srv_item_code*, cnt*, pric}]); amount = Σ pric × cnt.
    A charge is pending until declared; 8214 reverses a pending detail (det_id).
  * declaration 8403 (the institution's pending charges, or `exec_ids`) / 8409 (one psn_no's);
    fund_pay = amount × LTC_FUND_RATIO (illustrative, not a published rate), psn_pay = the rest.
    8408 computes without declaring; 8411 revokes a person's declaration (charges pending again).
  * nurses 8301 (certno* unique among active) -> 8302 change -> 8303 cancel; 8509 lists active.
  * files 8211 / 8507 (8507 needs an active ltc_reg_id) -> 8508 delete; 8512 returns file_data.
"""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, person, refuse, text
from adapters.yb_sim.handlers.ltc_records import (
    _RECOMMENDED, ACTIVE, CLOSED, DECLARED, LTC_FUND_RATIO, PENDING, REVERSED, SERVICE_ITEMS, _changer, _closer,
    _create, _data, _get, _items, _many, _one, _psn, _reader, _table, _update, _where)
from domain.money import ZERO, money

# ---- items, persons, registrations ----------------------------------------------------------

def service_items(call: Call) -> dict:
    code = text(call.node("data").get("srv_item_code"))
    return _many({"srv_item_code": c, "srv_item_name": n, "pric": p, "unit": u}
                 for c, (n, p, u) in SERVICE_ITEMS.items() if not code or c == code)


def person_info(call: Call) -> dict:
    who = person(call, _psn(call, call.node("data")))
    regs = _where(call, "reg", psn_no=who.psn_no, status=ACTIVE)
    return {"data": {"psn_no": who.psn_no, "psn_name": who.psn_name, "psn_cert_type": who.psn_cert_type,
                     "certno": who.certno, "gend": who.gend, "brdy": who.brdy.isoformat(),
                     "ltc_reg_id": regs[0]["ltc_reg_id"] if regs else None, "ltc_trt_flag": "1" if regs else "0"}}


def register(call: Call) -> dict:
    data = _data(call, "psn_no")
    psn_no = _psn(call, data)
    if _where(call, "reg", psn_no=psn_no, status=ACTIVE):
        refuse(f"人员[{psn_no}]已有有效的长护待遇登记")
    return _one(_create(call, "reg", "ltc_reg_id", dict(data)))


def exit_registration(call: Call) -> dict:
    reg = _get(call, "reg", "ltc_reg_id", ACTIVE)
    for plan in _where(call, "plan", ltc_reg_id=reg["ltc_reg_id"], status=ACTIVE):
        plan["status"] = CLOSED  # no care without a registration
    return _closer("reg", "ltc_reg_id")(call)


def find_registration(call: Call) -> dict:
    data = call.node("data")
    if text(data.get("ltc_reg_id")):
        return _one(_get(call, "reg", "ltc_reg_id"))
    return _many(_where(call, "reg", psn_no=_psn(call, data), status=ACTIVE))


def assessments(call: Call) -> dict:
    reg = _get(call, "reg", "ltc_reg_id")
    rows = reg.get("assessments") if isinstance(reg.get("assessments"), list) else \
        [{"eval_level": reg.get("eval_level"), "eval_date": reg.get("eval_date")}]
    return _many(dict(r, ltc_reg_id=reg["ltc_reg_id"], psn_no=reg.get("psn_no")) for r in rows)


# ---- plans ------------------------------------------------------------------------------------

def make_plan(call: Call) -> dict:
    data = _data(call, "ltc_reg_id")
    reg = _get(call, "reg", "ltc_reg_id", ACTIVE)
    if _where(call, "plan", ltc_reg_id=reg["ltc_reg_id"], status=ACTIVE):
        refuse(f"登记[{reg['ltc_reg_id']}]已有执行中的护理计划，请变更或停止")
    call.psn_no = reg["psn_no"]
    return _one(_create(call, "plan", "plan_id", dict(data, psn_no=reg["psn_no"],
                                                      items=_items(call, data.get("items")))))


def change_plan(call: Call) -> dict:
    plan, data = _get(call, "plan", "plan_id", ACTIVE), _data(call)
    items = _items(call, data.get("items")) if "items" in data else plan["items"]  # check before changing
    _update(plan, data, "plan_id")
    plan.update(items=items, updt_time=call.now_text)
    return _one(plan)


def save_plan(call: Call) -> dict:
    """8212: a change when the plan_id is known, otherwise a new plan."""
    known = text(call.node("data").get("plan_id")) in _table(call, "plan")
    return change_plan(call) if known else make_plan(call)


def list_plans(call: Call) -> dict:
    data = call.node("data")
    return _many(_where(call, "plan", ltc_reg_id=text(data.get("ltc_reg_id")), psn_no=text(data.get("psn_no")),
                        status=text(data.get("status"))))


def recommend(call: Call) -> dict:
    reg = _get(call, "reg", "ltc_reg_id", ACTIVE)
    codes = _RECOMMENDED.get(text(reg.get("eval_level")), tuple(SERVICE_ITEMS))
    return _many({"srv_item_code": c, "srv_item_name": SERVICE_ITEMS[c][0], "cnt": 1} for c in codes)


# ---- charges: executions and details -----------------------------------------------------------

def _charge(call: Call, data: dict, key: str, rows_key: str) -> dict:
    plan = _get(call, "plan", "plan_id", ACTIVE, value=text(data.get("plan_id")))
    items = _items(call, data.get(rows_key), plan, need_cnt=True)
    call.psn_no = plan["psn_no"]
    return _create(call, "charge", key, dict(data, psn_no=plan["psn_no"], ltc_reg_id=plan.get("ltc_reg_id"),
                                             kind=key, amount=sum((i["amount"] for i in items), ZERO),
                                             **{rows_key: items}), PENDING)


def execute_plan(call: Call) -> dict:
    return _one(_charge(call, _data(call, "plan_id"), "exec_id", "items"))


def execute_batch(call: Call) -> dict:
    rows = call.node("data").get("list")
    if not isinstance(rows, list) or not rows:
        refuse("执行记录列表list不能为空")
    checked = [dict(r) for r in rows if isinstance(r, dict)]
    ids = [text(r.get("exec_id")) for r in checked if text(r.get("exec_id"))]
    if len(ids) != len(set(ids)) or any(i in _table(call, "charge") for i in ids):
        refuse("exec_id重复或已存在")
    for r in checked:  # check all before storing any: a refusal leaves nothing behind
        _get(call, "plan", "plan_id", ACTIVE, value=text(r.get("plan_id")))
        _items(call, r.get("items"), _table(call, "plan")[text(r.get("plan_id"))], need_cnt=True)
    return _many(_charge(call, r, "exec_id", "items") for r in checked)


def executions(call: Call) -> dict:
    return _many(_where(call, "charge", plan_id=_get(call, "plan", "plan_id")["plan_id"], kind="exec_id"))


def enter_details(call: Call) -> dict:
    return _one(_charge(call, _data(call, "plan_id"), "det_id", "details"))


# ---- declarations -----------------------------------------------------------------------------

def _split(charges: list[dict]) -> dict:
    total = sum((c["amount"] for c in charges), ZERO)
    fund = money(total * LTC_FUND_RATIO)
    return {"count": len(charges), "sumamt": total, "fund_pay": fund, "psn_pay": total - fund}


def _pending(call: Call, psn_no: str = "") -> list[dict]:
    return _where(call, "charge", psn_no=psn_no, status=PENDING)


def pending_summary(call: Call) -> dict:
    psn = _psn(call, call.node("data")) if call.request.infno == "8406" else ""
    return {"data": _split(_pending(call, psn))}


def pending_list(call: Call) -> dict:
    return _many(_pending(call, _psn(call, call.node("data")) if call.request.infno == "8407" else ""))


def pre_declare(call: Call) -> dict:
    return {"data": _split(_pending(call, _psn(call, call.node("data"))))}


def declare(call: Call) -> dict:
    data = call.node("data")
    psn = _psn(call, data) if call.request.infno == "8409" else ""
    charges = _pending(call, psn)
    wanted = data.get("exec_ids")
    if isinstance(wanted, list) and wanted:
        charges = [_get(call, "charge", "exec_id", PENDING, value=text(i)) for i in wanted]
        if psn and any(c["psn_no"] != psn for c in charges):
            refuse(f"所选执行记录不全属于人员[{psn}]")
    if not charges:
        refuse("没有待申报的结算信息")
    decl = _create(call, "decl", "decl_id", dict(data, psn_no=psn or None, **_split(charges),
                                                   charge_ids=[c.get("exec_id") or c.get("det_id") for c in charges]),
                   DECLARED)
    for c in charges:
        c.update(status=DECLARED, decl_id=decl["decl_id"])
    return _one(decl)


def declarations(call: Call) -> dict:
    psn = _psn(call, call.node("data")) if call.request.infno == "8410" else ""
    return _many(_where(call, "decl", psn_no=psn))


def declared_charges(call: Call) -> dict:
    return _many(_where(call, "charge", decl_id=_get(call, "decl", "decl_id")["decl_id"]))


def revoke_declaration(call: Call) -> dict:
    decl = _get(call, "decl", "decl_id", DECLARED)
    if not decl.get("psn_no"):
        refuse(f"申报[{decl['decl_id']}]为机构申报，不能按个人撤销")
    for c in _where(call, "charge", decl_id=decl["decl_id"]):
        c.update(status=PENDING, decl_id=None)
    decl.update(status=REVERSED, rvs_time=call.now_text)
    return _one(decl)


# ---- nurses and files ---------------------------------------------------------------------------

def add_nurse(call: Call) -> dict:
    data = _data(call, "certno")
    if _where(call, "nurse", certno=text(data.get("certno")), status=ACTIVE):
        refuse(f"证件号码[{text(data.get('certno'))}]的护理人员已存在")
    return _one(_create(call, "nurse", "nurse_id", dict(data)))


def nurses(call: Call) -> dict:
    return _many(_where(call, "nurse", fixmedins_code=text(call.node("data").get("fixmedins_code")), status=ACTIVE))


def upload_file(call: Call) -> dict:
    data = _data(call, "ltc_reg_id") if call.request.infno == "8507" else _data(call)
    if call.request.infno == "8507":
        _get(call, "reg", "ltc_reg_id", ACTIVE)
    record = _create(call, "file", "file_id", dict(data))
    return {"data": {"file_id": record["file_id"]}}


HANDLERS = {
    "8101": service_items, "8201": find_registration, "8202": list_plans, "8203": make_plan, "8204": change_plan,
    "8205": _closer("plan", "plan_id"), "8206": _reader("plan", "plan_id"), "8207": executions,
    "8208": _reader("charge", "exec_id"), "8209": execute_plan, "8210": execute_batch, "8211": upload_file,
    "8212": save_plan, "8213": enter_details, "8214": _closer("charge", "det_id", PENDING, REVERSED),
    "8215": recommend, "8301": add_nurse, "8302": _changer("nurse", "nurse_id"),
    "8303": _closer("nurse", "nurse_id"), "8401": pending_summary,
    "8402": pending_list, "8403": declare, "8404": declarations, "8405": declared_charges, "8406": pending_summary,
    "8407": pending_list, "8408": pre_declare, "8409": declare, "8410": declarations, "8411": revoke_declaration,
    "8501": person_info, "8502": register, "8503": exit_registration, "8504": _changer("reg", "ltc_reg_id"),
    "8505": find_registration, "8506": find_registration, "8507": upload_file,
    "8508": _closer("file", "file_id"), "8509": nurses, "8510": assessments, "8511": person_info,
    "8512": _reader("file", "file_id", ACTIVE),
}
