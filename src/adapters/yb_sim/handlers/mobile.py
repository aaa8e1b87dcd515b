"""医保移动支付 (6xxx) as the local mobile-payment centre would answer, camelCase in and out.

Orders: 6201 creates (ordStas 0) -> 6202 pays (6) -> 6203 refunds, in parts or whole (8-11, then 7)
        6201 creates -> 6401 revokes (12). Anything else is refused.
6202 settles with the simulator's policy (calc.split_fee per row at upload, calc.compute at payment)
and books the person's account and yearly deductible / pool totals like 2207 does; the order is
kept apart from the FSI settlements (no visit, no 2208/2601 on it). feeSumamt = fundPay +
psnAcctPay + ownPayAmt (ownPayAmt is the cash part).
6203 rules (from public clients): ALL refunds everything still unrefunded; HI refunds the whole
insurance part (fund + account) and no cash - a partial insurance refund would need a
re-settlement, not simulated; CASH refunds cash only, possibly in parts. The same appRefdSn again
with the same amounts answers the first result (a retried refund must not pay twice).
ordStas values follow the commonly used national list (0 saved, 6 settled, 7 refunded, 8 insurance
refunded, 9/10 cash wholly/partly refunded, 11 insurance and part of cash, 12 revoked); the spec
confirms only the grouping (0-2 processing, 3-6 settled, 7-13 closed, 14-16 failed).
6101 (convention): data.qrCode (or ecQrCode / ecToken) is the person's 电子凭证 token.
6204 / 6302 are the centre's calls to an institution: accepted for a known payOrdId and stored.
"""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from adapters.yb_sim.calc import Computation, FeeSplit, compute, split_fee
from adapters.yb_sim.handlers.common import Call, number, person, refuse, text
from adapters.yb_sim.state import Person
from domain.money import ZERO, money
from ports.jsoncodec import encode_json

CREATED, PAID, REFUNDED, REVOKED = "created", "paid", "refunded", "revoked"
LABELS = {CREATED: "待支付", PAID: "已支付", REFUNDED: "已退费", REVOKED: "已撤销"}
SAVED, SETTLED, ALL_REFUNDED, HI_REFUNDED = "0", "6", "7", "8"
CASH_REFUNDED, CASH_PART_REFUNDED, HI_CASH_PART_REFUNDED, CANCELLED = "9", "10", "11", "12"


@dataclass
class Refund:
    app_refd_sn: str
    refd_type: str
    fund: Decimal
    acct: Decimal
    cash: Decimal
    status: str = "SUCC"


@dataclass
class PayOrder:
    pay_ord_id: str
    pay_token: str
    psn_no: str
    insutype: str
    org_codg: str
    med_org_ord: str
    mdtrt_id: str
    chrg_bchno: str
    total: Decimal
    splits: list[tuple[Decimal, FeeSplit]]
    created_at: str
    status: str = CREATED
    ord_stas: str = SAVED
    result: Computation | None = None
    setl_id: str = ""
    org_biz_ser: str = ""
    pay_time: str = ""
    year: int = 0
    refunds: dict[str, Refund] = field(default_factory=dict)

    def refunded(self, part: str) -> Decimal:
        return sum((getattr(r, part) for r in self.refunds.values()), ZERO)


@dataclass
class MobileState:
    orders: dict[str, PayOrder] = field(default_factory=dict)
    notifications: list[tuple[str, dict]] = field(default_factory=list)  # (infno, data) as received
    prefix: str = field(default_factory=lambda: secrets.token_hex(4).upper())  # ids unique across restarts
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))


def _state(call: Call) -> MobileState:
    return call.state.section("mobile", MobileState)


def _who(call: Call, data: dict, psn_no: str) -> Person:
    """The person, checked against the identity the request carries (idNo / userName / idType)."""
    found = person(call, psn_no)
    id_no, name, id_type = text(data.get("idNo")), text(data.get("userName")), text(data.get("idType"))
    if id_no and id_no.upper() != found.certno.upper():
        refuse(f"证件号码[{id_no}]与人员[{psn_no}]不符")
    if name and name != found.psn_name:
        refuse(f"姓名[{name}]与人员[{psn_no}]不符")
    if id_type and id_type != found.psn_cert_type:
        refuse(f"证件类型[{id_type}]与人员[{psn_no}]不符")
    return found


