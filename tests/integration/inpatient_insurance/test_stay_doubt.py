"""A stay's calls in doubt are settled as the outpatient ones are: a 2401 by 5201 (what took effect is
kept), a 2304 by 冲正 or by the claim's own journaled 2304; never half-admitted, never settled twice."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from stays import OP, WORKER, admit, admit_command, day_fees, discharge_command

from domain.admission import AdmissionState
from domain.errors import IllegalTransition
from domain.journal import JournalState
from services.errors import PlatformRejected, PlatformUnavailable


def entries(app, adm_id: str) -> list[tuple[str, JournalState]]:
    return [(e.infno, e.state) for e in app.journal.for_visit(adm_id)]


def discharged(app):
    adm = admit(app)
    adm = app.inpatient_insurance.upload_fees(OP, adm.id, day_fees(0) + day_fees(1))
    return app.inpatient_insurance.discharge(OP, adm.id, discharge_command())


def test_2401_timing_out_after_the_platform_admitted_ends_admitted_with_its_mdtrt_id(app, simulator):
    simulator.faults.add("2401", "timeout_after_commit", 1, 0)
    adm = admit(app)  # the reply never came; 5201 shows the stay under our 住院号, so it stands
    assert adm.state is AdmissionState.ADMITTED and adm.mdtrt_id
    assert app.inpatient_insurance.get(adm.id).mdtrt_id == adm.mdtrt_id
    assert simulator.visit(adm.mdtrt_id).ipt_otp_no == adm.ipt_no and not simulator.visit(adm.mdtrt_id).reversed
    written = next(e for e in app.journal.for_visit(adm.id) if e.infno == "2401")
    assert written.state is JournalState.CONFIRMED and "5201" in written.resolution
    assert ("2601", JournalState.OK) not in entries(app, adm.id)  # kept, not undone
    app.inpatient_insurance.upload_fees(OP, adm.id, day_fees(0))  # the platform knows the stay: it goes on


def test_a_refused_2401_leaves_nothing_claimed(app, simulator):
    simulator.faults.add("2401", "error_reply", 1, 0)
    command = admit_command()
    app.outpatient.read_person(OP, "02", command.mdtrt_cert_no)
    with pytest.raises(PlatformRejected):
        app.inpatient_insurance.admit(OP, command)
    assert app.inpatient_insurance.by_ipt_no(command.ipt_no) is None
    assert app.inpatient_insurance.admit(OP, command).state is AdmissionState.ADMITTED  # the number is free


def test_2401_lost_on_the_way_is_proven_absent_and_frees_the_number(app, simulator):
    simulator.faults.add("2401", "drop_before_commit", 1, 0)
    command = admit_command()
    app.outpatient.read_person(OP, "02", command.mdtrt_cert_no)
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.admit(OP, command)
    assert err.value.outcome == "not_applied"
    assert app.inpatient_insurance.by_ipt_no(command.ipt_no) is None


def test_2401_whose_proof_comes_only_at_recovery_blocks_the_number_until_then(app, simulator):
    simulator.faults.add("2401", "timeout_after_commit", 1, 0)
    simulator.faults.add("5201", "drop_before_commit", 1, 0)  # the proof cannot be had at once
    command = admit_command()
    app.outpatient.read_person(OP, "02", command.mdtrt_cert_no)
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.admit(OP, command)
    assert err.value.outcome == "unresolved"
    held = app.inpatient_insurance.by_ipt_no(command.ipt_no)
    assert held.state is AdmissionState.REGISTERING
    with pytest.raises(IllegalTransition, match="being admitted"):
        app.inpatient_insurance.admit(OP, command)  # asked again meanwhile: not sent twice
    app.journal.recover()
    adm = app.inpatient_insurance.get(held.id)
    assert adm.state is AdmissionState.ADMITTED and adm.mdtrt_id
    assert app.inpatient_insurance.admit(OP, command).id == adm.id  # and now the same stay is answered
    assert [i for i, _ in entries(app, adm.id)].count("2401") == 1


def test_2304_reply_lost_is_reversed_then_settled_once(app, simulator):
    adm = discharged(app)
    balance = simulator.balance(WORKER, "310")
    simulator.faults.add("2304", "timeout_after_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.settle(OP, adm.id)
    assert err.value.outcome == "reversed"
    assert app.inpatient_insurance.get(adm.id).state is AdmissionState.DISCHARGED
    assert simulator.balance(WORKER, "310") == balance  # the platform's settlement was undone
    adm, settlement = app.inpatient_insurance.settle(OP, adm.id)
    assert adm.state is AdmissionState.SETTLED and settlement.medfee_sumamt == Decimal("70.00")
    assert simulator.balance(WORKER, "310") == balance - settlement.acct_pay
    assert ("2304", JournalState.REVERSED) in entries(app, adm.id)


def test_2304_in_doubt_with_its_reversal_lost_stays_settling_then_is_released(app, simulator):
    adm = discharged(app)
    balance = simulator.balance(WORKER, "310")
    simulator.faults.add("2304", "drop_after_commit", 1, 0)
    simulator.faults.add("2601", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.settle(OP, adm.id)
    assert err.value.outcome == "unresolved"
    assert app.inpatient_insurance.get(adm.id).state is AdmissionState.SETTLING
    with pytest.raises(IllegalTransition, match="SETTLING"):
        app.inpatient_insurance.settle(OP, adm.id)  # blocked, not doubled
    app.journal.recover()
    assert app.journal.get(err.value.journal_id).state is JournalState.REVERSED
    after = app.inpatient_insurance.get(adm.id)
    assert after.state is AdmissionState.DISCHARGED and after.settling_since is None
    assert simulator.balance(WORKER, "310") == balance
    _, settlement = app.inpatient_insurance.settle(OP, adm.id)
    assert simulator.settlement(settlement.setl_id)["state"] == "active"


def test_2304_accepted_but_unrecorded_is_recorded_from_the_journal(app, simulator):
    """The process that settled died before recording it: the claim's own journaled 2304 completes it."""
    adm = discharged(app)
    service = app.inpatient_insurance
    record = service._record
    service._record = lambda a, redo: a  # dies between the reply and recording it
    try:
        _, settlement = service.settle(OP, adm.id)
    finally:
        service._record = record
    assert service.get(adm.id).state is AdmissionState.SETTLING
    app.journal.sweep(owner_alive=lambda owner: False)
    after = service.get(adm.id)
    assert after.state is AdmissionState.SETTLED and after.active_settlement().setl_id == settlement.setl_id


