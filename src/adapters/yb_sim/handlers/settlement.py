"""2206 预结算, 2207 结算, 2208 结算撤销, and how 2601 undoes the last two."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from adapters.yb_sim.calc import Computation, FeeSplit, compute
from adapters.yb_sim.handlers.clearing import cleared_by
from adapters.yb_sim.handlers.common import Call, age, number, open_visit, person, refuse, shape, text
from adapters.yb_sim.handlers.outpatient import check_certificate
from adapters.yb_sim.policy import InsutypeRule
from adapters.yb_sim.state import ACTIVE, CANCELLED, REVERSED, Account, Fee, Person, Settlement, Visit
from domain.money import ZERO, money
from domain.settlement import AMOUNT_FIELDS


def _prepare(call: Call) -> tuple[Visit, Person, Account, list[Fee], InsutypeRule, Computation]:
    data = call.node("data")
    psn_no, mdtrt_id, batch = text(data.get("psn_no")), text(data.get("mdtrt_id")), text(data.get("chrg_bchno"))
    found = open_visit(call, mdtrt_id, psn_no)
    who = person(call, psn_no)
    check_certificate(who, text(data.get("mdtrt_cert_type")), text(data.get("mdtrt_cert_no")))
    insutype = text(data.get("insutype"))
    if insutype != found.insutype:
        refuse(f"险种类型[{insutype}]与挂号时的险种类型[{found.insutype}]不一致")
    account = who.account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if call.state.active_settlement(found) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已结算，不能重复结算")
    fees = [f for f in found.batch(batch) if not f.setl_id]
    if not fees:
        refuse(f"就诊ID[{mdtrt_id}]收费批次号[{batch}]下没有未结算的费用明细")
    rule = call.policy.rule(insutype)
    result = compute_fees(call, rule, psn_no, account, fees, data.get("medfee_sumamt"),
                          text(data.get("acct_used_flag")) == "1", "已上传费用明细")
    call.psn_no = psn_no
    return found, who, account, fees, rule, result


def compute_fees(call: Call, rule: InsutypeRule, psn_no: str, account: Account, fees: list[Fee],
                 declared_total: object, acct_used: bool, rows_label: str) -> Computation:
    """What every settling group shares: the declared total must equal the rows', then the policy
    splits them against this year's deductible and pool use."""
    declared = money(number(declared_total))
    uploaded = sum((f.det_item_fee_sumamt for f in fees), ZERO)
    if declared != uploaded:
        refuse(f"费用总额不一致：入参医疗费总额[{declared}]，{rows_label}合计[{uploaded}]")
    splits = [(f.det_item_fee_sumamt, FeeSplit(f.fulamt_ownpay_amt, f.overlmt_amt, f.preselfpay_amt,
                                               f.inscp_scp_amt)) for f in fees]
    year = call.now.year
    return compute(rule, splits, account.balc,
                   call.state.used(call.state.dedc_used, psn_no, account.insutype, year),
                   call.state.used(call.state.pool_used, psn_no, account.insutype, year), acct_used)


def setlinfo_of(call: Call, found: Visit, who: Person, account: Account, result: Computation) -> dict:
    data = call.node("data")
    info = {
        "mdtrt_id": found.mdtrt_id, "psn_no": who.psn_no, "psn_name": who.psn_name,
        "psn_cert_type": who.psn_cert_type, "certno": who.certno, "gend": who.gend, "naty": who.naty,
        "brdy": who.brdy.isoformat(), "age": age(who.brdy, call.now.date()), "insutype": account.insutype,
        "psn_type": account.psn_type, "cvlserv_flag": account.cvlserv_flag, "setl_time": call.now_text,
        "mdtrt_cert_type": text(data.get("mdtrt_cert_type")),
        "med_type": text(data.get("med_type")) or found.med_type,
        "pool_prop_selfpay": result.pool_prop_selfpay,
        "medins_setl_id": call.request.msgid, "clr_optins": account.insuplc_admdvs,
        "clr_way": call.policy.clr_way, "clr_type": call.policy.clr_type, "exp_content": None,
    }
    computed = asdict(result)
    for name in AMOUNT_FIELDS:
        info[name] = computed.get(name, ZERO)
    return info


def setldetail_rows(rule: InsutypeRule, result: Computation, balance_before: Decimal) -> list[dict]:
    rows = []
    if result.hifp_pay > ZERO:
        rows.append({"fund_pay_type": rule.pool_fund_pay_type, "inscp_scp_amt": result.inscp_scp_amt,
                     "crt_payb_lmt_amt": result.cap_left if result.cap_left is not None else result.hifp_pay,
                     "fund_payamt": result.hifp_pay, "fund_pay_type_name": rule.pool_fund_pay_type_name,
                     "setl_proc_info": None})
    if result.acct_pay > ZERO:
        rows.append({"fund_pay_type": rule.account_fund_pay_type, "inscp_scp_amt": result.inscp_scp_amt,
                     "crt_payb_lmt_amt": money(balance_before), "fund_payamt": result.acct_pay,
                     "fund_pay_type_name": rule.account_fund_pay_type_name, "setl_proc_info": None})
    return rows


def pre_settle(call: Call) -> dict:
    found, who, account, _fees, rule, result = _prepare(call)
    info = setlinfo_of(call, found, who, account, result)
    return {"setlinfo": shape(call, "setlinfo", info),
            "setldetail": [shape(call, "setldetail", r) for r in setldetail_rows(rule, result, account.balc)]}


