"""Saving a visit by its differences from what was loaded: a visit kept across units of work,
children added, changed and removed, and what a failed or abandoned write leaves behind."""
from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adapters.db import tables as t
from adapters.db.unit_of_work import SqlUnitOfWork
from db_builders import build_diagnosis, build_fee, build_settlement, build_visit, new_id
from domain.errors import ConcurrencyConflict
from domain.person import Insurance, InsuredPerson
from domain.settlement import FundPayment
from domain.visit import FeeState, Visit, VisitState
from ports.repositories import VisitFilter


def _count(engine, table, **where) -> int:
    stmt = select(func.count()).select_from(table)
    for name, value in where.items():
        stmt = stmt.where(table.c[name] == value)
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def _store(uow, visit: Visit) -> Visit:
    with uow:
        uow.visits.add(visit)
        uow.commit()
    return visit


def _load(uow, visit_id: str) -> Visit:
    with uow:
        return uow.visits.get(visit_id)


def _attach(uow, visit: Visit) -> None:
    with uow:
        uow.visits.attach(visit)
        uow.commit()


def test_one_visit_object_saved_through_several_units_of_work(sql_uow, engine):
    """What one commit inserted, the next one updates: no duplicate rows, one bump per commit."""
    visit = build_visit(mdtrt_id=new_id("M"))
    visit.add_fees([build_fee("F1", "B1", "1", "1.00")])
    _store(sql_uow, visit)
    visit.cancel_fees("B1")
    visit.add_fees([build_fee("F2", "B2", "2", "0.50")])
    _attach(sql_uow, visit)
    visit.begin_settlement("B2")
    visit.complete_settlement(build_settlement(visit, "B2", total="1.00"))
    _attach(sql_uow, visit)
    visit.settlements[0].details[0].fund_payamt = Decimal("0.69")
    visit.settlements[0].details[1].fund_payamt = Decimal("0.01")
    _attach(sql_uow, visit)

    assert visit.version == 4
    loaded = _load(sql_uow, visit.id)
    assert loaded == visit and loaded.version == 4
    assert [(f.feedetl_sn, f.state) for f in loaded.fees] == [("F1", FeeState.CANCELLED), ("F2", FeeState.SETTLED)]
    assert [str(d.fund_payamt) for d in loaded.settlements[0].details] == ["0.69", "0.01"]
    assert _count(engine, t.fee_items, visit_id=visit.id) == 2
    assert _count(engine, t.settlements, visit_id=visit.id) == 1
    assert _count(engine, t.setl_details, settlement_id=_settlement_id(engine, visit.id)) == 2


def _settlement_id(engine, visit_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(t.settlements.c.id).where(t.settlements.c.visit_id == visit_id)).scalar_one()


def test_children_removed_are_deleted_and_a_freed_key_can_be_used_again(sql_uow, engine):
    visit = build_visit()
    visit.record_diagnoses([build_diagnosis(1), build_diagnosis(2, "I10.x00")])
    visit.add_fees([build_fee("F1", "B1", "1", "1.00"), build_fee("F2", "B1", "1", "2.00")])
    _store(sql_uow, visit)

    with sql_uow:
        loaded = sql_uow.visits.get(visit.id)
        loaded.fees.pop(0)  # F1 goes ...
        loaded.fees.append(build_fee("F1", "B2", "3", "1.00"))  # ... and comes back as a new row
        loaded.diagnoses.pop()
        sql_uow.commit()

    again = _load(sql_uow, visit.id)
    assert [(f.feedetl_sn, f.chrg_bchno) for f in again.fees] == [("F2", "B1"), ("F1", "B2")]
    assert [d.diag_srt_no for d in again.diagnoses] == [1]
    assert _count(engine, t.fee_items, visit_id=visit.id) == 2
    assert _count(engine, t.diagnoses, visit_id=visit.id) == 1


def test_fund_rows_of_a_stored_settlement_come_and_go(sql_uow, engine):
    visit = build_visit(mdtrt_id=new_id("M"))
    visit.add_fees([build_fee("F1", "B1", "1", "0.30")])
    visit.begin_settlement("B1")
    visit.complete_settlement(build_settlement(visit, "B1", total="0.30"))
    _store(sql_uow, visit)
    settlement_id = _settlement_id(engine, visit.id)

    with sql_uow:
        details = sql_uow.visits.get(visit.id).settlements[0].details
        details.pop(0)
        details.append(FundPayment(fund_pay_type="610100", fund_payamt=Decimal("0.21")))
        sql_uow.commit()

    again = _load(sql_uow, visit.id)
    assert [(d.fund_pay_type, str(d.fund_payamt)) for d in again.settlements[0].details] == [
        ("310200", "0.00"), ("610100", "0.21")]
    assert again.version == 2
    assert _count(engine, t.setl_details, settlement_id=settlement_id) == 2