def test_a_claim_whose_2304_was_never_sent_is_released_once_no_call_can_still_be_starting(app):
    adm = discharged(app)
    app.inpatient_insurance._change(adm.id, lambda a: a.begin_settlement(app.clock.now() - timedelta(minutes=3)))
    app.journal.sweep(owner_alive=lambda owner: False)
    assert app.inpatient_insurance.get(adm.id).state is AdmissionState.DISCHARGED
    adm, _ = app.inpatient_insurance.settle(OP, adm.id)
    assert adm.state is AdmissionState.SETTLED


def test_discharge_cancellations_and_fees_in_doubt_are_proven_by_their_queries(app, simulator):
    """2301 / 2302 by 5204, 2402 / 2405 / 2404 by 5201: each reply lost after the platform acted, each
    recorded as the platform holds it, and the stay goes on."""
    service = app.inpatient_insurance
    adm = admit(app)
    simulator.faults.add("2301", "timeout_after_commit", 1, 0)
    adm = service.upload_fees(OP, adm.id, day_fees(0))
    assert len(adm.fees) == 2 and all(f.chrgitm_lv for f in adm.fees)
    simulator.faults.add("2402", "timeout_after_commit", 1, 0)
    adm = service.discharge(OP, adm.id, discharge_command())
    assert adm.state is AdmissionState.DISCHARGED
    simulator.faults.add("2405", "timeout_after_commit", 1, 0)
    adm = service.cancel_discharge(OP, adm.id)
    assert adm.state is AdmissionState.ADMITTED
    simulator.faults.add("2302", "timeout_after_commit", 1, 0)
    adm = service.cancel_fees(OP, adm.id, [f.feedetl_sn for f in adm.fees])
    simulator.faults.add("2404", "timeout_after_commit", 1, 0)
    adm = service.cancel_admission(OP, adm.id)
    assert adm.state is AdmissionState.CANCELLED and simulator.visit(adm.mdtrt_id).cancelled
    proven = {e.infno: e.resolution[:4] for e in app.journal.for_visit(adm.id) if e.state is JournalState.CONFIRMED}
    assert proven == {"2301": "5204", "2402": "5201", "2405": "5201", "2302": "5204", "2404": "5201"}


def test_a_discharge_lost_on_the_way_is_proven_absent_and_safe_to_repeat(app, simulator):
    adm = admit(app)
    simulator.faults.add("2402", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    assert err.value.outcome == "not_applied"
    assert app.inpatient_insurance.get(adm.id).state is AdmissionState.ADMITTED
    assert app.inpatient_insurance.discharge(OP, adm.id, discharge_command()).state is AdmissionState.DISCHARGED
