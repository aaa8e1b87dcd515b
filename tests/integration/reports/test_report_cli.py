"""`his report summary|detail` on the fixed month."""
from __future__ import annotations

import csv
import io

import openpyxl

from services.cli import main


def test_summary_as_xlsx_file(tmp_path, capsys, database_url, fixed_month):
    out = tmp_path / "month.xlsx"
    assert main(["report", "summary", "--month", fixed_month.text, "--by", "insutype,place", "--format", "xlsx",
                 "--out", str(out), "--database-url", database_url]) == 0
    assert "5 groups" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)["汇总"]
    assert [c.value for c in sheet[2]][:4] == ["险种", "险种名称", "参保地", "参保地名称"]


def test_detail_as_csv_to_standard_output(capsysbinary, database_url, fixed_month):
    assert main(["report", "detail", "--day", fixed_month.day(4), "--place", "nonlocal", "--format", "csv",
                 "--out", "-", "--database-url", database_url]) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert rows[0][0] == "结算ID" and rows[1][0] == fixed_month.setl_ids["S3"]


def test_bad_period_and_dimension_are_named(capsys, database_url, tmp_path):
    assert main(["report", "summary", "--month", "2026-13", "--by", "ward", "--out", str(tmp_path / "x.xlsx"),
                 "--database-url", database_url]) == 2
    err = capsys.readouterr().err
    assert "month: '2026-13' is not yyyy-MM" in err and "group_by[0]: unknown dimension 'ward'" in err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["report", "detail", "--from", "2026-03-10", "--to", "2026-03-01", "--out", "-",
                 "--format", "csv", "--database-url", database_url]) == 2
    assert "end: 2026-03-01 is before start 2026-03-10" in capsys.readouterr().err
