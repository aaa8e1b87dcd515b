"""A clearing period: a whole month, or days inside one month, all of them past."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import FieldViolation, ValidationFailed
from domain.text import excerpt


@dataclass(frozen=True)
class ClearingPeriod:
    first_day: date
    last_day: date

    @property
    def month(self) -> str:
        """清算年月 (setlym): yyyyMM."""
        return f"{self.first_day:%Y%m}"

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]

    def overlaps(self, other: ClearingPeriod) -> bool:
        return self.first_day <= other.last_day and other.first_day <= self.last_day

    def __str__(self) -> str:
        return f"{self.first_day}..{self.last_day}"


def parse_period(month: str, first: date | None, last: date | None, today: date) -> ClearingPeriod:
    """A month ("2030-01" or "203001") or a first / last day (no last: the month's end). Refused
    (field errors) when both or neither are given, when it runs backwards, spans months, or has not
    ended before today."""
    problems = []
    if month.strip():
        if first or last:
            problems.append(FieldViolation("month", "give a month or first_day/last_day, not both"))
        digits = month.strip().replace("-", "")
        try:
            first = date(int(digits[:4]), int(digits[4:]), 1) if len(digits) == 6 and digits.isdigit() else None
        except ValueError:
            first = None
        if first is None:
            raise ValidationFailed([FieldViolation("month", f"{excerpt(month)} is not a month (YYYY-MM)")])
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    elif first is None:
        raise ValidationFailed([FieldViolation("month", "give a month or a first_day")])
    else:
        last = last or first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if last < first:
            problems.append(FieldViolation("last_day", f"{last} is before first_day {first}"))
        elif (last.year, last.month) != (first.year, first.month):
            problems.append(FieldViolation("last_day", "a clearing period lies inside one month"))
    if not problems and last >= today:
        problems.append(FieldViolation("last_day" if not month.strip() else "month",
                                       f"the period ends {last}: only a period that ended before today ({today}) "
                                       "can be cleared"))
    if problems:
        raise ValidationFailed(problems)
    return ClearingPeriod(first, last)
