"""The report model alone: periods, 本地/异地, totals by standing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.reports import (FUNDS, NET_LABEL, Dimension, Period, RunningTotals, Standing, is_local, report_query,
                            zero_amounts)


def test_a_month_ends_where_the_next_begins_even_in_december():
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2027, 1, 1))
    assert Period.month(2028, 2).days == 29
    assert report_query(month="2026-12").period.label == "2026-12"
    assert report_query(day="2026-03-02").period.label == "2026-03-02"
    assert report_query(start="2026-03-02", end="2026-03-31").period == Period(date(2026, 3, 2), date(2026, 4, 1))
    assert report_query(start="2026-03-02", end="2026-03-31").period.label == "2026-03-02 至 2026-03-31"


def test_local_is_the_same_city():
    assert is_local("420102", "420106")  # 江岸 and 江汉: both 武汉 (4201)
    assert not is_local("429004", "420106")  # 仙桃
    assert not is_local("110105", "420106")
    assert is_local("", "420106")  # no 参保地: not routed elsewhere


def test_dimensions_and_filters_are_read_case_blind_with_defaults():
    query = report_query(month="2026-03", group_by=[" Place", "DOCTOR"], filters={"service": "inpatient", "insutype": " 310 "})
    assert query.group_by == (Dimension.PLACE, Dimension.DOCTOR)
    assert query.filter_values() == {"insutype": "310", "service": "INPATIENT"}
    assert report_query(month="2026-03").group_by == (Dimension.INSUTYPE,)


def test_totals_keep_each_standing_and_net_leaves_reversals_out():
    running = RunningTotals()
    one = (Decimal("10.00"),) + zero_amounts()[1:]
    running.add(Standing.SETTLED, 3, tuple(a * 3 for a in one))
    running.add(Standing.CANCELLED, 1, one)
    running.add(Standing.CANCELLATION, 1, tuple(-a for a in one))
    running.add(Standing.REVERSED, 2, tuple(a * 2 for a in one))
    totals = running.totals()
    assert [(t.label, t.count, t.amount("medfee_sumamt")) for t in totals] == [
        ("合计：正常结算", 3, Decimal("30.00")), ("合计：已撤销(原结算)", 1, Decimal("10.00")),
        ("合计：撤销冲销(负结算)", 1, Decimal("-10.00")), ("合计：已冲正", 2, Decimal("20.00")),
        (NET_LABEL, 5, Decimal("30.00"))]
    assert len(totals[0].amounts) == len(FUNDS)
