from datetime import date, datetime

import pytest

from domain.platform_time import parse_date, parse_datetime


def test_platform_times_are_read():
    assert parse_datetime("2024-02-29 08:05:09") == datetime(2024, 2, 29, 8, 5, 9)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text", [
    "2023-02-29 10:00:00",  # no such day
    "2024-01-01 24:00:00",  # no such hour
    "2024-01-01 10:00:60",
    "2024-01-01T10:00:00",  # ISO, but not the platform's shape
    "2024-1-01 10:00:00",  # strptime would take it; the platform's format has two digits
    "2024-01-01 10:00:00\n",
    "２０２４-01-01 10:00:00",  # full-width digits
    "0000-01-01 00:00:00",
    "2024-01-01",
    "",
])
def test_anything_else_is_not_a_platform_time(text):
    assert parse_datetime(text) is None


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-01-01 00:00:00", "20240101", "2024-01-1"])
def test_anything_else_is_not_a_platform_date(text):
    assert parse_date(text) is None
