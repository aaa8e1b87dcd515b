"""The platform's settlement ledger as reconciliation and clearing read it (no handlers here).

Every settlement the platform issued is one ledger row: an original (2207) books its amounts
positively, the negative settlement a 2208 leaves books the same amounts negatively on the day of
the cancellation. A settlement undone by 2601 never happened and has no row.

退费结算标志 (refd_setl_flag) decides which rows a period holds:
  "0" 不含退费: only settlements still in force (originals neither cancelled nor reversed);
  "1" 含退费:   every row of the period, originals (cancelled ones too) and negatives; the amounts
               net out, the count counts rows (a refunded pair is two rows, as in the 3202 file).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from adapters.yb_sim.handlers.common import TIME, refuse, text
from adapters.yb_sim.state import ACTIVE, REVERSED, SimState, Settlement
from domain.money import ZERO

REFUND_FLAGS = ("0", "1")


@dataclass(frozen=True)
class Row:
    s: Settlement
    day: date
    refund: bool  # a negative (cancelling) settlement

    def amount(self, name: str) -> Decimal:
        return self.s.setlinfo.get(name, ZERO)

    @property
    def clr_optins(self) -> str:
        return text(self.s.setlinfo.get("clr_optins"))

    @property
    def flag(self) -> str:
        return "1" if self.refund else "0"


@dataclass(frozen=True)
class Totals:
    medfee_sumamt: Decimal = ZERO
    fund_pay_sumamt: Decimal = ZERO
    acct_pay: Decimal = ZERO
    psn_cash_pay: Decimal = ZERO
    inscp_scp_amt: Decimal = ZERO
    rows: int = 0
    net_count: int = 0  # originals minus negatives: the 人次 a clearing pays for

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Totals:
        rows = list(rows)
        sums = {n: sum((r.amount(n) for r in rows), ZERO)
                for n in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay", "inscp_scp_amt")}
        return cls(**sums, rows=len(rows), net_count=sum(-1 if r.refund else 1 for r in rows))


LABELS = {"medfee_sumamt": "医疗费总额", "fund_pay_sumamt": "基金支付总额", "acct_pay": "个人账户支付金额",
          "psn_cash_pay": "现金支付金额", "inscp_scp_amt": "医保认可费用总额"}


def day_of(s: Settlement) -> date | None:
    when = text(s.setlinfo.get("setl_time"))
    if len(when) != 19 or when[10] != " ":  # yyyy-MM-dd HH:mm:ss (TIME); fromisoformat: a day of 20,000 rows
        return None
    try:
        return datetime.fromisoformat(when).date()
    except ValueError:
        return None  # no usable time: it cannot belong to any period


def period(begin: object, end: object) -> tuple[date, date]:
    """The inclusive date range of a request; refused when it runs backwards."""
    first, last = (date.fromisoformat(text(v)[:10]) for v in (begin, end))
    if first > last:
        refuse(f"开始日期[{first}]不能晚于结束日期[{last}]")
    return first, last


def refund_flag(value: object) -> str:
    flag = text(value)
    if flag not in REFUND_FLAGS:
        refuse(f"退费结算标志[{flag}]无效，应为0（不含退费）或1（含退费）")
    return flag


def ledger(state: SimState, first: date, last: date, flag: str = "1", *, clr_type: str = "",
           insutype: str = "", optins: str = "") -> list[Row]:
    """The rows of a period, in issue order; empty filters match everything."""
    rows = []
    for s in state.settlements.values():
        if s.state == REVERSED:
            continue
        refund = bool(s.origin_setl_id)
        if flag == "0" and (refund or s.state != ACTIVE):
            continue
        day = day_of(s)
        if day is None or not first <= day <= last:
            continue
        info = s.setlinfo
        if (clr_type and text(info.get("clr_type")) != clr_type) or (insutype and s.insutype != insutype) \
                or (optins and text(info.get("clr_optins")) != optins):
            continue
        rows.append(Row(s, day, refund))
    return rows


def differences(ours: dict, theirs: dict, names: Iterable[str], labels: dict | None = None) -> list[str]:
    """'医疗费总额不符：医药机构[..]，中心[..]' for each figure that differs."""
    labels = {**LABELS, **(labels or {})}
    return [f"{labels.get(n, n)}不符：医药机构[{theirs[n]}]，中心[{ours[n]}]"
            for n in names if ours[n] != theirs[n]]
