"""Whether a period's data is reconciled enough to clear: every day covered by a reconciliation run
that started after the day's last settlement and whose every 3201 total agreed with the platform
(BALANCED, or UNBALANCED only by worklist entries since worked off), and no entry of the period still
open on the 单边账 worklist."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.clearing.figures import ClearingRow
from domain.clearing.period import ClearingPeriod


@dataclass(frozen=True)
class ReconciledSpan:
    """A finished reconciliation run as clearing reads it."""

    run_id: str
    first_day: date
    last_day: date
    started_at: datetime
    totals_agreed: bool  # every 3201 line balanced (and none failed)


def unreconciled(period: ClearingPeriod, rows: Iterable[ClearingRow], runs: Iterable[ReconciledSpan],
                 open_entries: Iterable[tuple[str, datetime | None]]) -> list[str]:
    """What stops the period from being cleared, in words (empty: nothing)."""
    last_settled: dict[date, datetime] = {}
    for r in rows:
        day = r.setl_time.date()
        last_settled[day] = max(last_settled.get(day, r.setl_time), r.setl_time)
    runs = [s for s in runs if s.totals_agreed]
    missing = []
    for day in period.days():
        after = last_settled.get(day)
        if not any(s.first_day <= day <= s.last_day and (after is None or s.started_at >= after) for s in runs):
            missing.append(day)
    problems = []
    if missing:
        problems.append("no reconciliation run whose totals agreed after the day's last settlement on "
                        + ", ".join(_days(missing)))
    entries = list(open_entries)
    if entries:
        ids = ", ".join(e for e, _ in entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
        days = sorted({t.date() for _, t in entries if t is not None})
        problems.append(f"{len(entries)} open 单边账 worklist entries ({ids})"
                        + (f" on {', '.join(_days(days))}" if days else ""))
    return problems


def _days(days: list[date]) -> list[str]:
    """Consecutive days written as a range."""
    spans: list[list[date]] = []
    for day in days:
        if spans and (day - spans[-1][1]).days == 1:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [str(a) if a == b else f"{a}..{b}" for a, b in spans]
