"""The platform's time formats: 日期型 yyyy-MM-dd and 日期时间型 yyyy-MM-dd HH:mm:ss.

Parsed strictly (ASCII digits, exactly that shape, a real calendar day and time) and fast: every
request and reply carries several, and strptime costs tens of microseconds each.
"""
from __future__ import annotations

import re
from datetime import date, datetime

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z")


def parse_date(text: str) -> date | None:
    """yyyy-MM-dd -> date; None when the text has another shape or names no real day."""
    if not _DATE_SHAPE.match(text):
        return None
    try:
        return date.fromisoformat(text)  # the shape is checked above: ISO reading is exact here
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """yyyy-MM-dd HH:mm:ss -> naive datetime; None when the text has another shape or is no real time."""
    if not _DATETIME_SHAPE.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
