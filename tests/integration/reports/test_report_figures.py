"""Summaries and detail lists against the fixed month (conftest.py), figures worked out by hand."""
from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import ValidationFailed
from domain.reports import Standing, report_query

D = Decimal


def _rows(summary):
    return {(row.keys, row.standing): row for row in summary.rows}


def test_monthly_summary_by_insutype_shows_each_standing_apart(app, fixed_month):
    summary = app.reports.summary(report_query(month=fixed_month.text, group_by=["insutype"]))
    rows = _rows(summary)
    assert set(rows) == {(("310",), Standing.SETTLED), (("310",), Standing.CANCELLED),
                         (("310",), Standing.CANCELLATION), (("310",), Standing.REVERSED),
                         (("390",), Standing.SETTLED)}
    settled = rows[(("310",), Standing.SETTLED)]  # S1 + S2
    assert settled.names == ("职工基本医疗保险",)
    assert settled.count == 2
    assert settled.amount("medfee_sumamt") == D("350.50")
    assert settled.amount("hifp_pay") == D("220.30")
    assert settled.amount("hifmi_pay") == D("20.00")
    assert settled.amount("fund_pay_sumamt") == D("240.30")
    assert settled.amount("acct_pay") == D("70.10")
    assert settled.amount("acct_mulaid_pay") == D("10.00")
    assert settled.amount("psn_cash_pay") == D("30.10")
    assert settled.amount("maf_pay") == D("0.00")
    cancelled, cancellation = rows[(("310",), Standing.CANCELLED)], rows[(("310",), Standing.CANCELLATION)]
    assert (cancelled.count, cancelled.amount("medfee_sumamt"), cancelled.amount("acct_pay")) == (1, D("60.00"), D("30.00"))
    assert (cancellation.count, cancellation.amount("medfee_sumamt"), cancellation.amount("hifp_pay")) == (
        1, D("-60.00"), D("-30.00"))
    reversed_ = rows[(("310",), Standing.REVERSED)]
    assert (reversed_.count, reversed_.amount("medfee_sumamt")) == (1, D("999.99"))
    resident = rows[(("390",), Standing.SETTLED)]
    assert (resident.count, resident.amount("medfee_sumamt"), resident.amount("maf_pay"),
            resident.amount("hosp_part_amt")) == (1, D("80.00"), D("8.00"), D("0.00"))

    totals = {t.label: t for t in summary.totals()}
    assert totals["合计：正常结算"].count == 3
    assert totals["合计：正常结算"].amount("medfee_sumamt") == D("430.50")
    assert totals["合计：已冲正"].amount("medfee_sumamt") == D("999.99")
    net = summary.totals()[-1]
    assert net.label.startswith("净额")
    assert (net.count, net.amount("medfee_sumamt"), net.amount("hifp_pay")) == (5, D("430.50"), D("260.30"))


def test_local_and_nonlocal_compare_the_city(app, fixed_month):
    summary = app.reports.summary(report_query(month=fixed_month.text, group_by=["place"],
                                               filters={"insutype": ""}))
    rows = _rows(summary)
    local, remote = rows[(("LOCAL",), Standing.SETTLED)], rows[(("NONLOCAL",), Standing.SETTLED)]
    assert local.names == ("本地",) and remote.names == ("异地",)
    # 420102 and 420106 are districts of 武汉 (4201): local; 429004 (仙桃) is not
    assert (local.count, local.amount("medfee_sumamt")) == (2, D("350.50"))
    assert (remote.count, remote.amount("medfee_sumamt"), remote.amount("maf_pay")) == (1, D("80.00"), D("8.00"))
    only_remote = app.reports.summary(report_query(month=fixed_month.text, group_by=["insutype"],
                                                   filters={"place": "nonlocal"}))
    assert [(r.keys, r.standing, r.count) for r in only_remote.rows] == [(("390",), Standing.SETTLED, 1)]


