"""The reconciliation rules without storage or platform: the row comparison, merging what several
checks found, the period of a run, and which actions fit an entry."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import IllegalTransition, ValidationFailed
from domain.reconciliation import (Action, Amounts, EntryState, Finding, FindingKind, LedgerRow, OneSidedEntry,
                                   Totals, compare, merge, period)

T = datetime(2030, 3, 2, 10, 0)


def row(setl_id: str, medfee: str = "10.00", acct: str = "0.00", **more) -> LedgerRow:
    return LedgerRow(setl_id=setl_id, mdtrt_id=f"M{setl_id}", psn_no="P1", msgid=f"H{setl_id}", setl_time=T,
                     insutype="310", clr_type="11", clr_optins="420106",
                     amounts=Amounts(Decimal(medfee), Decimal("0.00"), Decimal(acct)), **more)


def test_compare_finds_each_side_alone_and_each_compared_amount_that_differs():
    ours = [row("A"), row("B"), row("C", acct="1.00"), row("D", "-10.00", refund=True)]
    theirs = [row("B"), row("C", acct="2.00"), row("D", "-10.00"), row("E")]
    found = {(f.kind, f.key): f for f in compare(ours, theirs, "5262")}
    assert set(found) == {(FindingKind.HIS_ONLY, "A"), (FindingKind.AMOUNTS_DIFFER, "C"),
                          (FindingKind.PLATFORM_ONLY, "E")}
    assert found[(FindingKind.AMOUNTS_DIFFER, "C")].memo == "个人账户支出：医药机构[1.00]，中心[2.00]"
    assert found[(FindingKind.HIS_ONLY, "A")].theirs is None and found[(FindingKind.PLATFORM_ONLY, "E")].ours is None


def test_cash_alone_differing_is_not_a_difference_of_the_compared_figures():
    theirs = [LedgerRow(**{**row("A").__dict__, "amounts": Amounts(Decimal("10.00"), Decimal("0.00"), Decimal("0.00"),
                                                                  Decimal("3.00"))})]
    assert compare([row("A")], theirs, "5262") == []


def test_merge_keeps_one_finding_per_kind_and_key_with_every_source():
    a = compare([row("A")], [], "3202")
    b = compare([row("A")], [], "5262+5267")
    [merged] = merge(a, b)
    assert (merged.kind, merged.key, merged.source) == (FindingKind.HIS_ONLY, "A", "3202,5262+5267")


def test_totals_count_rows_and_net_the_amounts_of_a_refunded_pair():
    totals = Totals.of([row("A"), row("B", "-10.00", refund=True), row("C", "5.50")])
    assert (totals.count, totals.amounts.medfee_sumamt) == (3, Decimal("5.50"))


@pytest.mark.parametrize("first, last, fields", [
    (date(2030, 3, 3), None, {"first_day"}), (date(2030, 3, 2), date(2030, 3, 1), {"last_day"}),
    (date(2030, 1, 1), date(2030, 3, 2), {"last_day"}), (date(2030, 3, 1), date(2030, 3, 3), {"last_day"})])
def test_a_period_backwards_in_the_future_or_too_long_is_refused_by_field(first, last, fields):
    with pytest.raises(ValidationFailed) as refused:
        period(first, last, date(2030, 3, 2))
    assert {v.field for v in refused.value.violations} == fields


def test_a_period_defaults_to_today_and_one_day():
    assert period(None, None, date(2030, 3, 2)) == (date(2030, 3, 2), date(2030, 3, 2))
    assert period(date(2030, 2, 1), None, date(2030, 3, 2)) == (date(2030, 2, 1), date(2030, 2, 1))


def entry(kind: FindingKind, ours: bool = True, theirs: bool = True) -> OneSidedEntry:
    finding = Finding(kind, "A", row("A", record_kind="visit", record_id="V1") if ours else None,
                      row("A") if theirs else None, "memo", "3202")
    return OneSidedEntry.from_finding("E1", finding, "R1", T)


def test_the_actions_that_fit_each_kind():
    assert entry(FindingKind.PLATFORM_ONLY, ours=False).actions == (Action.REVERSE, Action.RECORD, Action.CONFIRM)
    assert entry(FindingKind.HIS_ONLY, theirs=False).actions == (Action.RESETTLE, Action.CONFIRM)
    assert entry(FindingKind.AMOUNTS_DIFFER).actions == (Action.RECORD, Action.CONFIRM)
    assert entry(FindingKind.ARITHMETIC, theirs=False).actions == (Action.CONFIRM,)
    stay = OneSidedEntry.from_finding("E2", Finding(FindingKind.HIS_ONLY, "A", row("A", record_kind="admission",
                                                                                  record_id="A1"), None), "R1", T)
    assert stay.actions == (Action.CONFIRM,)  # a stay is settled again at the ward


def test_resolving_needs_a_reason_a_fitting_action_and_an_open_entry():
    e = entry(FindingKind.HIS_ONLY, theirs=False)
    with pytest.raises(ValidationFailed):
        e.resolve(Action.CONFIRM, " ", "Y001", T)
    with pytest.raises(IllegalTransition, match="does not fit"):
        e.resolve(Action.REVERSE, "x", "Y001", T)
    e.resolve(Action.CONFIRM, " 已核实 ", "Y001", T + timedelta(minutes=1), "confirmed")
    assert (e.state, e.reason, e.resolved_by, e.actions) == (EntryState.RESOLVED, "已核实", "Y001", ())
    with pytest.raises(IllegalTransition, match="RESOLVED"):
        e.resolve(Action.CONFIRM, "again", "Y001", T)
