"""ports.reports.ReportFiles: settlement reports as xlsx (XlsxWriter) and CSV (UTF-8 with BOM)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from adapters.report_files import csv_file, xlsx
from domain.reports import DailySeries, DetailRow, ReportQuery, Summary


class SpreadsheetReportFiles:
    def __init__(self, temp_dir: str | None = None):
        self.temp_dir = temp_dir  # where the xlsx writer spills rows (None: the system's)

    def write_summary(self, summary: Summary, daily: DailySeries | None, fmt: str, out: BinaryIO,
                      title: str) -> None:
        if fmt == "xlsx":
            xlsx.write_summary(summary, daily, out, title, self.temp_dir)
        else:
            csv_file.write_summary(summary, out)

    def write_details(self, query: ReportQuery, rows: Iterable[DetailRow], fmt: str, out: BinaryIO,
                      title: str, generated_at: datetime) -> int:
        if fmt == "xlsx":
            return xlsx.write_details(rows, out, title, generated_at, self.temp_dir)
        return csv_file.write_details(rows, out)


__all__ = ["SpreadsheetReportFiles"]
