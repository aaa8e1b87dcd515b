"""Self-pay encounters through the use cases, on the storage fakes and fakes of the called contexts."""
from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from domain.encounters import EncounterState, LegState, PaymentKind
from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.operator import Operator
from domain.queues import QueueState
from services.encounters import (ChargeInput, EncounterService, PayEncounter, RefundPayment, RegisterEncounter,
                                 TransferEncounter)

shared = sys.modules["tests_shared_fakes"]
ds = sys.modules["tests_doctor_station_fakes"]
OP = Operator("R01", "挂号员", role="registrar")
DOCTOR = Operator("D001", "王医生", role="doctor")


@pytest.fixture
def world():
    queues, patients = ds.FakeQueues(), ds.FakePatients()
    patients.add(ds.self_pay_patient())
    uow = ds.queueing(shared.fake_uow_factory(), queues)
    service = EncounterService(uow, None, ds.FakeDirectory(), patients, queues, shared.StepClock())
    return service, queues, uow


def register(service, **more):
    return service.register(OP, RegisterEncounter(**{"patient_id": "P-SELF", "clinic_code": "NK-1",
                                                     "doctor_code": "D001", "reg_type": "ORDINARY", **more}))


def test_self_pay_registration_is_queued_with_its_fee_lines(world):
    service, queues, _ = world
    e = register(service, reg_type="EMERGENCY")
    stored = service.get(e.id)
    assert stored.state is EncounterState.OPEN and stored.outstanding() == Decimal("16.00")
    [entry] = queues.of_encounter(e.id)
    assert entry.state is QueueState.WAITING and entry.flags.emergency and entry.flags.age == 45
    assert entry.patient_label == "张*" and stored.legs[0].queue_entry_id == entry.id


def test_bad_registration_input_names_fields_and_stores_nothing(world):
    service, queues, uow = world
    with pytest.raises(ValidationFailed) as err:
        register(service, reg_type="VIP", insutype="310")
    assert [v.field for v in err.value.violations] == ["reg_type", "insutype"]
    with pytest.raises(ValidationFailed) as err:
        register(service, clinic_code="NOPE")
    assert err.value.violations[0].field == "clinic_code"
    with pytest.raises(ValidationFailed) as err:
        register(service, clinic_code="XNK-1", doctor_code="D001")  # 王医生 does not work there
    assert err.value.violations[0].field == "doctor_code"
    with pytest.raises(ValidationFailed) as err:
        register(service, coverage="INSURED", insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no="1")
    assert err.value.violations[0].field == "coverage"  # no insurance read for this patient
    with pytest.raises(NotFound):
        register(service, patient_id="P-NOBODY")
    assert uow.encounters == {} and queues.entries == {}


def test_pay_cash_then_refund_part_with_gap_free_receipts(world):
    service, _, _ = world
    e = register(service)
    service.add_charges(DOCTOR, e.id, [ChargeInput("XD01", "血常规", "250102001", Decimal("20.00"), Decimal("1"),
                                                   Decimal("20.00"))])
    with pytest.raises(ValidationFailed) as err:
        service.pay(OP, PayEncounter(e.id, "CASH", amount=Decimal("11.00")))  # the screen showed the old total
    assert err.value.violations[0].field == "amount"
    with pytest.raises(ValidationFailed) as err:
        service.pay(OP, PayEncounter(e.id, "MOBILE_PAY"))
    assert err.value.violations[0].field == "reference"
    paid = service.pay(OP, PayEncounter(e.id, "CASH", amount=Decimal("31.00")))
    refund = service.refund(OP, RefundPayment(e.id, paid.id, Decimal("20.00"), reason="检查未做"))
    with pytest.raises(ValidationFailed):
        service.refund(OP, RefundPayment(e.id, paid.id, Decimal("11.01")))
    stored = service.get(e.id)
    assert paid.amount == Decimal("31.00") and refund.kind is PaymentKind.REFUND
    assert stored.total_paid() == Decimal("11.00") and stored.outstanding() == Decimal("0.00")
    assert [p.receipt_no[-6:] for p in stored.payments] == ["000001", "000002"]
    with pytest.raises(IllegalTransition):
        service.pay(OP, PayEncounter(e.id, "CASH"))


def test_transfer_moves_the_patient_and_undo_brings_them_back(world):
    service, queues, _ = world
    e = register(service)
    moved = service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "胸痛待查", to_doctor_code="D002"))
    first, second = moved.legs
    assert queues.entries[first.queue_entry_id].state is QueueState.TRANSFERRED
    assert queues.entries[second.queue_entry_id].state is QueueState.WAITING
    assert [(s.leg.clinic_code, s.arrived_by and s.arrived_by.reason) for s in service.path(e.id)] == [
        ("NK-1", None), ("XNK-1", "胸痛待查")]
    back = service.undo_transfer(DOCTOR, e.id)
    assert [leg.state for leg in back.legs] == [LegState.ACTIVE, LegState.UNDONE]
    assert queues.entries[first.queue_entry_id].state is QueueState.WAITING
    assert queues.entries[second.queue_entry_id].state is QueueState.WITHDRAWN


def test_transfer_refusals_change_nothing(world):
    service, queues, uow = world
    e = register(service)
    with pytest.raises(ValidationFailed) as err:
        service.transfer(DOCTOR, TransferEncounter(e.id, "NK-1", "再看", to_doctor_code="D001"))
    assert err.value.violations[0].field == "to_clinic_code"
    moved = service.transfer(DOCTOR, TransferEncounter(e.id, "XNK-1", "会诊", to_doctor_code="D002"))
    queues.set_state(moved.legs[1].queue_entry_id, QueueState.IN_CONSULTATION)
    before = service.get(e.id)
    with pytest.raises(IllegalTransition, match="IN_CONSULTATION"):
        service.undo_transfer(DOCTOR, e.id)
    queues.set_state(moved.legs[1].queue_entry_id, QueueState.FINISHED)
    with pytest.raises(IllegalTransition, match="FINISHED"):
        service.transfer(DOCTOR, TransferEncounter(e.id, "NK-1", "回内科", to_doctor_code="D003"))
    assert service.get(e.id) == before


def test_history_lists_a_patients_encounters_newest_first(world):
    service, _, _ = world
    first, second = register(service), register(service, clinic_code="XNK-1", doctor_code="D002")
    service.pay(OP, PayEncounter(first.id, "BANK_CARD", reference="POS123"))
    page = service.history("P-SELF", limit=1)
    assert [r.encounter.id for r in page.records] == [second.id] and page.next_after is not None
    rest = service.history("P-SELF", limit=5, after=page.next_after)
    [record] = rest.records
    assert record.encounter.id == first.id and record.clinic_names == {"NK-1": "内科一诊室"}
    assert record.doctor_names == {"D001": "王医生"} and record.encounter.payments[0].reference == "POS123"
    assert rest.next_after is None


def test_cancel_before_the_consultation_withdraws_the_queue_entry(world):
    service, queues, _ = world
    e = register(service)
    paid = service.pay(OP, PayEncounter(e.id, "CASH"))
    with pytest.raises(IllegalTransition, match="refund"):
        service.cancel(OP, e.id)
    service.refund(OP, RefundPayment(e.id, paid.id, paid.amount))
    cancelled = service.cancel(OP, e.id)
    assert cancelled.state is EncounterState.CANCELLED
    assert queues.entries[cancelled.legs[0].queue_entry_id].state is QueueState.WITHDRAWN
