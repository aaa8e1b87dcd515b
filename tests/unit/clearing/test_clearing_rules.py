"""Clearing's own rules without a database: periods, the figures of a set of rows, what holds a period
back, and the printed form's figures beside the platform's (a difference marked, neither corrected)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from domain.clearing import (ClearingApplication, ClearingKind, ClearingRow, ClearingState, ReconciledSpan,
                             figures_of, parse_period, select_rows, unreconciled)
from domain.errors import ValidationFailed
from ports.catalogue import load_catalogue
from services.clearing import ClearingConfig, ClearingService

TODAY = date(2030, 3, 15)


def row(setl_id: str, at: str, amount: str, optins: str = "420106", refund: bool = False) -> ClearingRow:
    value = Decimal(amount)
    return ClearingRow(setl_id, datetime.fromisoformat(at), "11", optins, medfee_sumamt=value,
                       inscp_scp_amt=value - Decimal("1.00") if value > 0 else value + Decimal("1.00"),
                       fund_pay_sumamt=value / 2, psn_cash_pay=value / 4, acct_pay=value / 4, refund=refund)


def test_a_period_is_a_past_month_or_days_inside_one():
    assert (parse_period("2030-02", None, None, TODAY).first_day, parse_period("203002", None, None, TODAY).last_day) \
        == (date(2030, 2, 1), date(2030, 2, 28))
    period = parse_period("", date(2030, 3, 2), None, date(2030, 4, 1))
    assert (period.last_day, period.month, len(period.days())) == (date(2030, 3, 31), "203003", 30)
    for month, first, last, field in (("2030-03", None, None, "month"), ("", date(2030, 2, 27), date(2030, 3, 1),
                                      "last_day"), ("2030-02", date(2030, 2, 1), None, "month"),
                                      ("", date(2030, 2, 5), date(2030, 2, 4), "last_day")):
        with pytest.raises(ValidationFailed) as bad:
            parse_period(month, first, last, TODAY)
        assert field in {v.field for v in bad.value.violations}


def test_figures_count_originals_and_negatives_and_the_remote_ones_apart():
    rows = [row("A", "2030-02-03 09:00:00", "100.00"), row("B", "2030-02-03 10:00:00", "40.40"),
            row("C", "2030-02-04 09:00:00", "-40.40", refund=True), row("R", "2030-02-04 11:00:00", "70.00", "420500")]
    local = figures_of(select_rows(rows, "11", False, "420106", "420106"))
    assert (local.medfee_sumamt, local.med_sumfee, local.fund_appy_sum) == (Decimal("100.00"), Decimal("99.00"),
                                                                             Decimal("50.00"))
    assert (local.rows, local.refunds, local.psntime) == (3, 1, 1)
    remote = figures_of(select_rows(rows, "11", True, "420106", "420106"))
    assert (remote.medfee_sumamt, remote.psntime) == (Decimal("70.00"), 1)
    assert select_rows(rows, "21", False, "420106", "420106") == []


def test_a_day_settled_after_its_last_balanced_run_or_an_open_entry_holds_the_period_back():
    period = parse_period("", date(2030, 2, 3), date(2030, 2, 5), TODAY)
    rows = [row("A", "2030-02-03 09:00:00", "10.00"), row("B", "2030-02-04 18:00:00", "10.00")]
    runs = [ReconciledSpan("R1", date(2030, 2, 3), date(2030, 2, 4), datetime(2030, 2, 4, 17), True),
            ReconciledSpan("R2", date(2030, 2, 5), date(2030, 2, 5), datetime(2030, 2, 6, 1), False)]
    [problem] = unreconciled(period, rows, runs, [])
    assert "2030-02-04..2030-02-05" in problem and "2030-02-03" not in problem
    runs.append(ReconciledSpan("R3", date(2030, 2, 4), date(2030, 2, 5), datetime(2030, 2, 6, 2), True))
    assert unreconciled(period, rows, runs, []) == []
    [problem] = unreconciled(period, rows, runs, [("E1", datetime(2030, 2, 4, 18))])
    assert "E1" in problem and "2030-02-04" in problem


class _Store:
    def __init__(self, app):
        self.app = app

    def get(self, application_id):
        return self.app if application_id == self.app.id else None


class _Gateway:
    def __init__(self, reply):
        self.reply, self.sent = reply, []

    def call(self, op, infno, payload, ctx=None):
        self.sent.append((infno, payload))
        return self.reply


class _Clock:
    def now(self):
        return datetime(2030, 3, 15, 10)


def test_the_form_prints_the_platforms_figures_beside_ours_and_marks_a_difference():
    app = ClearingApplication(
        id="C1", kind=ClearingKind.SUMMARY, clr_type="11", clr_way="", clr_optins="420106",
        first_day=date(2030, 2, 1), last_day=date(2030, 2, 28),
        figures=figures_of([row("A", "2030-02-03 09:00:00", "100.00")]), operator_code="Y001",
        created_at=datetime(2030, 3, 1, 9), state=ClearingState.APPLIED, clr_appy_evt_id="42010620300301090000000001")
    gateway = _Gateway({"data": {"medfee_sumamt": "100.00", "fund_appy_sum": "49.00", "psntime": 1,
                                 "print_content": "医药机构费用结算申请单\n基金申报总额：49.00"}})
    service = ClearingService(_Store(app), gateway, _Clock(), load_catalogue(), renderer=None,
                              config=ClearingConfig("420106", "示范医院", "H1"))
    form = service.form(None, "C1")
    lines = {f.label: f for f in form.figures}
    assert (lines["医疗费总额"].platform, lines["医疗费总额"].differs) == ("100.00", False)
    assert (lines["基金申报总额"].ours, lines["基金申报总额"].platform, lines["基金申报总额"].differs) == \
        ("50.00", "49.00", True)
    assert lines["医保认可费用总额"].platform == "" and not lines["医保认可费用总额"].differs
    assert form.platform_text == ("医药机构费用结算申请单", "基金申报总额：49.00")
    assert any("不符" in n for n in form.notes) and form.form_no == app.clr_appy_evt_id
    assert gateway.sent == [("3205a", {"data": {"clr_appy_evt_id": app.clr_appy_evt_id}})]
