"""2101/2101A 药店预结算, 2102/2102A 药店结算 (定点药店购药 and 门诊慢特病购药), and how 2601 undoes a
药店结算.

The drug rows travel with the call (2102A includes the fee-detail upload), so a settlement creates
its own visit: the mdtrt_id in the reply, holding the rows, as a 5201/5204 query will show them.
The money is the outpatient computation (calc.compute with the insutype's policy rule), booked
like a 2207. 2103 药店结算撤销 is not in the catalogue: a 药店结算 is undone only by 2601.
"""
from __future__ import annotations

from adapters.yb_sim.calc import Computation
from adapters.yb_sim.handlers.common import Call, fee_result, person, refuse, shape, text
from adapters.yb_sim.handlers.fees import fee_from_row
from adapters.yb_sim.handlers.filings import chronic_filing
from adapters.yb_sim.handlers.inpatient_state import (CHRONIC_MED_TYPES, PHARMACY_CLR_TYPE, keep_extras,
                                                      parse_time)
from adapters.yb_sim.handlers.outpatient import check_certificate
from adapters.yb_sim.handlers.prescription import circulated_rows, dispense
from adapters.yb_sim.handlers.settlement import (book_settlement, compute_fees, setldetail_rows, setlinfo_of,
                                                 undo_settle)
from adapters.yb_sim.policy import InsutypeRule
from adapters.yb_sim.state import Account, Fee, Person, Settlement, Visit

PHARMACY_MED_TYPES = frozenset({"41"}) | CHRONIC_MED_TYPES
# what a 定点药店 may sell: 西药, 中药饮片, 中成药, 医用耗材 (never a 医疗服务项目)
PHARMACY_ITEM_TYPES = frozenset({"09", "10", "11", "08"})


def _prepare(call: Call) -> tuple[Person, Account, InsutypeRule, list[Fee], list[dict], Computation]:
    info = call.node("druginfo")
    psn_no, insutype, med_type = text(info.get("psn_no")), text(info.get("insutype")), text(info.get("med_type"))
    who = person(call, psn_no)
    check_certificate(who, text(info.get("mdtrt_cert_type")), text(info.get("mdtrt_cert_no")))
    account = who.account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if account.psn_insu_stas != "1":
        refuse(f"人员[{psn_no}]险种[{insutype}]参保状态异常[{account.psn_insu_stas}]，不能结算")
    if med_type not in PHARMACY_MED_TYPES:
        refuse(f"医疗类别[{med_type}]不能在定点药店结算（仅限41定点药店购药、14门诊慢特病购药）")
    if med_type in CHRONIC_MED_TYPES:
        code = text(info.get("dise_codg"))
        if not code:
            refuse("门诊慢特病购药必须传病种编码dise_codg")
        day = (parse_time(info.get("begntime")) or call.now).date()
        if chronic_filing(call.state, psn_no, code, day) is None:
            refuse(f"人员[{psn_no}]没有病种[{code}]有效的门诊慢特病备案，不能按门诊慢特病结算")
    rows = call.rows("drugdetail")
    if not rows:
        refuse("药品明细drugdetail不能为空")
    fees: list[Fee] = []
    for i, row in enumerate(rows):
        fee = fee_from_row(call, i, row)
        if fee.med_chrgitm_type not in PHARMACY_ITEM_TYPES:
            refuse(f"第{i + 1}条明细: 医疗目录编码[{fee.med_list_codg}]不是药品或耗材，定点药店不能结算")
        if any(f.feedetl_sn == fee.feedetl_sn for f in fees):
            refuse(f"费用明细流水号[{fee.feedetl_sn}]重复")
        fees.append(fee)
    rule = call.policy.rule(insutype)
    result = compute_fees(call, rule, psn_no, account, fees, info.get("medfee_sumamt"),
                          text(info.get("acct_used_flag")) == "1", "药品明细")
    call.psn_no = psn_no
    return who, account, rule, fees, rows, result


def _purchase(call: Call, mdtrt_id: str, who: Person, account: Account) -> Visit:
    info = call.node("druginfo")
    return Visit(mdtrt_id=mdtrt_id, psn_no=who.psn_no, insutype=account.insutype,
                 med_type=text(info.get("med_type")), ipt_otp_no="",
                 mdtrt_cert_type=text(info.get("mdtrt_cert_type")), mdtrt_cert_no=text(info.get("mdtrt_cert_no")),
                 begntime=text(info.get("begntime")), mdtrtinfo=dict(info))


def _info(call: Call, purchase: Visit, who: Person, account: Account, result: Computation) -> dict:
    info = setlinfo_of(call, purchase, who, account, result)
    # the settlement helpers read node "data"; a 药店 call carries "druginfo"
    info.update(mdtrt_cert_type=purchase.mdtrt_cert_type, med_type=purchase.med_type, clr_type=PHARMACY_CLR_TYPE)
    return info


def _reply(call: Call, info: dict, details: list[dict], fees: list[Fee]) -> dict:
    return {"setlinfo": shape(call, "setlinfo", info),
            "setldetail": [shape(call, "setldetail", r) for r in details],
            "detlcutinfo": [fee_result(call, "detlcutinfo", f) for f in fees]}


def pre_settle(call: Call) -> dict:
    who, account, rule, fees, _rows, result = _prepare(call)
    info = _info(call, _purchase(call, "", who, account), who, account, result)
    info["mdtrt_id"] = None  # nothing is registered by a preview
    return _reply(call, info, setldetail_rows(rule, result, account.balc), fees)


def settle(call: Call) -> dict:
    who, account, rule, fees, rows, result = _prepare(call)
    prescriptions = circulated_rows(call, rows)
    purchase = _purchase(call, call.state.ids.mdtrt_id(), who, account)
    info = _info(call, purchase, who, account, result)
    details = setldetail_rows(rule, result, account.balc)
    setl_id = call.state.ids.setl_id()
    info["setl_id"] = setl_id
    record = Settlement(
        setl_id=setl_id, mdtrt_id=purchase.mdtrt_id, psn_no=who.psn_no, insutype=account.insutype,
        chrg_bchno="", year=call.now.year, setlinfo=info, setldetail=details,
        acct_pay=result.acct_pay, act_pay_dedc=result.act_pay_dedc, hifp_pay=result.hifp_pay,
        fee_sns=tuple(f.feedetl_sn for f in fees))
    purchase.fees = {f.feedetl_sn: f for f in fees}
    call.state.visits[purchase.mdtrt_id] = purchase
    for fee, row in zip(fees, rows):
        keep_extras(call.state, purchase.mdtrt_id, fee.feedetl_sn, row)
    book_settlement(call, record, account, +1)
    call.state.settlements[setl_id] = record
    purchase.setl_ids.append(setl_id)
    call.undo = ("pharmacy_settle", setl_id)
    dispense(call, prescriptions, info)
    return _reply(call, info, details, fees)


def undo_pharmacy_settle(call: Call, setl_id: str) -> None:
    """2601 of a 2102/2102A: the settlement and the purchase it registered never happened."""
    undo_settle(call, setl_id)
    purchase = call.state.visits[call.state.settlements[setl_id].mdtrt_id]
    purchase.cancelled = purchase.reversed = True


HANDLERS = {"2101": pre_settle, "2101A": pre_settle, "2102": settle, "2102A": settle}
UNDO = {"pharmacy_settle": undo_pharmacy_settle}
