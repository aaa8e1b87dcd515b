"""What the list methods (ListVisits, ListAuditEvents) read alike: page size and a time range.
Each adds its violations to the caller's list, so a request's every bad field is reported at once."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from services.grpc import mappers as m

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(request, violations: list[FieldViolation]) -> int:
    """The request's page_size: 0 means the default, more than the maximum means the maximum."""
    if request.page_size < 0:
        violations.append(FieldViolation("page_size", "must not be negative"))
    return min(request.page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def time_range(request, start: str, before: str, zone: ZoneInfo,
               violations: list[FieldViolation]) -> tuple[datetime | None, datetime | None]:
    """The half-open range [start, before) of two optional Timestamp fields, as local wall time."""
    times: dict[str, datetime | None] = {}
    for name in (start, before):
        try:
            times[name] = m.optional_time(request, name, zone)
        except ValidationFailed as exc:
            violations += exc.violations
            times[name] = None
    if times[start] is not None and times[before] is not None and times[before] <= times[start]:
        violations.append(FieldViolation(before, f"must be later than {start}"))
    return times[start], times[before]
