"""Encounters end to end below gRPC: SQL storage (SQLite or PostgreSQL), the real OutpatientService
and the simulator; insured registrations, transfers that keep or renew the registration, payments."""
from __future__ import annotations

from decimal import Decimal

import pytest
from encounterkit import DOCTOR, OP

from domain.encounters import EncounterState, LegState, OldRegistration
from domain.errors import IllegalTransition, ValidationFailed
from domain.journal import JournalState
from domain.queues import QueueState
from domain.visit import VisitState
from services.encounters import (ChargeInput, DiagnosisInput, PayEncounter, RefundPayment, RegisterEncounter,
                                 TransferEncounter)
from services.errors import PlatformRejected, PlatformUnavailable


def ok_codes(app, visit_id):
    return [e.infno for e in app.journal.for_visit(visit_id) if e.state in (JournalState.OK, JournalState.CONFIRMED)]


def test_insured_registration_runs_2201A_and_links_the_visit(world, simulator):
    e = world.register_insured()
    visit = world.app.outpatient.get_visit(e.visit_id)
    assert visit.state is VisitState.REGISTERED and visit.mdtrt_id == e.mdtrt_id
    assert (visit.dept_code, visit.atddr_no, visit.ipt_otp_no) == ("NK01", "D420106000001", e.ipt_otp_no)
    stored = world.service.get(e.id)
    assert stored.state is EncounterState.OPEN and stored.legs[0].mdtrt_id == e.mdtrt_id
    [entry] = world.queues.of_encounter(e.id)
    assert entry.flags.age == 86 and entry.state is QueueState.WAITING  # born 1940: the elderly rule's input


def test_a_refused_2201A_leaves_nothing(world, simulator):
    simulator.faults.add("2201A", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        world.register_insured()
    assert world.service.history(world.insured.id).records == [] and world.queues.entries == {}


def test_a_2201A_in_doubt_leaves_the_encounter_registering_until_the_journal_settles_it(world, simulator):
    simulator.faults.add("2201A", "timeout_after_commit", 1, 0)
    simulator.faults.add("5201", "drop_before_commit", 1, 0)  # the proving query fails too: unresolved
    with pytest.raises(PlatformUnavailable) as err:
        world.register_insured()
    assert err.value.outcome == "unresolved"
    [record] = world.service.history(world.insured.id).records
    assert record.encounter.state is EncounterState.REGISTERING and world.queues.entries == {}
    world.app.journal.resolve(err.value.journal_id)  # what the resolver does in the background
    settled = world.service.get(record.encounter.id)
    assert settled.state is EncounterState.OPEN and settled.mdtrt_id
    assert [q.state for q in world.queues.of_encounter(settled.id)] == [QueueState.WAITING]


def test_same_day_transfer_keeps_the_mdtrt_id_and_sends_2203_again(world, simulator):
    e = world.register_insured()
    world.service.record_diagnoses(DOCTOR, e.id, [DiagnosisInput("I20.900", "心绞痛", main=True)])
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "胸痛, 请心内科会诊",
                                                             to_doctor_code="D002"))
    assert moved.mdtrt_id == e.mdtrt_id and moved.legs[1].mdtrt_id == e.mdtrt_id
    assert ok_codes(world.app, e.visit_id) == ["2201A", "2203", "2203"]
    on_platform = simulator.visit(e.mdtrt_id)
    assert on_platform.diagnoses[0]["diag_dept"] == "心血管内科门诊"
    assert on_platform.diagnoses[0]["dise_dor_no"] == "D420106000002"
    path = world.service.path(e.id)
    assert [(s.leg.clinic_code, s.leg.state) for s in path] == [("NK-1", LegState.TRANSFERRED),
                                                                 ("XNK-1", LegState.ACTIVE)]
    assert path[1].arrived_by.sent_by == "D001" and path[1].arrived_by.reason.startswith("胸痛")
    assert world.queues.entries[path[0].leg.queue_entry_id].state is QueueState.TRANSFERRED


def test_transfer_to_a_clinic_that_registers_separately_cancels_the_old_registration(world, simulator):
    e = world.register_insured()
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "SEP-1", "特需门诊", to_doctor_code="D002"))
    transfer = moved.transfers[0]
    assert transfer.new_registration and transfer.old_visit_id == e.visit_id
    assert transfer.old_registration is OldRegistration.CANCELLED and moved.mdtrt_id != e.mdtrt_id
    assert world.app.outpatient.get_visit(e.visit_id).state is VisitState.CANCELLED
    assert simulator.visit(e.mdtrt_id).cancelled and not simulator.visit(moved.mdtrt_id).cancelled
    assert world.app.outpatient.get_visit(moved.visit_id).dept_code == "XNK01"


