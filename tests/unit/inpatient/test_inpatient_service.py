"""Self-pay stays through the use cases, on the storage fakes (tests/fakes.py) and fakes of the called
contexts: the fake unit of work keeps the rules of the real one (versions per bed, one live stay per order)."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import ConcurrencyConflict, IllegalTransition, ValidationFailed
from domain.inpatient import Bed, BedState, OrderState, StayState, Ward
from domain.operator import Operator
from services.encounters import DiagnosisInput, EncounterService, RegisterEncounter
from services.inpatient import (Admit, ChargeLineInput, DepositInput, InpatientService, IssueAdmissionOrder,
                                RecordCharges, SettleStay, demo_wards_file, read_wards)

shared = sys.modules["tests_shared_fakes"]
ds = sys.modules["tests_doctor_station_fakes"]
OP = Operator("R01", "挂号员", role="registrar")
DOCTOR = Operator("D001", "王医生", role="doctor")
NURSE = Operator("N001", "钱护士", role="ward_nurse")


@pytest.fixture
def world():
    queues, patients, directory = ds.FakeQueues(), ds.FakePatients(), ds.WardDirectory()
    patients.add(ds.self_pay_patient())
    uow = shared.fake_uow_factory()
    encounters = EncounterService(ds.queueing(uow, queues), None, directory, patients, queues, shared.StepClock())
    clock = shared.ManualClock(datetime(2026, 12, 7, 10, 0))
    service = InpatientService(uow, encounters, directory, patients, clock)
    service.load_wards([Ward("NKBQ", "内科病区", "NK", [Bed("NKBQ", "01"), Bed("NKBQ", "02")])])
    return service, encounters, uow, clock


def order(world, **more):
    service, encounters, _, _ = world
    e = encounters.register(OP, RegisterEncounter(patient_id="P-SELF", clinic_code="NK-1", doctor_code="D001",
                                                  reg_type="ORDINARY"))
    encounters.record_diagnoses(DOCTOR, e.id, [DiagnosisInput("J18.900", "肺炎")])
    return service.issue_order(DOCTOR, IssueAdmissionOrder(e.id, "NKBQ", **more))


def test_self_pay_stay_settles_against_the_deposit(world):
    service, _, _, clock = world
    o = order(world)
    assert o.diagnoses[0].main  # the visit's only diagnosis leads
    stay = service.admit(NURSE, Admit(o.id, deposit=DepositInput("MOBILE_PAY", Decimal("500"), "ZFB-1"))).stay
    assert (stay.bed_code, stay.ipt_no) == ("01", "ZY202612070001")
    for _ in range(3):
        service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),)))
        clock.at += timedelta(days=1)
    service.order_discharge(DOCTOR, stay.id)
    service.discharge(NURSE, stay.id)
    stay = service.settle(NURSE, SettleStay(stay.id))
    assert stay.state is StayState.SETTLED and stay.settlement.refund == Decimal("350.00")
    assert [d.receipt_no for d in stay.deposits] == ["YJ20261207000001", "YJ20261210000001"]


def test_the_fake_keeps_one_bed_per_stay_and_refuses_a_bed_given_twice(world):
    service, _, uow, _ = world
    for _ in range(2):
        service.admit(NURSE, Admit(order(world).id))
    waiting = service.admit(NURSE, Admit(order(world).id))
    assert waiting.waiting is not None
    first_bed = service.ward("NKBQ").bed("01").stay_id
    service.cancel(NURSE, first_bed)
    a, b = uow(), uow()
    with a, b:
        a.wards.get("NKBQ").bed("01").occupy("X", datetime(2026, 12, 7))
        b.wards.get("NKBQ").bed("01").occupy("Y", datetime(2026, 12, 7))
        a.commit()
        with pytest.raises(ConcurrencyConflict):
            b.commit()
    assert service.ward("NKBQ").bed("01").stay_id == "X"


def test_one_live_admission_per_order_and_an_order_cancelled_is_refused(world):
    service, _, _, _ = world
    o = order(world)
    service.admit(NURSE, Admit(o.id))
    with pytest.raises(IllegalTransition, match="USED"):
        service.admit(NURSE, Admit(o.id))
    other = order(world)
    service.cancel_order(DOCTOR, other.id)
    assert service.get_order(other.id).state is OrderState.CANCELLED


def test_a_bad_deposit_is_refused_before_anything_is_written(world):
    service, _, uow, _ = world
    o = order(world)
    with pytest.raises(ValidationFailed, match="deposit.reference"):
        service.admit(NURSE, Admit(o.id, deposit=DepositInput("BANK_CARD", Decimal("100"))))
    with pytest.raises(ValidationFailed, match="deposit.method"):
        service.admit(NURSE, Admit(o.id, deposit=DepositInput("CHEQUE", Decimal("100"))))
    assert uow.inpatient["stays"] == {} and service.ward("NKBQ").bed("01").state is BedState.FREE


def test_the_demo_wards_file_has_the_two_wards_of_the_demo_departments():
    wards = read_wards(demo_wards_file())
    assert [(w.code, w.name, w.dept_code, len(w.beds)) for w in wards] == \
        [("NKBQ", "内科病区", "NK", 10), ("WKBQ", "外科病区", "WK", 8)]


def test_a_wards_file_with_mistakes_names_each_place():
    from services.inpatient import parse_wards
    with pytest.raises(ValidationFailed) as err:
        parse_wards({"wards": [{"code": "A", "name": "甲", "dept_code": "NK", "beds": 0},
                               {"code": "A", "name": "", "dept_code": "NK", "beds": ["01", "01"]}]})
    assert [v.field for v in err.value.violations] == ["wards[0].beds", "wards[1].name", "wards[1].code",
                                                       "wards[1].beds"]
