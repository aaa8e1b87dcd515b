"""Two nurses, one bed; two clerks, one 住院证: on real connections from two threads, one wins."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from inpatientkit import CLERK, NURSE, CommitBarrier, World, run_together

from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.inpatient import (AdmissionDiagnosis, AdmissionOrder, BedState, Condition, InpatientStay, OrderState,
                              StayCoverage, StayState)
from services.inpatient import Admit, InpatientService

T = datetime(2026, 12, 7, 10, 0)


def test_two_nurses_giving_the_same_bed_at_once_one_wins(app):
    world = World(app, beds=1)
    world.service.admit(NURSE, Admit(world.order().id))  # the ward is full
    first = world.service.admit(NURSE, Admit(world.order().id)).stay
    second = world.service.admit(NURSE, Admit(world.order().id)).stay
    leaving = world.service.ward(world.nk).bed("01").stay_id
    world.service.cancel(CLERK, leaving)  # the bed is free; both nurses read it so

    racing = InpatientService(CommitBarrier(app.container.uow, 2), world.encounters, world.directory, world.patients,
                              world.clock)
    results = run_together(lambda: racing.assign_bed(NURSE, first.id, "01"),
                           lambda: racing.assign_bed(NURSE, second.id, "01"))

    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ConcurrencyConflict)
    bed = world.service.ward(world.nk).bed("01")
    assert (bed.state, bed.stay_id) == (BedState.OCCUPIED, won[0].id)
    loser = second if won[0].id == first.id else first
    assert world.service.get(loser.id).bed_code == ""
    assert [e.stay_id for e in world.service.waiting_list(world.nk)] == [loser.id]  # still waiting


def test_two_clerks_admitting_with_the_same_order_make_one_admission(app):
    world = World(app)
    order = world.order()
    results = run_together(lambda: world.service.admit(CLERK, Admit(order.id)),
                           lambda: world.service.admit(NURSE, Admit(order.id)))
    admitted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(admitted) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], (ConcurrencyConflict, IllegalTransition))
    stays = world.service.stays_of_encounter(order.encounter_id)
    assert [s.id for s in stays] == [admitted[0].stay.id]
    assert world.service.get_order(order.id).stay_id == admitted[0].stay.id
    occupied = [b for b in world.service.ward(world.nk).beds if b.state is BedState.OCCUPIED]
    assert [b.stay_id for b in occupied] == [admitted[0].stay.id]


def _stay(order_id: str, ipt_no: str) -> InpatientStay:
    return InpatientStay(id=str(uuid.uuid4()), ipt_no=ipt_no, patient_id="P", encounter_id="E",
                         admission_order_id=order_id, dept_code="NK", ward_code="W", condition=Condition.ORDINARY,
                         diagnoses=[AdmissionDiagnosis("A", "a", True)], coverage=StayCoverage.SELF_PAY,
                         admitted_at=T, admitted_by="N", state=StayState.IN_HOSPITAL)


def test_the_store_keeps_one_live_stay_per_order_and_one_stay_per_ipt_no(app):
    uow = app.container.uow
    order_id, tag = str(uuid.uuid4()), uuid.uuid4().hex[:10]
    with uow() as u:
        u.stays.add(_stay(order_id, f"T{tag}1"))
        u.commit()
    with pytest.raises(ConcurrencyConflict), uow() as u:
        u.stays.add(_stay(order_id, f"T{tag}2"))
        u.commit()
    with pytest.raises(ConcurrencyConflict), uow() as u:
        u.stays.add(_stay(str(uuid.uuid4()), f"T{tag}1"))
        u.commit()
    with uow() as u:  # once the first is cancelled, the order may serve another admission
        first = u.stays.by_ipt_no(f"T{tag}1")
        first.state = StayState.CANCELLED
        u.stays.add(_stay(order_id, f"T{tag}3"))
        u.commit()


def test_a_stay_read_before_a_change_cannot_overwrite_it(app):
    uow = app.container.uow
    stay = _stay(str(uuid.uuid4()), f"T{uuid.uuid4().hex[:10]}")
    with uow() as u:
        u.stays.add(stay)
        u.commit()
    with uow() as a:
        mine = a.stays.get(stay.id)
        with app.container.uow() as b:
            theirs = b.stays.get(stay.id)
            theirs.deposit_waived = "GREEN_CHANNEL"
            b.commit()
        mine.cancel_reason = "x"
        with pytest.raises(ConcurrencyConflict):
            a.commit()


def test_a_stay_and_an_order_come_back_as_they_were_written(app):
    uow = app.container.uow
    order = AdmissionOrder(id=str(uuid.uuid4()), encounter_id="E", patient_id="P", dept_code="NK", ward_code="W",
                           diagnoses=[AdmissionDiagnosis("J18.900", "肺炎", True, "1")], condition=Condition.URGENT,
                           suggested_deposit=Decimal("2000.50"), planned_date=T.date(), issued_by="D", issued_at=T,
                           med_type="21", dise_codg="X01", dise_name="病种")
    with uow() as u:
        u.admission_orders.add(order)
        u.commit()
    with uow() as u:
        back = u.admission_orders.get(order.id)
    assert back == order and back.version == 1 and back.state is OrderState.ISSUED
    assert isinstance(back.suggested_deposit, Decimal) and back.condition is Condition.URGENT


def test_four_desks_admitting_to_one_ward_at_once_all_get_beds(app):
    # (no commit barrier here: the 住院号's per-day counter is taken before the commit, so desks already
    # queue on it; whoever read the ward before the one ahead committed finds its first free bed gone)
    world = World(app, beds=6)
    orders = [world.order() for _ in range(4)]
    results = run_together(*[lambda o=o: world.service.admit(NURSE, Admit(o.id)) for o in orders])
    assert not [r for r in results if isinstance(r, Exception)], results  # a lost bed is retried, not refused
    beds = [r.stay.bed_code for r in results]
    assert len(set(beds)) == 4 and all(beds)
    occupied = {b.code: b.stay_id for b in world.service.ward(world.nk).beds if b.state is BedState.OCCUPIED}
    assert {r.stay.bed_code: r.stay.id for r in results} == occupied
