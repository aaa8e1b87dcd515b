"""One reconciliation run: the period, our totals per group beside the platform's 3201 answer, and
what the detail comparison found (the entries of the worklist it saw)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum

from domain.errors import FieldViolation, ValidationFailed
from domain.reconciliation.ledger import Totals

MAX_DAYS = 31  # a run reads every settlement of its period: a month at most


class RunState(str, Enum):
    RUNNING = "RUNNING"
    BALANCED = "BALANCED"  # every group's totals agreed and no detail differed
    UNBALANCED = "UNBALANCED"  # something differs: see its lines and entries
    FAILED = "FAILED"  # the run could not finish (the platform unreachable ...): see error


class Trigger(str, Enum):
    ON_DEMAND = "ON_DEMAND"
    SCHEDULED = "SCHEDULED"


@dataclass
class TotalLine:
    """One 3201: our totals of a 险种 / 清算类别 / 经办机构, and what the platform said to them."""

    insutype: str
    clr_type: str
    setl_optins: str
    ours: Totals
    stmt_rslt: str = ""  # the platform's: "0" balanced, else not
    stmt_rslt_dscr: str = ""
    error: str = ""  # the 3201 could not be made (refused, unreachable)

    @property
    def balanced(self) -> bool:
        return not self.error and self.stmt_rslt in ("0", "000000")


@dataclass
class ReconciliationRun:
    id: str
    first_day: date
    last_day: date
    trigger: Trigger
    operator_code: str
    started_at: datetime
    state: RunState = RunState.RUNNING
    finished_at: datetime | None = None
    scheduled_for: date | None = None  # a scheduled run's day: one run per day, whoever claims it
    lines: list[TotalLine] = field(default_factory=list)
    entry_ids: list[str] = field(default_factory=list)  # the worklist entries this run found
    details_compared: list[str] = field(default_factory=list)  # what was compared row by row (3202 ..., 5262)
    error: str = ""
    version: int = 0

    def finish(self, at: datetime) -> None:
        balanced = all(line.balanced for line in self.lines) and not self.entry_ids
        self.state, self.finished_at = (RunState.BALANCED if balanced else RunState.UNBALANCED), at

    def fail(self, at: datetime, error: str) -> None:
        """Could not finish; a scheduled run releases its day's claim so that a later look runs it again."""
        self.state, self.finished_at, self.error = RunState.FAILED, at, error[:2000]
        self.scheduled_for = None


def period(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The inclusive days of a run; refused (field errors) when backwards, in the future or too long.
    No first day: today; no last day: the first."""
    given_last = last is not None
    first = first or today
    last = last or first
    problems = []
    if first > today:
        problems.append(FieldViolation("first_day", f"{first} is in the future (today is {today})"))
    if last < first:
        problems.append(FieldViolation("last_day", f"{last} is before first_day {first}"))
    elif last - first > timedelta(days=MAX_DAYS - 1):
        problems.append(FieldViolation("last_day", f"a run covers at most {MAX_DAYS} days"))
    if given_last and last > today and last >= first:
        problems.append(FieldViolation("last_day", f"{last} is in the future (today is {today})"))
    if problems:
        raise ValidationFailed(problems)
    return first, last
