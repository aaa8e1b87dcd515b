"""The figures an application declares, summed from our settlements of the period."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.money import ZERO

# the platform's names (3202a / 3203a / 1608 data), in the order a form prints them
FIGURE_LABELS = {"medfee_sumamt": "医疗费总额", "med_sumfee": "医保认可费用总额", "fund_appy_sum": "基金申报总额",
                 "cash_payamt": "现金支付金额", "acct_pay": "个人账户支出", "psntime": "清算人次"}


@dataclass(frozen=True)
class ClearingRow:
    """One settlement of ours as the platform's ledger counts it (a negative one: refund)."""

    setl_id: str
    setl_time: datetime
    clr_type: str
    clr_optins: str  # the insured area's agency: the hospital's own region for a local person
    medfee_sumamt: Decimal = ZERO
    inscp_scp_amt: Decimal = ZERO  # 符合政策范围金额: what the application calls 医保认可费用总额
    fund_pay_sumamt: Decimal = ZERO
    psn_cash_pay: Decimal = ZERO
    acct_pay: Decimal = ZERO
    refund: bool = False


@dataclass(frozen=True)
class ClearingFigures:
    medfee_sumamt: Decimal = ZERO
    med_sumfee: Decimal = ZERO
    fund_appy_sum: Decimal = ZERO
    cash_payamt: Decimal = ZERO
    acct_pay: Decimal = ZERO
    psntime: int = 0  # originals minus negatives: the 人次 paid for
    rows: int = 0  # settlements counted, negatives included
    refunds: int = 0  # of which negative settlements

    def amounts(self) -> dict[str, Decimal]:
        return {n: getattr(self, n) for n in FIGURE_LABELS if n != "psntime"}


def figures_of(rows: Iterable[ClearingRow]) -> ClearingFigures:
    sums = dict.fromkeys(("medfee_sumamt", "inscp_scp_amt", "fund_pay_sumamt", "psn_cash_pay", "acct_pay"), ZERO)
    count = refunds = 0
    for r in rows:
        for name in sums:
            sums[name] += getattr(r, name)
        count += 1
        refunds += r.refund
    return ClearingFigures(medfee_sumamt=sums["medfee_sumamt"], med_sumfee=sums["inscp_scp_amt"],
                           fund_appy_sum=sums["fund_pay_sumamt"], cash_payamt=sums["psn_cash_pay"],
                           acct_pay=sums["acct_pay"], psntime=count - 2 * refunds, rows=count, refunds=refunds)


def select_rows(rows: Iterable[ClearingRow], clr_type: str, remote: bool, clr_optins: str,
                home_admdvs: str) -> list[ClearingRow]:
    """The rows an application covers: its 清算类别; local ones whose agency is the application's,
    or (异地) those of persons insured outside the hospital's region."""
    return [r for r in rows if r.clr_type == clr_type
            and (r.clr_optins != home_admdvs if remote else r.clr_optins == clr_optins)]
