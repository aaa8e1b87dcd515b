"""What a settlement report asks for: a period of the hospital's days, the dimensions to group by and
the filters, read from text (CLI, gRPC) with every mistake named by its field.

Periods are days of the hospital's wall time (Asia/Shanghai), as settlement times are stored: a
month is [first day 00:00, first day of the next month 00:00).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from domain.errors import FieldViolation, ValidationFailed
from domain.platform_time import parse_date
from domain.text import excerpt

# The 参保地 (insuplc_admdvs) is 本地 when its city — the first 4 digits of the 6-digit 行政区划 — is the
# hospital's (mdtrtarea_admvs): a patient insured in another district of the same city settles locally.
CITY_DIGITS = 4
# A report spans at most this many days: a detail export of a longer range belongs to an archive job.
MAX_DAYS = 366


class Dimension(str, Enum):
    """What a summary may be grouped by (and a detail list filtered by)."""

    INSUTYPE = "insutype"
    MED_TYPE = "med_type"
    CLR_TYPE = "clr_type"
    CLR_WAY = "clr_way"
    PLACE = "place"  # 本地 / 异地
    DEPT = "dept"
    DOCTOR = "doctor"
    DAY = "day"
    SERVICE = "service"  # 门诊 / 住院

    @property
    def label(self) -> str:
        return _DIMENSION_LABELS[self]

    @property
    def named(self) -> bool:
        """Whether its codes have names worth a column of their own."""
        return self not in (Dimension.DAY,)


_DIMENSION_LABELS = {
    Dimension.INSUTYPE: "险种", Dimension.MED_TYPE: "医疗类别", Dimension.CLR_TYPE: "清算类别",
    Dimension.CLR_WAY: "清算方式", Dimension.PLACE: "参保地", Dimension.DEPT: "科室", Dimension.DOCTOR: "医生",
    Dimension.DAY: "结算日期", Dimension.SERVICE: "门诊/住院",
}


class Place(str, Enum):
    LOCAL = "LOCAL"
    NONLOCAL = "NONLOCAL"


class Service(str, Enum):
    OUTPATIENT = "OUTPATIENT"
    INPATIENT = "INPATIENT"


def is_local(insuplc_admdvs: str, hospital_admdvs: str) -> bool:
    """本地 or 异地 (see CITY_DIGITS). A settlement without a 参保地 counts as 本地: the platform routes
    every 异地 settlement by its 参保地, so one that names none was not routed elsewhere."""
    return not insuplc_admdvs or insuplc_admdvs[:CITY_DIGITS] == hospital_admdvs[:CITY_DIGITS]


@dataclass(frozen=True)
class Period:
    """[start, end) in the hospital's days."""

    start: date
    end: date

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day + timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, date(year + month // 12, month % 12 + 1, 1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        if self.days == 1:
            return self.start.isoformat()
        if self == Period.month(self.start.year, self.start.month):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} 至 {(self.end - timedelta(days=1)).isoformat()}"


# Filters a report may carry besides the period: name -> what it compares
FILTERS = ("insutype", "med_type", "clr_type", "clr_way", "place", "dept_code", "doctor_code", "service")


@dataclass(frozen=True)
class ReportQuery:
    period: Period
    group_by: tuple[Dimension, ...] = (Dimension.INSUTYPE,)
    # equality filters; "" (or None) matches everything
    insutype: str = ""
    med_type: str = ""
    clr_type: str = ""
    clr_way: str = ""
    dept_code: str = ""
    doctor_code: str = ""
    place: Place | None = None
    service: Service | None = None

    def filter_values(self) -> dict[str, str]:
        """The filters in force, by name (FILTERS), as text."""
        values = {name: getattr(self, name) for name in FILTERS}
        return {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items() if v}


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})\Z")


def report_query(*, day: str = "", month: str = "", start: str = "", end: str = "",
                 group_by: Sequence[str] = (), filters: Mapping[str, str] | None = None) -> ReportQuery:
    """A query from text: one of `day` (yyyy-MM-dd), `month` (yyyy-MM) or `start`..`end` (yyyy-MM-dd,
    both included); `group_by`: Dimension values (default: insutype); `filters`: FILTERS names. Raises
    ValidationFailed naming each bad field."""
    problems: list[FieldViolation] = []
    period = _period(day, month, start, end, problems)
    dims: list[Dimension] = []
    for i, name in enumerate(group_by):
        try:
            dim = Dimension(name.strip().lower())
        except ValueError:
            problems.append(FieldViolation(f"group_by[{i}]", f"unknown dimension {excerpt(name)}; one of "
                                           + ", ".join(d.value for d in Dimension)))
            continue
        if dim in dims:
            problems.append(FieldViolation(f"group_by[{i}]", f"{dim.value} is named twice"))
        dims.append(dim)
    values: dict[str, object] = {}
    for name, raw in (filters or {}).items():
        text = (raw or "").strip()
        if name not in FILTERS:
            problems.append(FieldViolation(f"filters.{name[:40]}", "unknown filter; one of " + ", ".join(FILTERS)))
        elif not text:
            continue
        elif name in ("place", "service"):
            kind = Place if name == "place" else Service
            try:
                values[name] = kind(text.upper())
            except ValueError:
                problems.append(FieldViolation(f"filters.{name}", f"{excerpt(text)} is not one of "
                                               + ", ".join(k.value for k in kind)))
        elif len(text) > 50:
            problems.append(FieldViolation(f"filters.{name}", f"{excerpt(text)} is longer than 50 characters"))
        else:
            values[name] = text
    if problems:
        raise ValidationFailed(problems)
    return ReportQuery(period=period, group_by=tuple(dims) or (Dimension.INSUTYPE,), **values)


def _period(day: str, month: str, start: str, end: str, problems: list[FieldViolation]) -> Period:
    given = [name for name, v in (("day", day), ("month", month), ("start", start or end)) if v]
    if len(given) != 1:
        problems.append(FieldViolation("period", "give exactly one of day, month, or start and end"
                                       + (f" (got {', '.join(given)})" if given else "")))
        return Period.day(date(2000, 1, 1))
    if day:
        parsed = _date(day, "day", problems)
        return Period.day(parsed) if parsed else Period.day(date(2000, 1, 1))
    if month:
        m = _MONTH.match(month.strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
            problems.append(FieldViolation("month", f"{excerpt(month)} is not yyyy-MM with a month 01-12"))
            return Period.day(date(2000, 1, 1))
        return Period.month(int(m.group(1)), int(m.group(2)))
    first, last = _date(start, "start", problems), _date(end, "end", problems)
    if first and last:
        if last < first:
            problems.append(FieldViolation("end", f"{last} is before start {first}"))
        elif (last - first).days + 1 > MAX_DAYS:
            problems.append(FieldViolation("end", f"the range spans {(last - first).days + 1} days; at most {MAX_DAYS}"))
        else:
            return Period(first, last + timedelta(days=1))
    return Period.day(date(2000, 1, 1))


def _date(text: str, name: str, problems: list[FieldViolation]) -> date | None:
    if not text:
        problems.append(FieldViolation(name, "is required"))
        return None
    parsed = parse_date(text.strip())
    if parsed is None:
        problems.append(FieldViolation(name, f"{excerpt(text)} is not a day yyyy-MM-dd"))
    return parsed