def _order(call: Call, data: dict, token_required: bool = True) -> PayOrder:
    pay_ord_id = text(data.get("payOrdId"))
    order = _state(call).orders.get(pay_ord_id)
    if order is None:
        refuse(f"支付订单号[{pay_ord_id}]不存在")
    if token_required and text(data.get("payToken")) != order.pay_token:
        refuse(f"支付令牌与订单[{pay_ord_id}]不符")
    org = text(data.get("orgCodg"))
    if org and org != order.org_codg:
        refuse(f"机构编码[{org}]与订单[{pay_ord_id}]不符")
    _who(call, data, order.psn_no)
    call.psn_no = order.psn_no
    return order


def _amount(data: dict, name: str) -> Decimal:
    try:
        return money(number(data.get(name) if data.get(name) not in (None, "") else "0"))
    except (ValueError, TypeError, InvalidOperation):
        refuse(f"{name}[{data.get(name)}]不是数值")


# ---- 6101 / 6201 / 6202 -------------------------------------------------------------------

def parse_qr_code(call: Call) -> dict:
    data = call.node("data")
    code = next((text(data.get(k)) for k in ("qrCode", "ecQrCode", "ecToken") if text(data.get(k))), "")
    found = next((p for p in call.state.persons.values() if code and p.ec_token == code), None)
    if found is None:
        refuse("电子凭证二维码无效或已过期")
    call.psn_no = found.psn_no
    admdvs = found.accounts[0].insuplc_admdvs if found.accounts else call.admdvs
    return {"data": {"ecToken": found.ec_token, "psnNo": found.psn_no, "idNo": found.certno,
                     "idType": found.psn_cert_type, "userName": found.psn_name, "gend": found.gend,
                     "brdy": found.brdy.isoformat(), "insuplcAdmdvs": admdvs}}


def upload_fees(call: Call) -> dict:
    data, state = call.node("data"), _state(call)
    psn_no, insutype = text(data.get("psnNo")), text(data.get("insutype"))
    found = _who(call, data, psn_no)
    if found.account(insutype) is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    visit = call.state.visits.get(text(data.get("mdtrtId")))
    if visit is not None and visit.psn_no != psn_no:  # an FSI visit may be named; it must be theirs
        refuse(f"就诊ID[{visit.mdtrt_id}]不属于人员[{psn_no}]")
    med_org_ord = text(data.get("medOrgOrd"))
    if any(o.med_org_ord == med_org_ord and o.status in (CREATED, PAID) for o in state.orders.values()):
        refuse(f"医疗机构订单号[{med_org_ord}]已有有效订单，请先撤销")
    rows = data.get("feedetailList") if isinstance(data.get("feedetailList"), list) else []
    splits, seen = [], set()
    for i, row in enumerate(rows):
        where, sn, code = f"第{i + 1}条费用明细", text(row.get("feedetlSn")), text(row.get("medListCodg"))
        if sn in seen:
            refuse(f"费用明细流水号[{sn}]重复")
        seen.add(sn)
        item = call.items.get(code)
        if item is None:
            refuse(f"{where}: 医保目录编码[{code}]不存在或未对照")
        amount, cnt, pric = (_amount(row, "detItemFeeSumamt"), number(row.get("cnt")), number(row.get("pric")))
        if cnt <= 0 or pric < 0 or money(cnt * pric) != amount:
            refuse(f"{where}: 明细项目费用总额[{amount}]与数量[{cnt}]×单价[{pric}]不符")
        splits.append((amount, split_fee(item, amount, cnt, pric)))
    total = sum((a for a, _ in splits), ZERO)
    if total != _amount(data, "medfeeSumamt"):
        refuse(f"医疗费总额[{_amount(data, 'medfeeSumamt')}]与费用明细合计[{total}]不一致")
    order = PayOrder(
        pay_ord_id=f"ORD{state.prefix}{next(state.seq):08d}", pay_token=secrets.token_hex(16).upper(),
        psn_no=psn_no, insutype=insutype, org_codg=text(data.get("orgCodg")), med_org_ord=med_org_ord,
        mdtrt_id=text(data.get("mdtrtId")) or call.state.ids.mdtrt_id(), chrg_bchno=text(data.get("chrgBchno")),
        total=total, splits=splits, created_at=call.now_text)
    state.orders[order.pay_ord_id] = order
    call.psn_no = psn_no
    return {"data": {"payOrdId": order.pay_ord_id, "payToken": order.pay_token, "mdtrtId": order.mdtrt_id,
                     "extData": None}}


