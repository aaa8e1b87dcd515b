"""Settlement reports as xlsx workbooks.

XlsxWriter rather than openpyxl's write_only mode: with constant_memory it writes each row to a
temporary file as soon as the next row starts (strings inline, no shared-string table), so a month of
a million settlements costs the memory of one row; it is maintained, needs no lxml for speed, and draws
the charts the monthly workbook needs in the same mode. The price of the mode: rows are written
strictly top to bottom, so totals are added up while rows stream and written last.

Layout: a title row, the header row (frozen, with an autofilter), the rows, the totals rows (each
standing apart, then the net figure). Amounts are numbers with two decimals (#,##0.00).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

import xlsxwriter

from domain.reports import (CHART_FUNDS, DETAIL_HEADERS, FUNDS, DailySeries, DetailRow, Dimension, RunningTotals,
                            Summary, code_name, detail_cells, summary_cells, summary_headers)

_FUND_LABELS = dict(FUNDS)
_HEADER_ROW = 1  # row 0 holds the title
_MONEY = "#,##0.00"
_TIME = "yyyy-mm-dd hh:mm:ss"
_DAY = "yyyy-mm-dd"


class _Book:
    """A workbook in constant-memory mode with the report's formats."""

    def __init__(self, out: BinaryIO, temp_dir: str | None):
        options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                   "strings_to_urls": False}
        if temp_dir:
            options["tmpdir"] = temp_dir
        self.book = xlsxwriter.Workbook(out, options)
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
        self.money = add({"num_format": _MONEY})
        self.time = add({"num_format": _TIME})
        self.day = add({"num_format": _DAY})
        self.total = add({"bold": True, "top": 1})
        self.total_money = add({"bold": True, "top": 1, "num_format": _MONEY})

    def sheet(self, name: str, title: str, headers: tuple[str, ...], widths: list[float]):
        sheet = self.book.add_worksheet(name)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.write_string(0, 0, title, self.title)
        sheet.set_row(_HEADER_ROW, 30)
        for col, text in enumerate(headers):
            sheet.write_string(_HEADER_ROW, col, text, self.header)
        sheet.freeze_panes(_HEADER_ROW + 1, 0)
        return sheet

    def cells(self, sheet, row: int, values: tuple, first_amount: int) -> None:
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                # Excel holds doubles; an amount of 2 decimals below 1e13 survives the conversion exactly
                sheet.write_number(row, col, float(value), self.money if col >= first_amount else None)
            elif isinstance(value, int):
                sheet.write_number(row, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, col, value, self.time)
            else:
                sheet.write_string(row, col, str(value))

    def totals(self, sheet, row: int, running: RunningTotals, label_col: int, count_col: int,
               amount_col: int, count_as_text: bool = False) -> int:
        """The totals rows from `row` on: 合计, what they add up (in the 状态 column), the count (a number
        under 笔数; "N笔" where the column holds other things), the amounts. Returns the next row."""
        for total in running.totals():
            sheet.write_string(row, 0, "合计", self.total)
            sheet.write_string(row, label_col, total.label, self.total)
            if count_as_text:
                sheet.write_string(row, count_col, f"{total.count}笔", self.total)
            else:
                sheet.write_number(row, count_col, total.count, self.total)
            for i, amount in enumerate(total.amounts):
                sheet.write_number(row, amount_col + i, float(amount), self.total_money)
            row += 1
        return row

    def close(self) -> None:
        self.book.close()


def write_summary(summary: Summary, daily: DailySeries | None, out: BinaryIO, title: str,
                  temp_dir: str | None = None) -> None:
    book = _Book(out, temp_dir)
    headers = summary_headers(summary.query)
    standing_col = headers.index("状态")
    sheet = book.sheet("汇总", title, headers, [14] * standing_col + [18, 8] + [14] * len(FUNDS))
    running = RunningTotals()
    row = _HEADER_ROW + 1
    for item in summary.rows:
        book.cells(sheet, row, summary_cells(summary.query, item), standing_col + 2)
        running.add(item.standing, item.count, item.amounts)
        row += 1
    sheet.autofilter(_HEADER_ROW, 0, max(row - 1, _HEADER_ROW), len(headers) - 1)
    book.totals(sheet, row, running, standing_col, standing_col + 1, standing_col + 2)
    if daily is not None:
        _daily_sheet(book, daily, title)
    book.close()


def _daily_sheet(book: _Book, daily: DailySeries, title: str) -> None:
    """The days of the period, 医疗费总额 by 险种 and each fund, and a chart of each."""
    insutype_headers = [f"{code} {code_name(Dimension.INSUTYPE, code)}".strip() for code in daily.insutypes]
    headers = ("结算日期", *insutype_headers, *(_FUND_LABELS[f] for f in CHART_FUNDS))
    sheet = book.sheet("每日", f"{title} 每日金额", headers, [12] + [16] * (len(headers) - 1))
    first = _HEADER_ROW + 1
    for i, day in enumerate(daily.days):
        row = first + i
        sheet.write_datetime(row, 0, datetime(day.year, day.month, day.day), book.day)
        values = [*(daily.by_insutype[c][i] for c in daily.insutypes), *(daily.by_fund[f][i] for f in CHART_FUNDS)]
        for col, value in enumerate(values, start=1):
            sheet.write_number(row, col, float(value), book.money)
    last = first + len(daily.days) - 1
    name = sheet.get_name()

    def chart(chart_title: str, columns: range, at: str) -> None:
        figure = book.book.add_chart({"type": "column", "subtype": "stacked"})
        for col in columns:
            figure.add_series({"name": [name, _HEADER_ROW, col], "categories": [name, first, 0, last, 0],
                               "values": [name, first, col, last, col]})
        figure.set_title({"name": chart_title})
        figure.set_x_axis({"name": "结算日期", "date_axis": True, "num_format": "mm-dd"})
        figure.set_y_axis({"name": "金额(元)", "num_format": _MONEY})
        figure.set_size({"width": 960, "height": 360})
        sheet.insert_chart(at, figure)

    chart_col = xlsxwriter.utility.xl_col_to_name(len(headers) + 1)
    if daily.insutypes:
        chart("每日医疗费总额(按险种)", range(1, 1 + len(daily.insutypes)), f"{chart_col}3")
    chart("每日基金及个人支付(按基金)", range(1 + len(daily.insutypes), len(headers)), f"{chart_col}22")


def write_details(rows: Iterable[DetailRow], out: BinaryIO, title: str, generated_at: datetime,
                  temp_dir: str | None = None) -> int:
    book = _Book(out, temp_dir)
    first_amount = len(DETAIL_HEADERS) - len(FUNDS)
    widths = [22, 20, 8, 18, 22, 18, 10, 8, 8, 8, 8, 10, 8, 12, 14, 12, 10, 16, 22] + [13] * len(FUNDS)
    sheet = book.sheet("明细", f"{title}（生成于 {generated_at:%Y-%m-%d %H:%M:%S}）", DETAIL_HEADERS, widths)
    running = RunningTotals()
    row = _HEADER_ROW + 1
    count = 0
    for item in rows:
        book.cells(sheet, row, detail_cells(item), first_amount)
        running.add(item.standing, 1, item.amounts)
        row += 1
        count += 1
    sheet.autofilter(_HEADER_ROW, 0, max(row - 1, _HEADER_ROW), len(DETAIL_HEADERS) - 1)
    book.totals(sheet, row, running, DETAIL_HEADERS.index("状态"), first_amount - 1, first_amount,
                count_as_text=True)
    book.close()
    return count