def test_a_stale_visit_attached_later_conflicts_and_writes_nothing(sql_uow, engine):
    visit = _store(sql_uow, build_visit(mdtrt_id=new_id("M")))
    stale = _load(sql_uow, visit.id)
    with sql_uow:  # someone else changes the visit meanwhile
        sql_uow.visits.get(visit.id).add_fees([build_fee("F1", "B1", "1", "1.00")])
        sql_uow.commit()

    stale.add_fees([build_fee("F2", "B1", "1", "2.00")])  # a change confined to children
    with pytest.raises(ConcurrencyConflict), sql_uow:
        sql_uow.visits.attach(stale)
        sql_uow.commit()
    assert _count(engine, t.fee_items, visit_id=visit.id, feedetl_sn="F2") == 0
    assert stale.version == 1  # as loaded: nothing of the failed write sticks to it
    assert _load(sql_uow, visit.id).version == 2


def test_a_copy_that_lost_its_origin_is_a_new_visit_and_clashes(sql_uow):
    visit = _store(sql_uow, build_visit())
    with pytest.raises(ConcurrencyConflict), sql_uow:
        sql_uow.visits.attach(replace(visit))  # dataclasses.replace: no snapshot, so an INSERT
        sql_uow.commit()


def test_a_flush_left_uncommitted_is_undone(sql_uow):
    visit = _store(sql_uow, build_visit(mdtrt_id=new_id("M")))
    loaded = _load(sql_uow, visit.id)
    loaded.add_fees([build_fee("F1", "B1", "1", "1.00")])
    with sql_uow:
        sql_uow.visits.attach(loaded)
        sql_uow.visits.list(VisitFilter(psn_no=visit.psn_no))  # flushes the visit first, then nothing commits
    assert loaded.version == 1
    assert _load(sql_uow, visit.id).fees == []
    _attach(sql_uow, loaded)  # still saved against what it was loaded from
    assert [f.feedetl_sn for f in _load(sql_uow, visit.id).fees] == ["F1"]


def test_a_unit_of_work_hands_out_one_object_per_visit(sql_uow):
    visit = _store(sql_uow, build_visit(mdtrt_id=new_id("M"), state=VisitState.REGISTERED))
    with sql_uow:
        first = sql_uow.visits.get(visit.id)
        assert sql_uow.visits.by_mdtrt_id(visit.mdtrt_id) is first
        assert any(v is first for v in sql_uow.visits.list(VisitFilter(psn_no=visit.psn_no)).visits)


def test_unchanged_visit_is_not_written(sql_uow):
    visit = _store(sql_uow, build_visit())
    with sql_uow:
        sql_uow.visits.get(visit.id)
        sql_uow.commit()
    assert _load(sql_uow, visit.id).version == 1


def test_concurrent_saves_of_one_new_person_both_succeed(session_factory, engine):
    """Saving replaces the person's picture: two at once are not a conflict, and the insurances
    left are those of one picture, never a mix or a double set."""
    psn_no = new_id("P")
    both = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def save(balc: str) -> None:
        uow = SqlUnitOfWork(session_factory)
        person = InsuredPerson(psn_no=psn_no, psn_name="王五", psn_cert_type="01", certno="1", gend="1",
                               insurances=[Insurance("310", Decimal(balc), "11", "420100"),
                                           Insurance("390", Decimal(balc), "11", "420100")])
        try:
            with uow:
                uow.persons.save(person)
                both.wait()
                uow.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(b,)) for b in ("1.00", "2.00")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with SqlUnitOfWork(session_factory) as uow:
        stored = uow.persons.get(psn_no)
    assert len({i.balc for i in stored.insurances}) == 1 and len(stored.insurances) == 2
    assert _count(engine, t.insurances, psn_no=psn_no) == 2


def test_domain_classes_are_left_uninstrumented():
    import services.bootstrap  # noqa: F401 - the whole wiring imported: still no ORM instrumentation

    assert not hasattr(Visit, "_sa_class_manager") and not hasattr(InsuredPerson, "_sa_class_manager")