def pay(call: Call) -> dict:
    data = call.node("data")
    order = _order(call, data)
    if order.status != CREATED:
        refuse(f"订单[{order.pay_ord_id}]状态为{LABELS[order.status]}，不能支付")
    for name, expected in (("mdtrtId", order.mdtrt_id), ("chrgBchno", order.chrg_bchno)):
        if text(data.get(name)) != expected:
            refuse(f"{name}[{text(data.get(name))}]与订单[{order.pay_ord_id}]不符")
    account = call.state.persons[order.psn_no].account(order.insutype)
    year, state = call.now.year, call.state
    result = compute(call.policy.rule(order.insutype), order.splits, account.balc,
                     state.used(state.dedc_used, order.psn_no, order.insutype, year),
                     state.used(state.pool_used, order.psn_no, order.insutype, year),
                     text(data.get("acctUsedFlag")) != "0")  # the centre uses the account unless told not to
    order.result, order.year = result, year
    _book(call, order, +1)
    order.status, order.ord_stas, order.setl_id = PAID, SETTLED, state.ids.setl_id()
    order.org_biz_ser, order.pay_time = text(data.get("orgBizSer")), call.now.strftime("%Y%m%d%H%M%S")
    return {"data": _amounts(order)}


def _book(call: Call, order: PayOrder, sign: int) -> None:
    """Book (+1) or give back (-1) the insurance part: account balance and the yearly totals."""
    r, state = order.result, call.state
    account = state.persons[order.psn_no].account(order.insutype)
    account.balc = money(account.balc - sign * r.acct_pay)
    state.add_used(state.dedc_used, order.psn_no, order.insutype, order.year, sign * r.act_pay_dedc)
    state.add_used(state.pool_used, order.psn_no, order.insutype, order.year, sign * r.hifp_pay)


def _amounts(order: PayOrder) -> dict:
    r = order.result
    return {"payOrdId": order.pay_ord_id, "ordStas": order.ord_stas, "feeSumamt": order.total,
            "ownPayAmt": r.psn_cash_pay if r else None, "psnAcctPay": r.acct_pay if r else None,
            "fundPay": r.fund_pay_sumamt if r else None, "othFeeAmt": ZERO if r else None,
            "hospPartAmt": ZERO if r else None, "deposit": None, "delvFee": None, "extData": None}


# ---- 6203 / 6401 --------------------------------------------------------------------------

def refund(call: Call) -> dict:
    data = call.node("data")
    order = _order(call, data, token_required=False)
    ec_token, auth = text(data.get("ecToken")), text(data.get("payAuthNo"))
    if bool(ec_token) == bool(auth):
        refuse("ecToken与payAuthNo必须且只能传一个")
    if ec_token and ec_token != call.state.persons[order.psn_no].ec_token:
        refuse("电子凭证令牌与订单人员不符")
    sn, kind = text(data.get("appRefdSn")), text(data.get("refdType"))
    if kind not in ("ALL", "HI", "CASH"):
        refuse(f"退款类型[{kind}]无效，应为ALL/HI/CASH")
    fund, acct, cash = (_amount(data, n) for n in ("fundRefdAmt", "psnAcctRefdAmt", "cashRefdAmt"))
    if fund + acct + cash != _amount(data, "totlRefdAmt"):
        refuse(f"退款总金额[{_amount(data, 'totlRefdAmt')}]不等于各部分之和[{fund + acct + cash}]")
    earlier = order.refunds.get(sn)
    if earlier is not None:
        if (earlier.refd_type, earlier.fund, earlier.acct, earlier.cash) != (kind, fund, acct, cash):
            refuse(f"退款流水号[{sn}]已使用，且与原退款内容不同")
        return {"data": {"refStatus": earlier.status, "appRefdSn": sn}}
    if order.status != PAID:
        refuse(f"订单[{order.pay_ord_id}]状态为{LABELS[order.status]}，不能退费")
    if not (len(text(data.get("appRefdTime"))) == 14 and text(data.get("appRefdTime")).isdigit()):
        refuse("退款时间appRefdTime格式应为yyyyMMddHHmmss")
    r = order.result
    left = {"fund": r.fund_pay_sumamt - order.refunded("fund"), "acct": r.acct_pay - order.refunded("acct"),
            "cash": r.psn_cash_pay - order.refunded("cash")}
    asked = {"fund": fund, "acct": acct, "cash": cash}
    if any(v < ZERO for v in asked.values()) or any(asked[k] > left[k] for k in asked):
        refuse(f"退款金额超过可退金额（可退：统筹{left['fund']}，个账{left['acct']}，现金{left['cash']}）")
    if kind == "ALL" and asked != left:
        refuse("全额退款(ALL)须退还全部剩余金额")
    if kind == "HI" and (cash != ZERO or (fund, acct) != (left["fund"], left["acct"]) or fund + acct == ZERO):
        refuse("医保退款(HI)须退还全部医保支付部分且不含现金")
    if kind == "CASH" and (fund != ZERO or acct != ZERO or cash == ZERO):
        refuse("现金退款(CASH)只能退现金部分")
    if fund + acct > ZERO:
        _book(call, order, -1)
    order.refunds[sn] = Refund(sn, kind, fund, acct, cash)
    _after_refund(order)
    return {"data": {"refStatus": "SUCC", "appRefdSn": sn}}


