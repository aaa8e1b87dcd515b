"""The settlement arithmetic, pure: fee rows in, the fund / person split out (see policy.toml)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.yb_sim.demo_items import DemoItem
from adapters.yb_sim.policy import InsutypeRule
from domain.money import ZERO, money, quantize


@dataclass(frozen=True)
class FeeSplit:
    fulamt_ownpay_amt: Decimal
    overlmt_amt: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal


def split_fee(item: DemoItem, amount: Decimal, cnt: Decimal, pric: Decimal) -> FeeSplit:
    """How much of one row is 全自费, 超限价, 先行自付 and in scope."""
    amount = money(amount)
    fulamt = amount if item.chrgitm_lv == "03" else ZERO
    overlmt = ZERO
    ceiling = item.pric_uplmt_amt
    if fulamt == ZERO and ceiling is not None and pric > ceiling:
        overlmt = min(money((pric - ceiling) * cnt), amount)
    preselfpay = ZERO
    if item.chrgitm_lv == "02":
        preselfpay = money((amount - fulamt - overlmt) * item.selfpay_prop)
    inscp = amount - fulamt - overlmt - preselfpay
    return FeeSplit(fulamt, overlmt, preselfpay, inscp)


@dataclass(frozen=True)
class Computation:
    medfee_sumamt: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_selfpay: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    act_pay_dedc: Decimal
    hifp_pay: Decimal
    fund_pay_sumamt: Decimal
    psn_part_amt: Decimal
    acct_pay: Decimal
    psn_cash_pay: Decimal
    balc: Decimal  # account balance after this settlement
    pool_prop_selfpay: Decimal
    cap_left: Decimal | None  # what the pool could still pay this year before this settlement


def compute(rule: InsutypeRule, splits: list[tuple[Decimal, FeeSplit]], balance: Decimal,
            dedc_used: Decimal, pool_used: Decimal, use_account: bool) -> Computation:
    """`splits`: (det_item_fee_sumamt, split) per row; the *_used amounts are this calendar year's."""
    medfee = sum((money(a) for a, _ in splits), ZERO)
    fulamt = sum((s.fulamt_ownpay_amt for _, s in splits), ZERO)
    overlmt = sum((s.overlmt_amt for _, s in splits), ZERO)
    preselfpay = sum((s.preselfpay_amt for _, s in splits), ZERO)
    inscp = sum((s.inscp_scp_amt for _, s in splits), ZERO)

    dedc = min(inscp, max(rule.deductible - dedc_used, ZERO))
    hifp = money((inscp - dedc) * rule.ratio)
    cap_left = None
    if rule.annual_cap is not None:
        cap_left = max(rule.annual_cap - pool_used, ZERO)
        hifp = min(hifp, cap_left)
    fund = hifp  # the simulator has no 大病 / 补助 funds: the pool is the only fund
    psn_part = medfee - fund
    acct = min(psn_part, max(balance, ZERO)) if use_account and rule.account_allowed else ZERO
    cash = psn_part - acct
    result = Computation(
        medfee_sumamt=medfee, fulamt_ownpay_amt=fulamt, overlmt_selfpay=overlmt, preselfpay_amt=preselfpay,
        inscp_scp_amt=inscp, act_pay_dedc=dedc, hifp_pay=hifp, fund_pay_sumamt=fund, psn_part_amt=psn_part,
        acct_pay=acct, psn_cash_pay=cash, balc=money(balance - acct),
        pool_prop_selfpay=quantize(Decimal(1) - rule.ratio, 4), cap_left=cap_left)
    _check(result)
    return result


def _check(c: Computation) -> None:
    # The platform's own invariants; breaking one is a simulator bug, never a caller's fault.
    if c.fund_pay_sumamt + c.psn_part_amt != c.medfee_sumamt:
        raise AssertionError(f"fund {c.fund_pay_sumamt} + person {c.psn_part_amt} != total {c.medfee_sumamt}")
    if c.acct_pay + c.psn_cash_pay != c.psn_part_amt:
        raise AssertionError(f"account {c.acct_pay} + cash {c.psn_cash_pay} != person {c.psn_part_amt}")
    if c.fulamt_ownpay_amt + c.overlmt_selfpay + c.preselfpay_amt + c.inscp_scp_amt != c.medfee_sumamt:
        raise AssertionError("fee split does not add up to the total")
