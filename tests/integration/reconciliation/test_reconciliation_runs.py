"""A run finds every planted 单边账 (one side only, either side; amounts differing) and nothing else,
through 3201, the 3202 file exchange and the 5262 / 5267 check; a second run the same day finds the
same; bad periods are refused with field errors, nothing stored."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from recon_kit import OP, found, make_app, settled, settled_on_platform_only, visit_with_fees

from domain.errors import ValidationFailed
from domain.reconciliation import EntryState, FindingKind, RunState


@pytest.fixture
def world(database_url):
    app, simulator, clock = make_app(database_url)
    yield app, simulator, clock
    app.container.engine().dispose()


def test_a_day_whose_ledgers_agree_is_balanced_with_our_totals_beside_the_platforms_answer(world):
    app, _simulator, clock = world
    for amount in ("25.00", "40.00"):
        settled(app, clock, amount)
    visit, first = settled(app, clock, "12.00")
    app.outpatient.cancel_settlement(OP, visit.id, first.setl_id)  # a refunded pair: two rows on both sides
    run = app.reconciliation.run(OP, clock.now().date())
    assert run.state is RunState.BALANCED and found(run, app) == set()
    [line] = run.lines
    assert (line.insutype, line.ours.count, line.ours.amounts.medfee_sumamt) == ("310", 4, Decimal("65.00"))  # the pair nets out
    assert line.stmt_rslt == "0" and line.balanced
    assert run.details_compared == ["5262+5267: 4 ours, 4 the platform's"]


def test_every_planted_one_sided_entry_is_found_and_nothing_else(world):
    app, simulator, clock = world
    settled(app, clock)  # agrees
    _, ours_only = settled(app, clock, "18.00")
    simulator.forget_settlement(ours_only.setl_id)
    _, differing = settled(app, clock, "22.00")
    simulator.alter_settlement(differing.setl_id, medfee_sumamt=differing.medfee_sumamt + 1)
    _, platform_only = settled_on_platform_only(app, clock)
    visit, cancelled = settled(app, clock, "9.00")
    app.outpatient.cancel_settlement(OP, visit.id, cancelled.setl_id)  # agrees, as two rows

    run = app.reconciliation.run(OP, clock.now().date())

    assert run.state is RunState.UNBALANCED
    assert found(run, app) == {("HIS_ONLY", ours_only.setl_id), ("AMOUNTS_DIFFER", differing.setl_id),
                               ("PLATFORM_ONLY", platform_only)}
    assert not run.lines[0].balanced and "不符" in run.lines[0].stmt_rslt_dscr
    entries = {e.kind: e for e in app.reconciliation.list_entries(run_id=run.id)}
    assert set(entries[FindingKind.PLATFORM_ONLY].sources) == {"3202", "5262+5267"}
    differ = entries[FindingKind.AMOUNTS_DIFFER]
    assert differ.theirs.medfee_sumamt == differ.ours.medfee_sumamt + 1
    assert entries[FindingKind.HIS_ONLY].theirs is None and entries[FindingKind.PLATFORM_ONLY].ours is None
    assert any(d.startswith("3202 11/") for d in run.details_compared)


def test_the_3202_file_exchange_alone_finds_them_without_the_his_mis_check(database_url):
    app, simulator, clock = make_app(database_url, his_mis_check=False)
    _, ours_only = settled(app, clock)
    simulator.forget_settlement(ours_only.setl_id)
    _, platform_only = settled_on_platform_only(app, clock)
    run = app.reconciliation.run(OP, clock.now().date())
    assert found(run, app) == {("HIS_ONLY", ours_only.setl_id), ("PLATFORM_ONLY", platform_only)}
    assert {tuple(e.sources) for e in app.reconciliation.list_entries(run_id=run.id)} == {("3202",)}


def test_a_second_run_the_same_day_finds_the_same_entries_not_new_ones(world):
    app, simulator, clock = world
    _, ours_only = settled(app, clock)
    simulator.forget_settlement(ours_only.setl_id)
    settled_on_platform_only(app, clock)
    first = app.reconciliation.run(OP, clock.now().date())
    clock.tick(30)
    second = app.reconciliation.run(OP, clock.now().date())
    assert second.id != first.id and sorted(second.entry_ids) == sorted(first.entry_ids)
    assert [(ln.insutype, ln.ours, ln.stmt_rslt) for ln in second.lines] == \
        [(ln.insutype, ln.ours, ln.stmt_rslt) for ln in first.lines]
    assert found(second, app) == found(first, app)
    assert {e.last_run_id for e in app.reconciliation.list_entries(run_id=first.id)} == {second.id}


def test_a_claim_left_settling_and_broken_arithmetic_show_up_in_the_run(world):
    app, simulator, clock = world
    simulator.faults.add("2207", "uneven_sums", 1, 0)
    _, odd = settled(app, clock)
    assert odd.discrepancies
    visit, platform_setl = settled_on_platform_only(app, clock)
    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1", clock.now() - timedelta(minutes=1)))
    clock.tick(30)  # past the doubt
    run = app.reconciliation.run(OP, clock.now().date())
    assert found(run, app) == {("ARITHMETIC", odd.setl_id), ("UNSETTLED", visit.id), ("PLATFORM_ONLY", platform_setl)}
    arithmetic = app.reconciliation.list_entries(kind=FindingKind.ARITHMETIC, run_id=run.id)[0]
    assert arithmetic.memo == "；".join(odd.discrepancies)


@pytest.mark.parametrize("first, last, field", [(1, None, "first_day"), (0, -1, "last_day"), (-40, 0, "last_day")])
def test_a_bad_period_is_refused_with_its_field_and_nothing_is_stored(world, first, last, field):
    app, _simulator, clock = world
    today = clock.now().date()
    before = app.reconciliation.list_runs(page_size=1000)
    with pytest.raises(ValidationFailed) as refused:
        app.reconciliation.run(OP, today + timedelta(days=first), None if last is None else today + timedelta(days=last))
    assert field in {v.field for v in refused.value.violations}
    assert len(app.reconciliation.list_runs(page_size=1000)) == len(before)


def test_an_entry_set_right_elsewhere_is_closed_by_the_next_complete_run(world):
    app, _simulator, clock = world
    _, platform_only = settled_on_platform_only(app, clock)
    stuck = visit_with_fees(app)
    app.outpatient._change(stuck.id, lambda v: v.begin_settlement("B1", clock.now()))  # its 2207 never left
    clock.tick(30)
    first = app.reconciliation.run(OP, clock.now().date())
    assert found(first, app) == {("UNSETTLED", stuck.id), ("PLATFORM_ONLY", platform_only)}
    app.journal.sweep(owner_alive=lambda owner: False)  # the resolver releases the claim: no 2207 was sent
    second = app.reconciliation.run(OP, clock.now().date())
    assert found(second, app) == {("PLATFORM_ONLY", platform_only)}
    assert {e.key for e in app.reconciliation.list_entries(page_size=1000)} >= {platform_only}
    closed = app.reconciliation.get_entry(next(e for e in first.entry_ids if e not in second.entry_ids))
    assert (closed.key, closed.state, closed.action, closed.resolved_by) == (stuck.id, EntryState.RESOLVED, None,
                                                                             f"run {second.id}")
