"""Each action on a 单边账 closes its entry with who, why and what was done, and the next run no longer
finds it: 冲正 within the window, the platform's settlement recorded, settled again, confirmed.
An action that does not fit, or comes without a reason, is refused and nothing is sent."""
from __future__ import annotations

from datetime import timedelta

import pytest
from recon_kit import OP, found, make_app, settled, settled_on_platform_only

from domain.errors import IllegalTransition, ValidationFailed
from domain.reconciliation import Action, EntryState, FindingKind
from domain.settlement import SettlementState
from domain.visit import VisitState


@pytest.fixture
def world(database_url):
    app, simulator, clock = make_app(database_url)
    yield app, simulator, clock
    app.container.engine().dispose()


def reconciled(app, clock, kind: FindingKind):
    """Run the day; the entry of `kind` it found."""
    run = app.reconciliation.run(OP, clock.now().date())
    return next(e for e in app.reconciliation.list_entries(run_id=run.id) if e.kind is kind)


def open_keys(app) -> set[str]:
    return {e.key for e in app.reconciliation.list_entries(page_size=1000)}


def test_recording_the_platforms_settlement_settles_our_visit_and_the_list_shrinks(world):
    app, simulator, clock = world
    visit, setl_id = settled_on_platform_only(app, clock)
    todo = reconciled(app, clock, FindingKind.PLATFORM_ONLY)
    assert set(todo.actions) == {Action.REVERSE, Action.RECORD, Action.CONFIRM}
    done = app.reconciliation.resolve(OP, todo.id, Action.RECORD, "平台已结算，院内补记")
    assert (done.state, done.action, done.resolved_by) == (EntryState.RESOLVED, Action.RECORD, OP.code)
    assert setl_id in done.outcome and todo.key not in open_keys(app)
    after = app.outpatient.get_visit(visit.id)
    assert after.state is VisitState.SETTLED and after.active_settlement().setl_id == setl_id
    assert after.active_settlement().medfee_sumamt == simulator.settlement(setl_id)["medfee_sumamt"]
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == set()


def test_reversing_the_platforms_settlement_within_the_window_undoes_it_there(world):
    app, simulator, clock = world
    _visit, setl_id = settled_on_platform_only(app, clock)
    todo = reconciled(app, clock, FindingKind.PLATFORM_ONLY)
    done = app.reconciliation.resolve(OP, todo.id, Action.REVERSE, "重复结算，冲正")
    assert "2601" in done.outcome and simulator.settlement(setl_id)["state"] == "reversed"
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == set()


def test_reversal_past_its_window_is_refused_and_nothing_is_sent(world):
    app, simulator, clock = world
    _visit, setl_id = settled_on_platform_only(app, clock)
    todo = reconciled(app, clock, FindingKind.PLATFORM_ONLY)
    clock.tick(60 * 25)
    with pytest.raises(IllegalTransition, match="reversal window"):
        app.reconciliation.resolve(OP, todo.id, Action.REVERSE, "冲正")
    assert simulator.settlement(setl_id)["state"] == "active"
    assert app.reconciliation.get_entry(todo.id).state is EntryState.OPEN


def test_settling_again_what_only_we_hold_makes_a_new_settlement_on_both_sides(world):
    app, simulator, clock = world
    visit, ours = settled(app, clock)
    simulator.forget_settlement(ours.setl_id)
    todo = reconciled(app, clock, FindingKind.HIS_ONLY)
    done = app.reconciliation.resolve(OP, todo.id, Action.RESETTLE, "中心无此结算，重新结算")
    after = app.outpatient.get_visit(visit.id)
    new = after.active_settlement()
    assert new.setl_id != ours.setl_id and new.setl_id in done.outcome
    assert after.settlement(ours.setl_id).state is SettlementState.REVERSED
    assert simulator.settlement(new.setl_id)["state"] == "active"
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == set()


def test_recording_the_platforms_figures_where_amounts_differ(world):
    app, simulator, clock = world
    visit, ours = settled(app, clock)
    simulator.alter_settlement(ours.setl_id, medfee_sumamt=ours.medfee_sumamt + 2)
    todo = reconciled(app, clock, FindingKind.AMOUNTS_DIFFER)
    assert set(todo.actions) == {Action.RECORD, Action.CONFIRM}
    done = app.reconciliation.resolve(OP, todo.id, Action.RECORD, "以中心金额为准")
    assert f"medfee_sumamt {ours.medfee_sumamt}" in done.outcome  # what it was
    recorded = app.outpatient.get_visit(visit.id).settlement(ours.setl_id)
    assert recorded.medfee_sumamt == ours.medfee_sumamt + 2 and recorded.discrepancies  # its parts add to 2 less
    # the amounts agree now; what is left is the platform's own sum, which no longer holds
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == {("ARITHMETIC", ours.setl_id)}


def test_a_claim_left_settling_is_recorded_from_the_platform_and_its_twin_closes_too(world):
    app, _simulator, clock = world
    visit, setl_id = settled_on_platform_only(app, clock)
    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1", clock.now() - timedelta(minutes=1)))
    clock.tick(30)
    todo = reconciled(app, clock, FindingKind.UNSETTLED)
    app.reconciliation.resolve(OP, todo.id, Action.RECORD, "平台已结算")
    assert app.outpatient.get_visit(visit.id).active_settlement().setl_id == setl_id
    assert open_keys(app) & {visit.id, setl_id} == set()
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == set()


def test_a_claim_the_platform_shows_no_settlement_for_is_settled_again(world):
    app, _simulator, clock = world
    visit, ours = settled(app, clock)
    app.outpatient.cancel_settlement(OP, visit.id, ours.setl_id)
    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1", clock.now()))  # its 2207 never left
    clock.tick(30)
    todo = reconciled(app, clock, FindingKind.UNSETTLED)
    with pytest.raises(IllegalTransition, match="lists no settlement"):
        app.reconciliation.resolve(OP, todo.id, Action.RECORD, "补记")
    app.reconciliation.resolve(OP, todo.id, Action.RESETTLE, "重新结算")
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLED


def test_confirming_needs_a_reason_and_an_action_that_fits(world):
    app, simulator, clock = world
    _, ours = settled(app, clock)
    simulator.forget_settlement(ours.setl_id)
    todo = reconciled(app, clock, FindingKind.HIS_ONLY)
    with pytest.raises(ValidationFailed) as refused:
        app.reconciliation.resolve(OP, todo.id, Action.CONFIRM, "  ")
    assert [v.field for v in refused.value.violations] == ["reason"]
    with pytest.raises(IllegalTransition, match="does not fit"):
        app.reconciliation.resolve(OP, todo.id, Action.REVERSE, "冲正")
    done = app.reconciliation.resolve(OP, todo.id, Action.CONFIRM, "中心已人工处理")
    assert done.reason == "中心已人工处理" and ours.setl_id not in open_keys(app)
    with pytest.raises(IllegalTransition, match="RESOLVED"):
        app.reconciliation.resolve(OP, todo.id, Action.CONFIRM, "again")
    again = app.reconciliation.run(OP, clock.now().date())  # still differs: found, but stays confirmed
    assert todo.id in again.entry_ids and app.reconciliation.get_entry(todo.id).state is EntryState.RESOLVED
