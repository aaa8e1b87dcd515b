"""Settlement reports as CSV: UTF-8 with a byte-order mark, so Excel opens the Chinese headers right;
amounts as exact decimal text. The header row first (no title line: a CSV is a table), the totals
rows last, each starting with 合计."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from domain.reports import (DETAIL_HEADERS, FUNDS, DetailRow, RunningTotals, Summary, detail_cells, summary_cells,
                            summary_headers)


def _writer(out: BinaryIO) -> tuple[io.TextIOWrapper, object]:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    return text, csv.writer(text, lineterminator="\r\n")


def _totals(writer, running: RunningTotals, width: int, label_col: int, counted: bool) -> None:
    """`counted`: the column before the amounts is 笔数 (else the count is written as N笔)."""
    for total in running.totals():
        cells = [""] * width
        cells[0], cells[label_col] = "合计", total.label
        count_col = width - len(FUNDS) - 1
        cells[count_col] = str(total.count) if counted else f"{total.count}笔"
        cells[width - len(FUNDS):] = [str(a) for a in total.amounts]
        writer.writerow(cells)


def _done(text: io.TextIOWrapper) -> None:
    text.flush()
    text.detach()  # the caller's stream stays open


def write_summary(summary: Summary, out: BinaryIO) -> None:
    text, writer = _writer(out)
    headers = summary_headers(summary.query)
    writer.writerow(headers)
    running = RunningTotals()
    for row in summary.rows:
        writer.writerow(_text(summary_cells(summary.query, row)))
        running.add(row.standing, row.count, row.amounts)
    _totals(writer, running, len(headers), headers.index("状态"), counted=True)
    _done(text)


def write_details(rows: Iterable[DetailRow], out: BinaryIO) -> int:
    text, writer = _writer(out)
    writer.writerow(DETAIL_HEADERS)
    running, count = RunningTotals(), 0
    for row in rows:
        writer.writerow(_text(detail_cells(row)))
        running.add(row.standing, 1, row.amounts)
        count += 1
    _totals(writer, running, len(DETAIL_HEADERS), DETAIL_HEADERS.index("状态"), counted=False)
    _done(text)
    return count


def _text(cells: tuple) -> list[str]:
    return [value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value) for value in cells]
