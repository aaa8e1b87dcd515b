from __future__ import annotations

import threading

import pytest

from adapters.db.unit_of_work import SqlUnitOfWork
from db_builders import build_fee, build_visit, new_id
from domain.errors import ConcurrencyConflict
from domain.visit import VisitState


def _stored_visit(session_factory, *fees):
    visit = build_visit(mdtrt_id=new_id("M"))
    visit.add_fees(list(fees) or [build_fee("F1", "B1", "1", "10.00")])
    with SqlUnitOfWork(session_factory) as uow:
        uow.visits.add(visit)
        uow.commit()
    return visit


def test_leaving_without_commit_discards_the_changes(sql_uow):
    visit = build_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
    with sql_uow:
        assert sql_uow.visits.get(visit.id) is None


def test_rollback_discards_what_came_before_it(sql_uow):
    visit = build_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.rollback()
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.visits.get(visit.id) is None


def test_an_exception_in_the_block_discards_the_changes(sql_uow):
    visit = build_visit()
    with pytest.raises(ZeroDivisionError), sql_uow:
        sql_uow.visits.add(visit)
        1 / 0
    with sql_uow:
        assert sql_uow.visits.get(visit.id) is None


def test_each_with_block_gets_a_new_session_and_nesting_is_refused(sql_uow):
    with sql_uow:
        first = sql_uow.visits
        with pytest.raises(RuntimeError):
            sql_uow.__enter__()
    with sql_uow:
        assert sql_uow.visits is not first
    with pytest.raises(RuntimeError):
        sql_uow.visits


def test_a_committed_change_bumps_the_version(session_factory):
    visit = _stored_visit(session_factory)
    with SqlUnitOfWork(session_factory) as uow:
        loaded = uow.visits.get(visit.id)
        assert loaded.version == 1
        loaded.begin_settlement("B1")
        uow.commit()
    assert loaded.version == 2


def test_second_of_two_overlapping_settlements_conflicts(session_factory):
    visit = _stored_visit(session_factory)
    first, second = SqlUnitOfWork(session_factory), SqlUnitOfWork(session_factory)
    with first, second:
        first.visits.get(visit.id).begin_settlement("B1")
        second.visits.get(visit.id).begin_settlement("B1")
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with first:
        assert first.visits.get(visit.id).state is VisitState.SETTLING


def test_changes_confined_to_children_conflict_too(session_factory):
    """Two uploads to one visit, each checked against fees the other has not seen."""
    visit = _stored_visit(session_factory)
    first, second = SqlUnitOfWork(session_factory), SqlUnitOfWork(session_factory)
    with first, second:
        first.visits.get(visit.id).add_fees([build_fee("F2", "B2", "1", "1.00")])
        second.visits.get(visit.id).add_fees([build_fee("F3", "B2", "1", "2.00")])
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with first:
        assert [f.feedetl_sn for f in first.visits.get(visit.id).fees] == ["F1", "F2"]


def test_a_child_state_change_alone_bumps_the_version(session_factory):
    visit = _stored_visit(session_factory)
    with SqlUnitOfWork(session_factory) as uow:
        loaded = uow.visits.get(visit.id)
        loaded.cancel_fees("B1")
        uow.commit()
    assert loaded.version == 2


def test_the_same_mdtrt_id_twice_is_a_conflict(sql_uow):
    mdtrt_id = new_id("M")
    with sql_uow:
        sql_uow.visits.add(build_visit(mdtrt_id=mdtrt_id))
        sql_uow.commit()
    with sql_uow:
        sql_uow.visits.add(build_visit(mdtrt_id=mdtrt_id))
        with pytest.raises(ConcurrencyConflict):
            sql_uow.commit()


def test_a_conflict_found_by_autoflush_in_the_block_is_a_conflict_too(sql_uow):
    mdtrt_id = new_id("M")
    with sql_uow:
        sql_uow.visits.add(build_visit(mdtrt_id=mdtrt_id))
        sql_uow.commit()
    with pytest.raises(ConcurrencyConflict), sql_uow:
        sql_uow.visits.add(build_visit(mdtrt_id=mdtrt_id))
        sql_uow.visits.list()  # the query flushes the pending visit first


@pytest.mark.postgres_only
def test_two_threads_settling_one_visit_exactly_one_wins(session_factory):
    visit = _stored_visit(session_factory)
    uow = SqlUnitOfWork(session_factory)  # one instance shared: sessions are per thread
    both_loaded = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def settle() -> None:
        with uow:
            uow.visits.get(visit.id).begin_settlement("B1")
            both_loaded.wait()
            try:
                uow.commit()
                outcomes.append("won")
            except ConcurrencyConflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=settle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    with uow:
        stored = uow.visits.get(visit.id)
        assert stored.state is VisitState.SETTLING and stored.version == 2
