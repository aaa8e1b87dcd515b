"""What settlement reports need from outside: the stored settlements' figures (aggregated where they
are kept, detail rows streamed in chunks) and the files a report is written as."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO, Protocol

from domain.reports import DailySeries, DetailRow, ReportQuery, Summary, SummaryRow

FORMATS = ("xlsx", "csv")


class SettlementFigures(Protocol):
    def summary(self, query: ReportQuery) -> list[SummaryRow]:
        """One row per group of query.group_by and standing, within the period and filters, ordered by
        the group's codes then standing. Amounts are exact sums (a fund no settlement gave: 0)."""

    def details(self, query: ReportQuery, after: tuple[datetime, str] | None = None,
                limit: int | None = None) -> Iterator[DetailRow]:
        """The settlements of the period and filters ordered by (setl_time, setl_id), after `after` (the
        last row of the previous page), at most `limit` (all when None). Read in chunks: the whole period
        never sits in memory. The iterator holds a database connection until exhausted or closed."""


class ReportFiles(Protocol):
    def write_summary(self, summary: Summary, daily: DailySeries | None, fmt: str, out: BinaryIO,
                      title: str) -> None:
        """The summary (and, with `daily`, the day-by-day sheet and its charts) as `fmt` into `out`."""

    def write_details(self, query: ReportQuery, rows: Iterable[DetailRow], fmt: str, out: BinaryIO,
                      title: str, generated_at: datetime) -> int:
        """The detail rows, consumed one by one (constant memory), as `fmt` into `out`; returns how many."""
