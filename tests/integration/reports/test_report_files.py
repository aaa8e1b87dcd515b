"""The report files of the fixed month, read back with openpyxl and the csv module."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from domain.errors import ValidationFailed
from domain.reports import report_query


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _export(app, query, kind, fmt) -> bytes:
    out = io.BytesIO()
    app.reports.export(query, kind, fmt, out)
    return out.getvalue()


def _money(cell) -> Decimal:
    return Decimal(str(cell)).quantize(Decimal("0.01"))


def test_monthly_summary_workbook(app, fixed_month):
    query = report_query(month=fixed_month.text, group_by=["insutype", "place"])
    book = _workbook(_export(app, query, "summary", "xlsx"))
    assert book.sheetnames == ["汇总", "每日"]
    sheet = book["汇总"]
    assert fixed_month.text in sheet["A1"].value and "医保结算汇总表" in sheet["A1"].value
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == ["险种", "险种名称", "参保地", "参保地名称", "状态", "笔数"]
    assert headers[6:9] == ["医疗费总额", "基金支付总额", "统筹基金支出"]
    assert {"大病保险", "大额医疗补助", "公务员医疗补助", "医疗救助", "个人账户支出", "个人账户共济", "现金支付",
            "医院负担"} <= set(headers)
    assert sheet.freeze_panes == "A3"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    body = [r for r in rows if r[0] != "合计"]
    assert [(r[0], r[2], r[4], r[5]) for r in body] == [
        ("310", "LOCAL", "正常结算", 2), ("310", "LOCAL", "已撤销(原结算)", 1),
        ("310", "LOCAL", "撤销冲销(负结算)", 1), ("310", "LOCAL", "已冲正", 1), ("390", "NONLOCAL", "正常结算", 1)]
    assert body[4][3] == "异地"
    assert _money(body[0][6]) == Decimal("350.50")
    assert _money(body[2][6]) == Decimal("-60.00")
    totals = {r[4]: r for r in rows if r[0] == "合计"}
    assert totals["合计：正常结算"][5] == 3 and _money(totals["合计：正常结算"][6]) == Decimal("430.50")
    assert _money(totals["合计：撤销冲销(负结算)"][6]) == Decimal("-60.00")
    net = next(r for label, r in totals.items() if label.startswith("净额"))
    assert net[5] == 5 and _money(net[6]) == Decimal("430.50")
    assert sheet.cell(row=3, column=7).number_format == "#,##0.00"

    daily = book["每日"]
    day_headers = [c.value for c in daily[2]]
    assert day_headers[:3] == ["结算日期", "310 职工基本医疗保险", "390 城乡居民基本医疗保险"]
    assert "统筹基金支出" in day_headers and "个人账户支出" in day_headers
    day3 = [c.value for c in daily[2 + 3]]
    assert day3[0].day == 3 and _money(day3[1]) == Decimal("350.50")
    assert len(daily._charts) == 2  # openpyxl keeps the charts it read


def test_daily_summary_workbook_has_no_chart_sheet(app, fixed_month):
    book = _workbook(_export(app, report_query(day=fixed_month.day(4)), "summary", "xlsx"))
    assert book.sheetnames == ["汇总"]


def test_detail_workbook_streams_every_settlement_with_totals(app, fixed_month):
    book = _workbook(_export(app, report_query(month=fixed_month.text), "detail", "xlsx"))
    sheet = book["明细"]
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["结算ID", "结算时间", "门诊/住院"] and "本地/异地" in headers and "撤销结算ID" in headers
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    body = [r for r in rows if r[0] != "合计"]
    assert [r[0] for r in body] == [fixed_month.setl_ids[k] for k in ("S1", "S2", "S3", "S4", "S4N", "S5")]
    assert body[0][1].hour == 9 and body[0][2] == "门诊"
    assert body[2][headers.index("本地/异地")] == "异地"
    medfee = headers.index("医疗费总额")
    totals = {r[headers.index("状态")]: r for r in rows if r[0] == "合计"}
    assert _money(totals["合计：正常结算"][medfee]) == Decimal("430.50")
    assert totals["合计：正常结算"][medfee - 1] == "3笔"


def test_csv_has_a_bom_chinese_headers_and_exact_amounts(app, fixed_month):
    data = _export(app, report_query(month=fixed_month.text, group_by=["dept"]), "summary", "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["科室", "科室名称", "状态", "笔数"] and rows[0][4] == "医疗费总额"
    assert ["A03", "内科", "正常结算", "2", "350.50"] == rows[1][:5]
    assert ["A04", "外科", "正常结算", "1", "80.00"] in [r[:5] for r in rows]
    net = rows[-1]
    assert net[0] == "合计" and net[2].startswith("净额") and net[3:5] == ["5", "430.50"]

    detail = _export(app, report_query(month=fixed_month.text, filters={"place": "NONLOCAL"}), "detail", "csv")
    lines = list(csv.reader(io.StringIO(detail.decode("utf-8-sig"))))
    assert lines[0][0] == "结算ID"
    assert [r[0] for r in lines[1:] if r[0] != "合计"] == [fixed_month.setl_ids["S3"]]


def test_export_in_chunks_reassembles_the_file(app, fixed_month):
    query = report_query(month=fixed_month.text)
    chunks = list(app.reports.export_chunks(query, "detail", "xlsx", chunk=1024))
    assert len(chunks) > 2 and all(len(c) <= 1024 for c in chunks)
    assert _workbook(b"".join(chunks))["明细"]["A3"].value == fixed_month.setl_ids["S1"]


def test_export_refuses_an_unknown_kind_or_format(app, fixed_month):
    with pytest.raises(ValidationFailed) as caught:
        next(app.reports.export_chunks(report_query(month=fixed_month.text), "ledger", "pdf"))
    assert [v.field for v in caught.value.violations] == ["kind", "format"]
