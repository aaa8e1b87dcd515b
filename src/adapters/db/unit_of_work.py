"""Unit of work over one SQL Core connection (one transaction) per `with` block."""
from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine

from adapters.db.admission_store import SqlAdmissionRepository
from adapters.db.connections import Connections
from adapters.db.encounter_store import SqlEncounterRepository
from adapters.db.engine import statement_engine
from adapters.db.order_store import SqlExamRequestRepository
from adapters.db.exam_message_store import SqlExamOutbox
from adapters.db.inpatient_store import SqlAdmissionOrderRepository, SqlStayRepository, SqlWardRepository
from adapters.db.queue_repository import SqlQueueRepository, publish
from adapters.db.settlement_list_store import SqlSettlementListRepository
from adapters.db.repositories import SqlPersonRepository, SqlVisitRepository, Transaction, is_conflict
from domain.errors import ConcurrencyConflict
from ports.clock import Clock, SystemClock
from ports.queues import QueueSignal
from ports.unit_of_work import UnitOfWork

__all__ = ["SqlUnitOfWork", "is_conflict"]


class _Active(threading.local):
    conn: Connection | None = None
    tx: Transaction | None = None
    visits: SqlVisitRepository | None = None
    persons: SqlPersonRepository | None = None
    encounters: SqlEncounterRepository | None = None
    queues: SqlQueueRepository | None = None
    exam_requests: SqlExamRequestRepository | None = None
    exam_messages: SqlExamOutbox | None = None
    admissions: SqlAdmissionRepository | None = None
    admission_orders: SqlAdmissionOrderRepository | None = None
    stays: SqlStayRepository | None = None
    wards: SqlWardRepository | None = None
    settlement_lists: SqlSettlementListRepository | None = None


class SqlUnitOfWork(UnitOfWork):
    """Each `with` takes a connection from the pool; reads run on it as they come, the first
    write (at commit, or when a query flushes pending changes first) opens the transaction, and
    leaving the block without commit() rolls it back and discards the changes. Aggregates read
    in the block are plain dataclasses, whole, and stay readable after it.

    The open transaction lives per thread, so one instance may be shared by concurrent request
    handlers; nesting `with` on the same instance in one thread is refused.
    """

    def __init__(self, engine: Engine | Connections, clock: Clock | None = None,
                 queue_signal: QueueSignal | None = None):
        self._connections = engine if isinstance(engine, Connections) else Connections(statement_engine(engine))
        self._active = _Active()
        self._clock = clock or SystemClock()  # stamps a person's read time in the hospital's zone
        self._queue_signal = queue_signal  # told which clinics' queue events a commit published

    @property
    def visits(self) -> SqlVisitRepository:
        return self._require().visits

    @property
    def persons(self) -> SqlPersonRepository:
        return self._require().persons

    @property
    def encounters(self) -> SqlEncounterRepository:
        return self._require().encounters

    @property
    def queues(self) -> SqlQueueRepository:
        return self._require().queues

    @property
    def exam_requests(self) -> SqlExamRequestRepository:
        return self._require().exam_requests

    @property
    def exam_messages(self) -> SqlExamOutbox:
        return self._require().exam_messages

    @property
    def admissions(self) -> SqlAdmissionRepository:
        return self._require().admissions

    @property
    def admission_orders(self) -> SqlAdmissionOrderRepository:
        return self._require().admission_orders

    @property
    def stays(self) -> SqlStayRepository:
        return self._require().stays

    @property
    def wards(self) -> SqlWardRepository:
        return self._require().wards

    @property
    def settlement_lists(self) -> SqlSettlementListRepository:
        return self._require().settlement_lists

    def _require(self) -> _Active:
        active = self._active
        if active.conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return active

    def __enter__(self) -> SqlUnitOfWork:
        active = self._active
        if active.conn is not None:
            raise RuntimeError("unit of work is already open in this thread")
        conn = self._connections.lease()
        active.conn, active.tx = conn, Transaction(conn)
        active.visits = SqlVisitRepository(active.tx)
        active.persons = SqlPersonRepository(active.tx, self._clock.now)
        active.encounters = SqlEncounterRepository(active.tx)
        active.queues = SqlQueueRepository(active.tx, self._clock.now)
        active.exam_requests = SqlExamRequestRepository(active.tx)
        active.exam_messages = SqlExamOutbox(active.tx)
        active.admissions = SqlAdmissionRepository(active.tx)
        active.admission_orders = SqlAdmissionOrderRepository(active.tx)
        active.stays = SqlStayRepository(active.tx)
        active.wards = SqlWardRepository(active.tx)
        active.settlement_lists = SqlSettlementListRepository(active.tx)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        active = self._active
        conn, visits, encounters, exams = active.conn, active.visits, active.encounters, active.exam_requests
        admissions, active.admissions = active.admissions, None
        active.conn = active.tx = active.visits = active.persons = None
        active.encounters = None
        active.queues = None
        active.exam_requests = None
        active.exam_messages = None
        inpatient = (active.admission_orders, active.stays, active.wards)
        active.admission_orders = active.stays = active.wards = None
        lists, active.settlement_lists = active.settlement_lists, None
        if conn is not None:
            visits.rolled_back()  # whatever was flushed and not committed is undone below
            encounters.rolled_back()
            exams.rolled_back()
            admissions.rolled_back()
            for repository in inpatient:
                repository.rolled_back()
            lists.rolled_back()
            self._connections.release(conn)  # rolled back
        if is_conflict(exc):
            raise ConcurrencyConflict("a record with the same key was written by someone else") from exc

    def commit(self) -> None:
        active = self._require()
        try:
            active.persons.flush()  # before the visits: a visit may name a person
            active.visits.flush()
            active.encounters.flush()  # after the visits: an encounter names its 医保 visit
            active.exam_requests.flush()
            active.admissions.flush()
            active.admission_orders.flush()  # after the encounters they are issued on
            active.stays.flush()
            active.wards.flush()  # the beds name the stays
            active.settlement_lists.flush()
            active.conn.commit()
            active.tx.ended()
        except BaseException as err:
            self.rollback()
            if is_conflict(err):
                raise ConcurrencyConflict("a record with the same key was written by someone else") from err
            raise
        active.visits.committed()
        active.encounters.committed()
        active.exam_requests.committed()
        active.admissions.committed()
        active.admission_orders.committed()
        active.stays.committed()
        active.wards.committed()
        active.settlement_lists.committed()
        publish(self._queue_signal, active.queues.committed())

    def rollback(self) -> None:
        active = self._require()
        active.conn.rollback()
        active.tx.ended()
        active.visits.rolled_back()
        active.persons.rolled_back()
        active.encounters.rolled_back()
        active.exam_requests.rolled_back()
        active.admissions.rolled_back()
        active.queues.rolled_back()
        active.admission_orders.rolled_back()
        active.stays.rolled_back()
        active.wards.rolled_back()
        active.settlement_lists.rolled_back()
