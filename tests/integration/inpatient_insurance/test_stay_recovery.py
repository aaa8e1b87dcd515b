"""Writes the platform took from a process that died before recording them (between the platform's answer
and the commit) are recorded from that process's journal by the resolver (JournalService.finish_for), in
the order they were sent; what is recorded already is left alone. A write in doubt that the resolver proves
later (its outcome query) is recorded the same way."""
from __future__ import annotations

from datetime import timedelta

import pytest
from stays import OP, admit, copies, day_fees, discharge_command

from domain.admission import AdmissionState
from domain.visit import FeeState
from services.inpatient_insurance import InpatientInsuranceService


class Died(RuntimeError):
    pass


@pytest.fixture
def dying(monkeypatch):
    """While on, every change the platform accepted fails to be recorded, as if the process died."""
    def record(self, adm, redo):
        raise Died("the process died before recording the platform's answer")

    class Switch:
        def __enter__(self):
            monkeypatch.setattr(InpatientInsuranceService, "_record", record)

        def __exit__(self, *exc):
            monkeypatch.undo()
    return Switch()


def owner_of(app, adm_id: str) -> str:
    return app.journal.for_visit(adm_id)[-1].owner


def test_fees_and_a_discharge_the_process_never_recorded_are_recorded_from_its_journal(app, dying):
    adm = admit(app)
    since = app.clock.now() - timedelta(minutes=1)
    rows = day_fees(0) + day_fees(1)
    with dying:
        with pytest.raises(Died):
            app.inpatient_insurance.upload_fees(OP, adm.id, copies(rows))
        with pytest.raises(Died):
            app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    behind = app.inpatient_insurance.get(adm.id)
    assert behind.state is AdmissionState.ADMITTED and behind.fees == []  # what the HIS shows: nothing

    assert app.journal.finish_for(owner_of(app, adm.id), since) == 2
    caught_up = app.inpatient_insurance.get(adm.id)
    assert caught_up.state is AdmissionState.DISCHARGED
    assert sorted(f.feedetl_sn for f in caught_up.fees) == sorted(r.feedetl_sn for r in rows)
    assert [d.diag_code for d in caught_up.discharge_diagnoses] == ["J18.900"]
    assert caught_up.endtime == discharge_command().endtime
    assert app.journal.finish_for(owner_of(app, adm.id), since) == 0  # recorded already: nothing changes

    _adm, settlement = app.inpatient_insurance.settle(OP, adm.id)  # the stay goes on from the platform's truth
    assert settlement.medfee_sumamt == sum(r.det_item_fee_sumamt for r in rows)


def test_a_settlement_cancelled_and_a_row_cancelled_unrecorded_are_recorded_in_order(app, dying):
    adm = admit(app)
    rows = day_fees(0)
    app.inpatient_insurance.upload_fees(OP, adm.id, copies(rows))
    app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    _adm, settlement = app.inpatient_insurance.settle(OP, adm.id)
    since = app.clock.now() - timedelta(minutes=1)
    with dying:
        with pytest.raises(Died):
            app.inpatient_insurance.cancel_settlement(OP, adm.id, settlement.setl_id)
    assert app.journal.finish_for(owner_of(app, adm.id), since) == 1
    reopened = app.inpatient_insurance.get(adm.id)
    assert reopened.state is AdmissionState.DISCHARGED and reopened.active_settlement() is None

    app.inpatient_insurance.cancel_discharge(OP, adm.id)
    with dying:
        with pytest.raises(Died):
            app.inpatient_insurance.cancel_fees(OP, adm.id, [rows[0].feedetl_sn])
    assert app.journal.finish_for(owner_of(app, adm.id), since) == 1  # the 2305 is recorded: only the 2302
    states = {f.feedetl_sn: f.state for f in app.inpatient_insurance.get(adm.id).fees}
    assert states == {rows[0].feedetl_sn: FeeState.CANCELLED, rows[1].feedetl_sn: FeeState.UPLOADED}


def test_a_discharge_in_doubt_proven_later_by_the_resolver_is_recorded_on_the_stay(app, simulator):
    from services.errors import PlatformUnavailable

    adm = admit(app)
    app.inpatient_insurance.upload_fees(OP, adm.id, copies(day_fees(0)))
    simulator.faults.add("2402", "timeout_after_commit", 1, 0)  # discharged on the platform, the reply lost
    simulator.faults.add("5201", "drop_before_commit", 1, 0)  # and the query that would prove it fails at once
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    assert err.value.outcome == "unresolved"
    assert app.inpatient_insurance.get(adm.id).state is AdmissionState.ADMITTED  # nothing guessed
    app.journal.resolve(err.value.journal_id)  # the resolver's next look proves it (5201: discharged)
    after = app.inpatient_insurance.get(adm.id)
    assert after.state is AdmissionState.DISCHARGED and after.endtime == discharge_command().endtime
    app.inpatient_insurance.settle(OP, adm.id)  # and the stay goes on from there