def settle(call: Call) -> dict:
    found, who, account, fees, rule, result = _prepare(call)
    info = setlinfo_of(call, found, who, account, result)
    details = setldetail_rows(rule, result, account.balc)
    setl_id = call.state.ids.setl_id()
    info["setl_id"] = setl_id
    record = Settlement(
        setl_id=setl_id, mdtrt_id=found.mdtrt_id, psn_no=who.psn_no, insutype=account.insutype,
        chrg_bchno=fees[0].chrg_bchno, year=call.now.year, setlinfo=info, setldetail=details,
        acct_pay=result.acct_pay, act_pay_dedc=result.act_pay_dedc, hifp_pay=result.hifp_pay,
        fee_sns=tuple(f.feedetl_sn for f in fees))
    book_settlement(call, record, account, +1)
    call.state.settlements[setl_id] = record
    found.setl_ids.append(setl_id)
    call.undo = ("settle", setl_id)
    return {"setlinfo": shape(call, "setlinfo", info), "setldetail": [shape(call, "setldetail", r) for r in details]}


def book_settlement(call: Call, s: Settlement, account: Account, sign: int) -> None:
    """Book (+1) or unbook (-1) a settlement's effects: account, yearly totals, fee rows."""
    state = call.state
    account.balc = money(account.balc - sign * s.acct_pay)
    state.add_used(state.dedc_used, s.psn_no, s.insutype, s.year, sign * s.act_pay_dedc)
    state.add_used(state.pool_used, s.psn_no, s.insutype, s.year, sign * s.hifp_pay)
    found = state.visits[s.mdtrt_id]
    for sn in s.fee_sns:
        if sn in found.fees:
            found.fees[sn].setl_id = s.setl_id if sign > 0 else ""


def _account(call: Call, s: Settlement) -> Account:
    return call.state.persons[s.psn_no].account(s.insutype)


def cancel_settlement(call: Call) -> dict:
    data = call.node("data")
    setl_id, mdtrt_id, psn_no = text(data.get("setl_id")), text(data.get("mdtrt_id")), text(data.get("psn_no"))
    original = call.state.settlements.get(setl_id)
    if original is None or original.origin_setl_id or original.state == REVERSED:
        refuse(f"结算ID[{setl_id}]不存在")
    if original.mdtrt_id != mdtrt_id:
        refuse(f"结算ID[{setl_id}]不属于就诊ID[{mdtrt_id}]")
    if original.psn_no != psn_no:
        refuse(f"人员编号[{psn_no}]与结算ID[{setl_id}]的人员不一致")
    if original.state == CANCELLED:
        refuse(f"结算ID[{setl_id}]已撤销，不能重复撤销")
    application = cleared_by(call, setl_id)
    if application:
        refuse(f"结算ID[{setl_id}]已纳入清算申请[{application}]，请先撤销清算申请")
    account = _account(call, original)
    book_settlement(call, original, account, -1)
    negative_id = call.state.ids.setl_id()
    info = dict(original.setlinfo)
    for name in AMOUNT_FIELDS:
        if name != "balc":
            info[name] = ZERO - info.get(name, ZERO)  # 0 - x: never a "-0.00"
    info.update(setl_id=negative_id, balc=money(account.balc), setl_time=call.now_text,
                medins_setl_id=call.request.msgid)
    # the limit row keeps the original's figure: it is a limit, not money moving back
    details = [dict(r, inscp_scp_amt=ZERO - r["inscp_scp_amt"], fund_payamt=ZERO - r["fund_payamt"])
               for r in original.setldetail]
    negative = Settlement(
        setl_id=negative_id, mdtrt_id=mdtrt_id, psn_no=psn_no, insutype=original.insutype,
        chrg_bchno=original.chrg_bchno, year=original.year, setlinfo=info, setldetail=details,
        state=CANCELLED, origin_setl_id=setl_id)
    original.state, original.cancel_setl_id = CANCELLED, negative_id
    call.state.settlements[negative_id] = negative
    call.state.visits[mdtrt_id].setl_ids.append(negative_id)
    call.psn_no, call.undo = psn_no, ("cancel", negative_id)
    return {"setlinfo": shape(call, "setlinfo", info), "setldetail": [shape(call, "setldetail", r) for r in details]}


def undo_settle(call: Call, setl_id: str) -> None:
    """2601 of a 2207: the settlement never happened."""
    s = call.state.settlements[setl_id]
    if s.state == REVERSED:
        return
    if s.state == CANCELLED:
        refuse(f"冲正失败：原结算[{setl_id}]已退费（已撤销结算），不能办理冲正交易")
    book_settlement(call, s, _account(call, s), -1)
    s.state = REVERSED


def undo_cancel(call: Call, negative_id: str) -> None:
    """2601 of a 2208: the original settlement is in force again."""
    negative = call.state.settlements[negative_id]
    if negative.state == REVERSED:
        return
    original = call.state.settlements[negative.origin_setl_id]
    found = call.state.visits[original.mdtrt_id]
    if found.cancelled:
        refuse(f"冲正失败：就诊ID[{found.mdtrt_id}]已撤销挂号")
    if call.state.active_settlement(found) is not None:
        refuse(f"冲正失败：就诊ID[{found.mdtrt_id}]已有有效结算")
    if any(sn not in found.fees or found.fees[sn].setl_id for sn in original.fee_sns):
        refuse(f"冲正失败：结算[{original.setl_id}]的费用明细已变更")
    account = _account(call, original)
    if account.balc < original.acct_pay:
        refuse(f"冲正失败：个人账户余额[{account.balc}]不足以恢复原结算的账户支付[{original.acct_pay}]")
    book_settlement(call, original, account, +1)
    original.state, original.cancel_setl_id = ACTIVE, ""
    negative.state = REVERSED


HANDLERS = {"2206": pre_settle, "2207": settle, "2208": cancel_settlement}
UNDO = {"settle": undo_settle, "cancel": undo_cancel}
