"""Insured stays (住院, 2304) are reconciled with the visits: their settlements are on our ledger (the
settlements table, admission_id beside visit_id), a planted difference is found naming the stay, the
platform's figures or settlement are recorded on it; a stay is never settled again from the worklist."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from recon_kit import OP, found, make_app, settled

from domain.admission import AdmissionState
from domain.reconciliation import Action, FindingKind, RunState
from services.translation import admissions as admission_wire

sys.path.insert(0, str(Path(__file__).parents[1] / "inpatient_insurance"))
from stays import admit, day_fees, discharge_command  # noqa: E402


@pytest.fixture
def world(database_url):
    app, simulator, clock = make_app(database_url)
    yield app, simulator, clock
    app.container.engine().dispose()


def discharged(app, clock):
    adm = admit(app)
    for day in range(2):
        adm = app.inpatient_insurance.upload_fees(OP, adm.id, day_fees(day))
    clock.tick()
    return app.inpatient_insurance.discharge(OP, adm.id, discharge_command())


def test_a_days_stays_and_visits_reconcile_together_and_a_stays_difference_names_the_stay(world):
    app, simulator, clock = world
    settled(app, clock)
    adm, stay_setl = app.inpatient_insurance.settle(OP, discharged(app, clock).id)
    balanced = app.reconciliation.run(OP, clock.now().date())
    assert balanced.state is RunState.BALANCED
    assert sum(ln.ours.count for ln in balanced.lines) == 2

    simulator.alter_settlement(stay_setl.setl_id, fund_pay_sumamt=stay_setl.fund_pay_sumamt + 3)
    clock.tick()
    run = app.reconciliation.run(OP, clock.now().date())
    [entry] = [e for e in app.reconciliation.list_entries(run_id=run.id) if e.kind is FindingKind.AMOUNTS_DIFFER]
    assert (entry.record_kind, entry.record_id, entry.setl_id) == ("admission", adm.id, stay_setl.setl_id)
    assert entry.actions == (Action.RECORD, Action.CONFIRM)
    app.reconciliation.resolve(OP, entry.id, Action.RECORD, "以中心金额为准")
    recorded = app.inpatient_insurance.get(adm.id).settlement(stay_setl.setl_id)
    assert recorded.fund_pay_sumamt == stay_setl.fund_pay_sumamt + 3
    assert ("AMOUNTS_DIFFER", stay_setl.setl_id) not in found(app.reconciliation.run(OP, clock.now().date()), app)


def test_a_stays_settlement_the_platform_lost_can_only_be_confirmed_here(world):
    app, simulator, clock = world
    adm, stay_setl = app.inpatient_insurance.settle(OP, discharged(app, clock).id)
    simulator.forget_settlement(stay_setl.setl_id)
    run = app.reconciliation.run(OP, clock.now().date())
    assert found(run, app) == {("HIS_ONLY", stay_setl.setl_id)}
    [entry] = app.reconciliation.list_entries(run_id=run.id)
    assert (entry.record_kind, entry.actions) == ("admission", (Action.CONFIRM,))


def test_a_stay_left_settling_is_recorded_from_the_platforms_settlement(world):
    app, _simulator, clock = world
    adm = discharged(app, clock)
    adm = app.inpatient_insurance._change(adm.id, lambda a: a.begin_settlement(clock.now()))
    output = app.gateway.call(OP, "2304", admission_wire.settle(adm, True, "01"))  # the platform settled it
    setl_id = output["setlinfo"]["setl_id"]
    clock.tick(30)
    run = app.reconciliation.run(OP, clock.now().date())
    assert found(run, app) == {("UNSETTLED", adm.id), ("PLATFORM_ONLY", setl_id)}
    unsettled = next(e for e in app.reconciliation.list_entries(run_id=run.id) if e.kind is FindingKind.UNSETTLED)
    assert unsettled.actions == (Action.RECORD, Action.CONFIRM)
    app.reconciliation.resolve(OP, unsettled.id, Action.RECORD, "平台已结算")
    after = app.inpatient_insurance.get(adm.id)
    assert after.state is AdmissionState.SETTLED and after.active_settlement().setl_id == setl_id
    assert found(app.reconciliation.run(OP, clock.now().date()), app) == set()
