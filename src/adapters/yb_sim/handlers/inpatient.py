"""2301 住院费用明细上传, 2302 撤销, 2303 住院预结算, 2304 住院结算, 2305 住院结算撤销, and how 2601
undoes 2304 / 2305.

A stay settles all its unsettled fees at once: at discharge (after 2402), or while still in
hospital as a 中途结算 (mid_setl_flag 1), after which later fees settle again. Once the discharge
settlement is in force the stay is closed: no more fees, no more settlements, until 2305.

Money: the outpatient computation (calc.compute) with the insutype's policy rule, except that the
rule's annual_cap is lifted, because policy.toml documents it as the 门诊统筹 ceiling; deductible
(per calendar year) and ratio are the rule's. Booking is the outpatient one (book_settlement), so 5206 and
the yearly totals see inpatient use as well; a simplification: what the pool paid for a stay also
counts against the year's 门诊统筹 cap (the state keeps one pool total per person, insutype, year).
"""
from __future__ import annotations

import dataclasses

from adapters.yb_sim.calc import Computation
from adapters.yb_sim.handlers.common import Call, fee_result, person, refuse, shape, text
from adapters.yb_sim.handlers.fees import fee_from_row
from adapters.yb_sim.handlers.inpatient_state import (CANCELLED, INPATIENT_CLR_TYPE, OUT, Admission, admission,
                                                      admissions, final_settlement, keep_extras,
                                                      live_settlements)
from adapters.yb_sim.handlers.outpatient import check_certificate
from adapters.yb_sim.handlers.settlement import (book_settlement, cancel_settlement, compute_fees, setldetail_rows,
                                                 setlinfo_of)
from adapters.yb_sim.handlers.settlement import undo_settle as outpatient_undo_settle
from adapters.yb_sim.policy import InsutypeRule
from adapters.yb_sim.state import ACTIVE, REVERSED, Account, Fee, Person, Settlement, Visit

ALL_FEES = "0000"  # 2302 feedetl_sn meaning every unsettled row of the stay


def inpatient_rule(rule: InsutypeRule) -> InsutypeRule:
    return dataclasses.replace(rule, annual_cap=None)


def _open_stay(call: Call, mdtrt_id: str, psn_no: str) -> tuple[Visit, Admission]:
    found, adm = admission(call, mdtrt_id, psn_no)
    if adm.status == CANCELLED:
        refuse(f"就诊ID[{mdtrt_id}]已撤销入院")
    if final_settlement(call.state, found, adm) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院结算，不能再变更费用，请先撤销结算")
    return found, adm


def upload_fees(call: Call) -> dict:
    accepted: list[tuple[Visit, Fee, dict]] = []
    for i, row in enumerate(call.rows("feedetail")):
        found, _adm = _open_stay(call, text(row.get("mdtrt_id")), text(row.get("psn_no")))
        fee = fee_from_row(call, i, row)
        if fee.feedetl_sn in found.fees or any(v is found and f.feedetl_sn == fee.feedetl_sn for v, f, _ in accepted):
            refuse(f"费用明细流水号[{fee.feedetl_sn}]重复")
        accepted.append((found, fee, row))
    for found, fee, row in accepted:
        found.fees[fee.feedetl_sn] = fee
        keep_extras(call.state, found.mdtrt_id, fee.feedetl_sn, row)
    call.psn_no = accepted[0][0].psn_no if accepted else ""
    return {"result": [fee_result(call, "result", f) for _, f, _ in accepted]}


def cancel_fees(call: Call) -> dict:
    # the spec models data as rows in one implementation and one object in others: take both
    rows = call.rows("data") or ([call.node("data")] if call.node("data") else [])
    doomed: dict[tuple[str, str], Visit] = {}
    for row in rows:
        sn = text(row.get("feedetl_sn"))
        found, _adm = _open_stay(call, text(row.get("mdtrt_id")), text(row.get("psn_no")))
        if sn == ALL_FEES:
            unsettled = [f.feedetl_sn for f in found.fees.values() if not f.setl_id]
            if not unsettled:
                refuse(f"就诊ID[{found.mdtrt_id}]没有可撤销的费用明细")
            doomed.update({(found.mdtrt_id, s): found for s in unsettled})
            continue
        fee = found.fees.get(sn)
        if fee is None:
            refuse(f"就诊ID[{found.mdtrt_id}]下费用明细流水号[{sn}]不存在或已撤销")
        if fee.setl_id:
            refuse(f"费用明细流水号[{sn}]已中途结算，不能撤销")
        doomed[(found.mdtrt_id, sn)] = found
    for (_m, sn), found in doomed.items():
        del found.fees[sn]
    call.psn_no = next(iter(doomed.values())).psn_no if doomed else ""
    return {}


def _prepare(call: Call) -> tuple[Visit, Admission, Person, Account, list[Fee], InsutypeRule, Computation]:
    data = call.node("data")
    psn_no, mdtrt_id = text(data.get("psn_no")), text(data.get("mdtrt_id"))
    found, adm = admission(call, mdtrt_id, psn_no)
    if adm.status == CANCELLED:
        refuse(f"就诊ID[{mdtrt_id}]已撤销入院")
    who = person(call, psn_no)
    check_certificate(who, text(data.get("mdtrt_cert_type")), text(data.get("mdtrt_cert_no")))
    insutype = text(data.get("insutype"))
    if insutype != found.insutype:
        refuse(f"险种类型[{insutype}]与入院登记的险种类型[{found.insutype}]不一致")
    account = who.account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if final_settlement(call.state, found, adm) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院结算，不能重复结算")
    mid = text(data.get("mid_setl_flag")) == "1"
    if not mid and adm.status != OUT:
        refuse(f"就诊ID[{mdtrt_id}]未办理出院，不能办理出院结算（在院期间结算请传中途结算标志1）")
    if mid and adm.status == OUT:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院，请办理出院结算（中途结算标志传0）")
    fees = [f for f in found.fees.values() if not f.setl_id]
    if not fees:
        refuse(f"就诊ID[{mdtrt_id}]没有未结算的费用明细")
    rule = inpatient_rule(call.policy.rule(insutype))
    result = compute_fees(call, rule, psn_no, account, fees, data.get("medfee_sumamt"),
                          text(data.get("acct_used_flag")) == "1", "未结算费用明细")
    call.psn_no = psn_no
    return found, adm, who, account, fees, rule, result


