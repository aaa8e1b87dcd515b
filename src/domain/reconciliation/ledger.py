"""A day's (or a range's) settlements as reconciliation reads them, on either side.

One row per settlement the platform issued: an original books its amounts positively, the negative
settlement a 2208 / 2305 left books them negatively; one undone by 冲正 (2601) never happened and has
no row. This is the platform's "含退费" reading (退费结算标志 1), so a refunded pair is two rows.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.money import ZERO

# the figures 3201 / 3202 compare, in the platform's names
COMPARED = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
LABELS = {"medfee_sumamt": "医疗费总额", "fund_pay_sumamt": "基金支付总额", "acct_pay": "个人账户支出",
          "psn_cash_pay": "现金支付金额"}


@dataclass(frozen=True)
class Amounts:
    medfee_sumamt: Decimal = ZERO
    fund_pay_sumamt: Decimal = ZERO
    acct_pay: Decimal = ZERO
    psn_cash_pay: Decimal = ZERO

    def differing(self, other: Amounts) -> list[str]:
        """'医疗费总额：医药机构[..]，中心[..]' per compared figure that differs (self: ours)."""
        return [f"{LABELS[n]}：医药机构[{getattr(self, n)}]，中心[{getattr(other, n)}]"
                for n in COMPARED if getattr(self, n) != getattr(other, n)]


@dataclass(frozen=True)
class LedgerRow:
    setl_id: str
    mdtrt_id: str
    psn_no: str
    msgid: str  # medins_setl_id: the msgid of the call that made it (the platform echoes ours)
    setl_time: datetime | None
    insutype: str
    clr_type: str
    clr_optins: str  # 清算经办机构: what 3201 / 3202 call setl_optins
    amounts: Amounts
    refund: bool = False  # a negative settlement (the undoing of a 2208 / 2305)
    record_kind: str = ""  # ours: "visit" or "admission"
    record_id: str = ""
    discrepancies: tuple[str, ...] = ()  # its arithmetic that did not hold when it was recorded

    @property
    def group(self) -> tuple[str, str, str]:
        return self.insutype, self.clr_type, self.clr_optins


@dataclass(frozen=True)
class Totals:
    """What 3201 sends for one 险种 / 清算类别 / 经办机构: sums of the rows and how many there are."""

    amounts: Amounts = field(default_factory=Amounts)
    count: int = 0

    @classmethod
    def of(cls, rows: Iterable[LedgerRow]) -> Totals:
        sums = {n: ZERO for n in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")}
        count = 0
        for row in rows:
            a = row.amounts
            sums["medfee_sumamt"] += a.medfee_sumamt
            sums["fund_pay_sumamt"] += a.fund_pay_sumamt
            sums["acct_pay"] += a.acct_pay
            sums["psn_cash_pay"] += a.psn_cash_pay
            count += 1
        return cls(Amounts(**sums), count)


def by_group(rows: Iterable[LedgerRow]) -> dict[tuple[str, str, str], list[LedgerRow]]:
    """Rows per (insutype, clr_type, clr_optins), in a stable order of the groups."""
    groups: dict[tuple[str, str, str], list[LedgerRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    return dict(sorted(groups.items()))
