"""One connection per request scope, lent to one use at a time; never a shared transaction."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event

from adapters.db.connections import Connections
from adapters.db.engine import statement_engine
from adapters.db.journal_store import SqlJournalStore
from adapters.db.unit_of_work import SqlUnitOfWork
from db_builders import build_visit, new_id
from domain.journal import JournalEntry


@pytest.fixture
def connections(engine):
    return Connections(statement_engine(engine))


@pytest.fixture
def checkouts(engine):
    counted = []
    listener = lambda *_args: counted.append(1)  # noqa: E731
    event.listen(engine.pool, "checkout", listener)
    yield counted
    event.remove(engine.pool, "checkout", listener)


def _entry() -> JournalEntry:
    return JournalEntry(msgid=new_id("H"), infno="1101", operator_code="OP001", created_at=datetime(2026, 3, 2, 10),
                        request={"input": {}})


def test_inside_a_scope_one_checkout_serves_the_unit_of_work_and_the_journal(connections, checkouts):
    uow, journal = SqlUnitOfWork(connections), SqlJournalStore(connections)
    visit = build_visit()
    with connections.scope():
        with uow:
            uow.visits.add(visit)
            uow.commit()
        entry_id = journal.open(_entry())
        journal.close(entry_id, "OK")
        with uow:
            assert uow.visits.get(visit.id) == visit
    assert len(checkouts) == 1


def test_outside_a_scope_every_use_checks_out_its_own(connections, checkouts):
    journal = SqlJournalStore(connections)
    entry_id = journal.open(_entry())
    journal.close(entry_id, "OK")
    assert len(checkouts) == 2


def test_a_journal_write_inside_an_open_unit_of_work_does_not_commit_its_changes(connections, engine):
    uow, journal = SqlUnitOfWork(connections), SqlJournalStore(connections)
    visit = build_visit()
    with connections.scope():
        with uow:
            uow.visits.add(visit)
            uow.visits.get(visit.id)  # flushed: written, not committed, on the lent connection
            entry_id = journal.open(_entry())  # needs a connection of its own, and commits on it
        assert journal.get(entry_id) is not None
        with uow:
            assert uow.visits.get(visit.id) is None  # the unit of work left without commit


def test_the_connection_comes_back_rolled_back(connections):
    uow = SqlUnitOfWork(connections)
    visit = build_visit()
    with connections.scope():
        with uow:
            uow.visits.add(visit)
            uow.visits.get(visit.id)  # flushed, then the block ends without commit
        with uow:
            assert uow.visits.get(visit.id) is None
            uow.visits.add(build_visit())
            uow.commit()  # the next transaction on the same connection is its own


def test_scope_end_returns_the_connection_and_nested_scopes_keep_it(connections, engine):
    journal = SqlJournalStore(connections)
    before = engine.pool.checkedout()
    with connections.scope():
        journal.open(_entry())
        with connections.scope():
            journal.open(_entry())
            assert engine.pool.checkedout() == before + 1
        assert engine.pool.checkedout() == before + 1  # the outer scope still holds it
    assert engine.pool.checkedout() == before


def test_an_invalidated_connection_is_replaced(connections, checkouts):
    journal = SqlJournalStore(connections)
    with connections.scope():
        journal.open(_entry())
        with connections.connection() as conn:
            conn.invalidate()  # as after a disconnect
        journal.open(_entry())
    assert len(checkouts) == 2