def _reply(call: Call, info: dict, details: list[dict]) -> dict:
    return {"setlinfo": shape(call, "setlinfo", info), "setldetail": [shape(call, "setldetail", r) for r in details]}


def pre_settle(call: Call) -> dict:
    found, _adm, who, account, _fees, rule, result = _prepare(call)
    info = dict(setlinfo_of(call, found, who, account, result), clr_type=INPATIENT_CLR_TYPE)
    return _reply(call, info, setldetail_rows(rule, result, account.balc))


def settle(call: Call) -> dict:
    found, adm, who, account, fees, rule, result = _prepare(call)
    info = dict(setlinfo_of(call, found, who, account, result), clr_type=INPATIENT_CLR_TYPE)
    details = setldetail_rows(rule, result, account.balc)
    setl_id = call.state.ids.setl_id()
    info["setl_id"] = setl_id
    record = Settlement(
        setl_id=setl_id, mdtrt_id=found.mdtrt_id, psn_no=who.psn_no, insutype=account.insutype,
        chrg_bchno="", year=call.now.year, setlinfo=info, setldetail=details,
        acct_pay=result.acct_pay, act_pay_dedc=result.act_pay_dedc, hifp_pay=result.hifp_pay,
        fee_sns=tuple(f.feedetl_sn for f in fees))
    book_settlement(call, record, account, +1)
    call.state.settlements[setl_id] = record
    found.setl_ids.append(setl_id)
    if text(call.node("data").get("mid_setl_flag")) == "1":
        adm.mid_setl_ids.add(setl_id)
    call.undo = ("inpatient_settle", setl_id)
    return _reply(call, info, details)


def _newest_first(call: Call, s: Settlement, prefix: str = "") -> None:
    """A stay's settlements are undone newest first, the reverse of how its fees were settled."""
    stay = call.state.visits[s.mdtrt_id]
    later = [x.setl_id for x in live_settlements(call.state, stay)
             if stay.setl_ids.index(x.setl_id) > stay.setl_ids.index(s.setl_id)]
    if later:
        refuse(f"{prefix}就诊ID[{s.mdtrt_id}]在结算ID[{s.setl_id}]之后还有结算[{','.join(later)}]，请先撤销")


def cancel(call: Call) -> dict:
    data = call.node("data")
    setl_id, mdtrt_id = text(data.get("setl_id")), text(data.get("mdtrt_id"))
    original = call.state.settlements.get(setl_id)
    if original is not None and original.state != REVERSED and not original.origin_setl_id:
        if original.mdtrt_id not in admissions(call.state):
            refuse(f"结算ID[{setl_id}]不是住院结算，不能用住院结算撤销")
        if original.mdtrt_id == mdtrt_id and original.state == ACTIVE:
            _newest_first(call, original)
    reply = cancel_settlement(call)  # unknown id, other stay or person, twice: refused there
    call.undo = ("inpatient_cancel", call.undo[1])
    return reply


def undo_settle(call: Call, setl_id: str) -> None:
    """2601 of a 2304: as for a 2207, once no later settlement of the stay depends on it."""
    s = call.state.settlements[setl_id]
    if s.state == ACTIVE:
        _newest_first(call, s, prefix="冲正失败：")
    outpatient_undo_settle(call, setl_id)


def undo_cancel(call: Call, negative_id: str) -> None:
    """2601 of a 2305: the original settlement is in force again."""
    negative = call.state.settlements[negative_id]
    if negative.state == REVERSED:
        return
    original = call.state.settlements[negative.origin_setl_id]
    stay, adm = call.state.visits[original.mdtrt_id], admissions(call.state)[original.mdtrt_id]
    if adm.status == CANCELLED:
        refuse(f"冲正失败：就诊ID[{stay.mdtrt_id}]已撤销入院")
    if original.setl_id not in adm.mid_setl_ids:
        if final_settlement(call.state, stay, adm) is not None:
            refuse(f"冲正失败：就诊ID[{stay.mdtrt_id}]已有有效的出院结算")
        if adm.status != OUT:
            refuse(f"冲正失败：就诊ID[{stay.mdtrt_id}]已撤销出院，不能恢复出院结算")
    if any(sn not in stay.fees or stay.fees[sn].setl_id for sn in original.fee_sns):
        refuse(f"冲正失败：结算[{original.setl_id}]的费用明细已变更")
    account = call.state.persons[original.psn_no].account(original.insutype)
    if account.balc < original.acct_pay:
        refuse(f"冲正失败：个人账户余额[{account.balc}]不足以恢复原结算的账户支付[{original.acct_pay}]")
    book_settlement(call, original, account, +1)
    original.state, original.cancel_setl_id = ACTIVE, ""
    negative.state = REVERSED


HANDLERS = {"2301": upload_fees, "2302": cancel_fees, "2303": pre_settle, "2304": settle, "2305": cancel}
UNDO = {"inpatient_settle": undo_settle, "inpatient_cancel": undo_cancel}
