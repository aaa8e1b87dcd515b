"""Settlement reports for the 医保办: summaries, detail lists and their files (xlsx / CSV).

Thin use cases over ports.reports: the figures are aggregated where they are stored, the files written
by an adapter; this layer checks what was asked, adds the day-by-day series a workbook of more than
one day charts, and hands out files in chunks without holding them whole in memory.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import BinaryIO

from domain.errors import FieldViolation, ValidationFailed
from domain.reports import (DailySeries, DetailRow, Dimension, ReportQuery, Summary, code_name, daily_series)
from domain.text import excerpt
from ports.clock import Clock
from ports.reports import FORMATS, ReportFiles, SettlementFigures

KINDS = ("summary", "detail")
MAX_PAGE = 1000
CHUNK_BYTES = 64 * 1024  # file chunks of an export stream: well under gRPC's 4 MB message limit


class ReportService:
    def __init__(self, figures: SettlementFigures, files: ReportFiles, clock: Clock, hospital_name: str = ""):
        self.figures, self.files, self.clock, self.hospital_name = figures, files, clock, hospital_name

    def summary(self, query: ReportQuery) -> Summary:
        return Summary(query, self.figures.summary(query), self.clock.now())

    def daily(self, query: ReportQuery) -> DailySeries:
        """Each day of the period: 医疗费总额 by 险种 and each charted fund (net of cancellations)."""
        by_day = replace(query, group_by=(Dimension.DAY, Dimension.INSUTYPE))
        days = [query.period.start + timedelta(days=i) for i in range(query.period.days)]
        return daily_series(days, self.figures.summary(by_day))

    def details(self, query: ReportQuery, after: tuple[datetime, str] | None = None,
                limit: int = 100) -> list[DetailRow]:
        """One page of the detail list; the next one starts after the last row's (setl_time, setl_id)."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationFailed([FieldViolation("page_size", f"must be 1-{MAX_PAGE}, not {limit}")])
        return list(self.figures.details(query, after=after, limit=limit))

    def title(self, query: ReportQuery, kind: str) -> str:
        what = "医保结算汇总表" if kind == "summary" else "医保结算明细表"
        filters = "，".join(f"{name}={_shown(name, value)}" for name, value in query.filter_values().items())
        head = f"{self.hospital_name} {what}" if self.hospital_name else what
        return f"{head} {query.period.label}" + (f"（{filters}）" if filters else "")

    def export(self, query: ReportQuery, kind: str, fmt: str, out: BinaryIO) -> int:
        """The report as a file into `out`; returns how many rows it holds (groups, or settlements)."""
        check_export(kind, fmt)
        title = self.title(query, kind)
        if kind == "summary":
            summary = self.summary(query)
            daily = self.daily(query) if fmt == "xlsx" and query.period.days > 1 else None
            self.files.write_summary(summary, daily, fmt, out, title)
            return len(summary.rows)
        rows = self.figures.details(query)
        try:
            return self.files.write_details(query, rows, fmt, out, title, self.clock.now())
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # hands the connection back even when the writer failed half-way

    def export_chunks(self, query: ReportQuery, kind: str, fmt: str, chunk: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The file of export() in chunks: written to a temporary file first (an xlsx is a zip, complete
        only at its end), then read back piece by piece. Bad input fails before the first chunk."""
        check_export(kind, fmt)
        with tempfile.TemporaryFile() as spool:
            self.export(query, kind, fmt, spool)
            spool.seek(0)
            while piece := spool.read(chunk):
                yield piece


def check_export(kind: str, fmt: str) -> None:
    problems = []
    if kind not in KINDS:
        problems.append(FieldViolation("kind", f"{excerpt(kind)} is not one of {', '.join(KINDS)}"))
    if fmt not in FORMATS:
        problems.append(FieldViolation("format", f"{excerpt(fmt)} is not one of {', '.join(FORMATS)}"))
    if problems:
        raise ValidationFailed(problems)


def _shown(name: str, value: str) -> str:
    dims = {"insutype": Dimension.INSUTYPE, "med_type": Dimension.MED_TYPE, "clr_type": Dimension.CLR_TYPE,
            "clr_way": Dimension.CLR_WAY, "place": Dimension.PLACE, "service": Dimension.SERVICE}
    name_of = code_name(dims[name], value) if name in dims else ""
    return f"{value} {name_of}" if name_of and name not in ("place", "service") else (name_of or value)