def test_with_keep_configured_the_old_registration_stays_beside_the_new(keeping_world, simulator):
    world = keeping_world
    e = world.register_insured()
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "急诊", to_doctor_code="D002",
                                                             med_type="13"))
    assert moved.transfers[0].old_registration is OldRegistration.KEPT and moved.med_type == "13"
    assert world.app.outpatient.get_visit(e.visit_id).state is VisitState.REGISTERED
    assert world.app.outpatient.get_visit(moved.visit_id).med_type == "13"
    back = world.service.undo_transfer(DOCTOR, e.id)  # the receiving registration goes, the kept one serves
    assert back.visit_id == e.visit_id and back.mdtrt_id == e.mdtrt_id
    assert world.app.outpatient.get_visit(moved.visit_id).state is VisitState.CANCELLED


def test_undo_after_the_receiving_consultation_started_changes_nothing(world):
    e = world.register_insured()
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "会诊", to_doctor_code="D002"))
    world.queues.set_state(moved.legs[1].queue_entry_id, QueueState.IN_CONSULTATION)
    with pytest.raises(IllegalTransition, match="IN_CONSULTATION"):
        world.service.undo_transfer(DOCTOR, e.id)
    assert world.service.get(e.id) == moved
    with pytest.raises(ValidationFailed) as err:
        world.service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "again", to_doctor_code="D002"))
    assert err.value.violations[0].field == "to_clinic_code"
    assert world.service.get(e.id) == moved


def test_insured_payment_runs_2204_2206_2207_and_records_the_cash_part(world, simulator):
    e = world.register_insured()
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    assert paid.setl_id and paid.fund_amount + paid.amount == Decimal("11.00")
    assert ok_codes(world.app, e.visit_id) == ["2201A", "2204", "2206", "2207"]
    [record] = world.service.history(world.insured.id).records
    assert [s.setl_id for s in record.settlements] == [paid.setl_id]
    assert record.encounter.outstanding() == Decimal("0.00")
    with pytest.raises(IllegalTransition, match="2208"):
        world.service.refund(OP, RefundPayment(e.id, paid.id, Decimal("0.01")))


def test_self_pay_register_pay_cash_refund_part(world):
    e = world.service.register(OP, RegisterEncounter(world.self_pay.id, "NK-1", "EXPERT", doctor_code="D003"))
    world.service.add_charges(DOCTOR, e.id, [ChargeInput("XD01", "血常规", "250102001", Decimal("20.00"),
                                                         Decimal("1"), Decimal("20.00"))])
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH", amount=Decimal("51.00")))
    refund = world.service.refund(OP, RefundPayment(e.id, paid.id, Decimal("20.00"), reason="未检查"))
    stored = world.service.get(e.id)
    assert stored.total_paid() == Decimal("31.00") and stored.payments[1].amount == Decimal("20.00")
    day, first, second = paid.receipt_no[:8], int(paid.receipt_no[8:]), int(refund.receipt_no[8:])
    assert refund.receipt_no[:8] == day and second == first + 1  # gap-free within the day
    with pytest.raises(ValidationFailed):
        world.service.refund(OP, RefundPayment(e.id, paid.id, Decimal("31.01")))
    assert world.service.get(e.id) == stored


def test_bad_input_names_the_fields_and_stores_nothing(world):
    with pytest.raises(ValidationFailed) as err:
        world.service.register(OP, RegisterEncounter(world.self_pay.id, "", "SOMETIMES"))
    assert [v.field for v in err.value.violations] == ["clinic_code", "reg_type"]
    with pytest.raises(ValidationFailed) as err:
        world.service.register(OP, RegisterEncounter(world.insured.id, "NK-1", "ORDINARY", coverage="INSURED",
                                                     insutype="310", med_type="11", mdtrt_cert_type="02",
                                                     mdtrt_cert_no="x"))
    assert err.value.violations[0].field == "doctor_code"  # 2201A names its doctor
    assert world.service.history(world.self_pay.id).records == []
    assert world.service.history(world.insured.id).records == []


def test_after_the_registration_fee_was_settled_a_transfer_registers_anew_and_keeps_the_settled_one(world):
    e = world.register_insured()
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "会诊", to_doctor_code="D002"))
    transfer = moved.transfers[0]
    assert transfer.new_registration and transfer.old_registration is OldRegistration.KEPT
    assert world.app.outpatient.get_visit(e.visit_id).state is VisitState.SETTLED
    assert moved.mdtrt_id != e.mdtrt_id and paid.setl_id


def test_a_settlement_whose_recording_was_lost_is_recorded_not_paid_twice(world, simulator):
    from services.encounters import insurance_translation as yb

    e = world.register_insured()
    # as if PayEncounter had settled and then failed to record: the batch is on the visit, not on the encounter
    batch = "LOSTRECORDING0000001"
    dept, doctor = world.directory.department("NK"), world.directory.staff("D001")
    world.app.outpatient.upload_fees(OP, e.visit_id, yb.fee_items(e.charges, batch, dept, doctor))
    _visit, settlement = world.app.outpatient.settle(OP, e.visit_id, batch)
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    assert paid.setl_id == settlement.setl_id and paid.chrg_bchno == batch
    assert ok_codes(world.app, e.visit_id).count("2207") == 1
    assert world.service.get(e.id).outstanding() == Decimal("0.00")
