"""The encounters' SQL repository: whole round trips, the version guard, the receipt sequence."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.db.encounter_tables import encounter_charges
from adapters.db.unit_of_work import SqlUnitOfWork
from domain.encounters import (Charge, Coverage, Encounter, EncounterDiagnosis, EncounterState, Leg, LegState,
                               OldRegistration, Payment, PaymentKind, PaymentMethod, Transfer)
from domain.errors import ConcurrencyConflict
from ports.encounters import EncounterCursor

T = datetime(2026, 3, 2, 9, 30)


def full(patient_id: str, at: datetime = T) -> Encounter:
    e = Encounter(id=str(uuid.uuid4()), patient_id=patient_id, day=at.date(), registered_at=at, registered_by="R01",
                  reg_type="EXPERT", coverage=Coverage.INSURED, state=EncounterState.OPEN, psn_no="4201",
                  insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no="420106198001011234",
                  visit_id="V1", mdtrt_id="M1", ipt_otp_no="MZE" + uuid.uuid4().hex[:20])
    e.legs = [Leg(1, "NK-1", "NK", "D001", "Q1", LegState.TRANSFERRED, at, at, "V1", "M1"),
              Leg(2, "XNK-1", "XNK", "D002", "Q2", LegState.ACTIVE, at, None, "V1", "M1")]
    e.transfers = [Transfer(1, 1, 2, "D001", "王医生", "胸痛", at, False, "", OldRegistration.NONE)]
    paid = str(uuid.uuid4())
    e.charges = [Charge(1, "GH01", "挂号费", "001101000010000", Decimal("1.5"), Decimal("2"), Decimal("3.00"), 1, at,
                        True, paid)]
    e.payments = [Payment(paid, f"R{uuid.uuid4().hex[:12]}", PaymentKind.PAYMENT, PaymentMethod.CASH, "",
                          Decimal("3.00"), at, "C01")]
    e.diagnoses = [EncounterDiagnosis(1, "1", "I20.900", "心绞痛", True, 1, "D001", at)]
    return e


def test_an_encounter_round_trips_whole(sql_uow):
    e = full(f"P-{uuid.uuid4()}")
    with sql_uow:
        sql_uow.encounters.add(e)
        sql_uow.commit()
    with sql_uow:
        loaded = sql_uow.encounters.get(e.id)
    assert loaded == e and loaded.version == 1
    assert str(loaded.charges[0].unit_price.normalize()) == "1.5" and loaded.transfers[0].old_registration is \
        OldRegistration.NONE


def test_a_change_saves_its_children_and_a_stale_copy_loses(sql_uow, engine, session_factory):
    e = full(f"P-{uuid.uuid4()}")
    with sql_uow:
        sql_uow.encounters.add(e)
        sql_uow.commit()
    with sql_uow:
        first = sql_uow.encounters.get(e.id)
    with sql_uow:
        second = sql_uow.encounters.get(e.id)
        second.charges.append(Charge(2, "XD01", "血常规", "250102001", Decimal("20"), Decimal("1"),
                                     Decimal("20.00"), 2, T))
        sql_uow.commit()
    assert second.version == 2
    with engine.connect() as conn:
        rows = conn.execute(select(encounter_charges.c.line_no).where(encounter_charges.c.encounter_id == e.id)).all()
    assert [r[0] for r in rows] == [1, 2]
    other = SqlUnitOfWork(session_factory)
    with sql_uow:
        stale = sql_uow.encounters.get(e.id)  # read at version 2
        with other:  # someone else changes it meanwhile
            other.encounters.get(e.id).state = EncounterState.CANCELLED
            other.commit()
        stale.charges.pop()
        with pytest.raises(ConcurrencyConflict):
            sql_uow.commit()
    with sql_uow:
        now = sql_uow.encounters.get(e.id)
    assert now.state is EncounterState.CANCELLED and len(now.charges) == 2 and now.version == 3
    assert first.version == 1


def test_a_patients_encounters_page_newest_first(sql_uow):
    patient = f"P-{uuid.uuid4()}"
    made = [full(patient, datetime(2026, 3, d, 9, 0)) for d in (1, 3, 2)]
    with sql_uow:
        for e in made:
            sql_uow.encounters.add(e)
        sql_uow.commit()
    with sql_uow:
        page = sql_uow.encounters.for_patient([patient], limit=2)
        rest = sql_uow.encounters.for_patient([patient], limit=2, after=page.next)
    assert [e.registered_at.day for e in page.encounters + rest.encounters] == [3, 2, 1]
    assert isinstance(page.next, EncounterCursor) and rest.next is None


def test_the_receipt_sequence_is_gap_free_across_a_rollback(sql_uow):
    day = date(2031 + uuid.uuid4().int % 900, 1, 1)  # a day of its own: one database serves the run
    with sql_uow:
        assert sql_uow.encounters.next_receipt_seq(day) == 1
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.encounters.next_receipt_seq(day) == 2  # rolled back: given back
    with sql_uow:
        assert sql_uow.encounters.next_receipt_seq(day) == 2
        assert sql_uow.encounters.next_receipt_seq(day) == 3
        sql_uow.commit()