def test_daily_summary_by_department_and_doctor(app, fixed_month):
    summary = app.reports.summary(report_query(day=fixed_month.day(3), group_by=["dept", "doctor"]))
    assert [(r.keys, r.names, r.standing, r.count, r.amount("medfee_sumamt")) for r in summary.rows] == [
        (("A03", "D01"), ("内科", "张医生"), Standing.SETTLED, 2, D("350.50"))]  # 23:59:59 is still day 3
    day5 = app.reports.summary(report_query(day=fixed_month.day(5), group_by=["doctor", "med_type"]))
    assert [(r.keys, r.names[1], r.standing, r.amount("medfee_sumamt")) for r in day5.rows] == [
        (("D02", "11"), "普通门诊", Standing.CANCELLED, D("60.00")),
        (("D02", "11"), "普通门诊", Standing.CANCELLATION, D("-60.00"))]


def test_summary_by_day_and_the_daily_series(app, fixed_month):
    query = report_query(month=fixed_month.text, group_by=["day"], filters={"clr_type": "11"})
    by_day = {(r.keys[0], r.standing): r.count for r in app.reports.summary(query).rows}
    assert by_day == {(fixed_month.day(3), Standing.SETTLED): 2, (fixed_month.day(4), Standing.SETTLED): 1,
                      (fixed_month.day(5), Standing.CANCELLED): 1, (fixed_month.day(5), Standing.CANCELLATION): 1,
                      (fixed_month.day(6), Standing.REVERSED): 1}
    daily = app.reports.daily(report_query(month=fixed_month.text))
    assert daily.days[0].isoformat() == fixed_month.day(1) and len(daily.days) >= 28
    assert daily.insutypes == ["310", "390"]
    assert daily.by_insutype["310"][2] == D("350.50")  # day 3
    assert daily.by_insutype["310"][4] == D("0.00")  # day 5: the cancellation nets the day to 0
    assert daily.by_insutype["310"][5] == D("0.00")  # day 6: a reversal is not in the net figure
    assert daily.by_fund["maf_pay"][3] == D("8.00")


def test_detail_list_in_settlement_order_with_paging(app, fixed_month):
    query = report_query(month=fixed_month.text)
    rows = app.reports.details(query, limit=100)
    ids = fixed_month.setl_ids
    assert [r.setl_id for r in rows] == [ids["S1"], ids["S2"], ids["S3"], ids["S4"], ids["S4N"], ids["S5"]]
    s3 = rows[2]
    assert (s3.place, s3.insuplc_admdvs, s3.dept_name, s3.doctor_name, s3.service) == (
        "NONLOCAL", "429004", "外科", "王医生", "OUTPATIENT")
    assert rows[3].standing is Standing.CANCELLED and rows[3].cancel_setl_id == ids["S4N"]
    assert rows[4].standing is Standing.CANCELLATION
    first = app.reports.details(query, limit=2)
    second = app.reports.details(query, after=(first[-1].setl_time, first[-1].setl_id), limit=2)
    assert [r.setl_id for r in first + second] == [ids["S1"], ids["S2"], ids["S3"], ids["S4"]]
    filtered = app.reports.details(report_query(month=fixed_month.text, filters={"dept_code": "A04"}))
    assert [r.setl_id for r in filtered] == [ids["S3"], ids["S4"], ids["S4N"]]


@pytest.mark.parametrize(("given", "field"), [
    (dict(month="2025-13"), "month"),
    (dict(month="2025-3"), "month"),
    (dict(day="2025-02-30"), "day"),
    (dict(start="2025-03-10", end="2025-03-01"), "end"),
    (dict(start="2025-03-10"), "end"),
    (dict(), "period"),
    (dict(day="2025-03-01", month="2025-03"), "period"),
    (dict(month="2025-03", group_by=["insutype", "hospital"]), "group_by[1]"),
    (dict(month="2025-03", filters={"place": "mars"}), "filters.place"),
    (dict(month="2025-03", filters={"colour": "red"}), "filters.colour"),
])
def test_bad_filters_name_their_field(given, field):
    with pytest.raises(ValidationFailed) as caught:
        report_query(**given)
    assert [v.field for v in caught.value.violations] == [field]