def _after_refund(order: PayOrder) -> None:
    r = order.result
    hi_back = order.refunded("fund") + order.refunded("acct") == r.fund_pay_sumamt + r.acct_pay
    cash_back = order.refunded("cash")
    if hi_back and cash_back == r.psn_cash_pay:
        order.status, order.ord_stas = REFUNDED, ALL_REFUNDED
    elif hi_back:
        order.ord_stas = HI_CASH_PART_REFUNDED if cash_back > ZERO else HI_REFUNDED
    else:
        order.ord_stas = CASH_REFUNDED if cash_back == r.psn_cash_pay else CASH_PART_REFUNDED


def revoke(call: Call) -> dict:
    order = _order(call, call.node("data"))
    if order.status != CREATED:
        refuse(f"订单[{order.pay_ord_id}]状态为{LABELS[order.status]}，不能撤销费用明细" +
               ("，请办理退费" if order.status == PAID else ""))
    order.status, order.ord_stas = REVOKED, CANCELLED
    return {"data": {"success": "true", "message": "撤销成功"}}


# ---- 6301 / 6204 / 6302 -------------------------------------------------------------------

def query(call: Call) -> dict:
    order = _order(call, call.node("data"))
    out = _amounts(order)
    r = order.result
    setl = None if r is None else encode_json({k: text(v) for k, v in {
        "setlId": order.setl_id, "mdtrtId": order.mdtrt_id, "psnNo": order.psn_no, "insutype": order.insutype,
        "medfeeSumamt": r.medfee_sumamt, "fulamtOwnpayAmt": r.fulamt_ownpay_amt, "overlmtSelfpay": r.overlmt_selfpay,
        "preselfpayAmt": r.preselfpay_amt, "inscpScpAmt": r.inscp_scp_amt, "actPayDedc": r.act_pay_dedc,
        "hifpPay": r.hifp_pay, "fundPaySumamt": r.fund_pay_sumamt, "acctPay": r.acct_pay,
        "psnCashPay": r.psn_cash_pay, "setlTime": order.pay_time}.items()})
    for name in ("othFeeAmt", "hospPartAmt"):  # 6202 fields 6301 does not declare
        out.pop(name)
    out.update(setlType=None, callType=None, medOrgOrd=order.med_org_ord, traceTime=order.pay_time or None,
               revsToken=None, setlInfo=setl)
    return {"data": out}


def notification(call: Call) -> dict:
    data = call.node("data")
    pay_ord_id = text(data.get("payOrdId"))
    if pay_ord_id and pay_ord_id not in _state(call).orders:
        refuse(f"支付订单号[{pay_ord_id}]不存在")
    _state(call).notifications.append((call.request.infno, dict(data)))
    return {}


HANDLERS = {"6101": parse_qr_code, "6201": upload_fees, "6202": pay, "6203": refund, "6204": notification,
            "6301": query, "6302": notification, "6401": revoke}
