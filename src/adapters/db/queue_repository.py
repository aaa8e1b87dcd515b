"""Queue entries and events in SQL Core: the repository inside a unit of work (uow.queues) and the
reader of committed history that WatchQueue polls.

Writes go straight into the unit of work's transaction (no buffering till commit): every change
first takes its clinic's clock row (lock), so the reads after it see every earlier commit, and the
events it appends get the next seq numbers in the order the changes commit.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.connections import Connections
from adapters.db.queue_tables import queue_clocks as C
from adapters.db.queue_tables import queue_entries as E
from adapters.db.queue_tables import queue_events as V
from adapters.db.repositories import Transaction
from domain.errors import ConcurrencyConflict
from domain.queues import OPEN_STATES, PriorityFlags, QueueEntry, QueueEvent, QueueKey, QueueSnapshot
from ports.queues import QueueEvents, QueueRepository, QueueSignal

_ENTRY_COLUMNS = (E.c.id, E.c.day, E.c.clinic_code, E.c.doctor_code, E.c.encounter_id, E.c.patient_id,
                  E.c.patient_label, E.c.number, E.c.state, E.c.emergency, E.c.age, E.c.returning_with_results,
                  E.c.version, E.c.rank, E.c.position, E.c.recalls, E.c.skips, E.c.called_by, E.c.closed_from,
                  E.c.updated_at)
_EVENT_FIELDS = ("day", "clinic_code", "seq", "kind", "entry_id", "doctor_code", "number", "patient_label", "state",
                 "called_by", "recalls", "rank", "position", "at")
_EVENT_COLUMNS = tuple(V.c[name] for name in _EVENT_FIELDS)
_OPEN = sorted(s.value for s in OPEN_STATES)


def _entry(r) -> QueueEntry:
    return QueueEntry(id=r[0], key=QueueKey(r[1], r[2], r[3]), encounter_id=r[4], patient_id=r[5],
                      patient_label=r[6], number=r[7], state=r[8],
                      flags=PriorityFlags(emergency=bool(r[9]), age=r[10], returning_with_results=bool(r[11])),
                      version=r[12], rank=r[13], position=r[14], recalls=r[15], skips=r[16], called_by=r[17],
                      closed_from=r[18], updated_at=r[19])


def _entry_params(e: QueueEntry) -> dict:
    return {"id": e.id, "day": e.key.day, "clinic_code": e.key.clinic_code, "doctor_code": e.key.doctor_code,
            "encounter_id": e.encounter_id, "patient_id": e.patient_id, "patient_label": e.patient_label,
            "number": e.number, "state": e.state, "emergency": e.flags.emergency, "age": e.flags.age,
            "returning_with_results": e.flags.returning_with_results, "version": e.version, "rank": e.rank,
            "position": e.position, "recalls": e.recalls, "skips": e.skips, "called_by": e.called_by,
            "closed_from": e.closed_from, "updated_at": e.updated_at}


def _event(r) -> QueueEvent:
    return QueueEvent(**dict(zip(_EVENT_FIELDS, r)))


def _view(doctor_code: str | None):
    if not doctor_code:  # None or "": the shared queue is seen with... every queue of the clinic
        return [] if doctor_code is None else [E.c.doctor_code == ""]
    return [E.c.doctor_code.in_((doctor_code, ""))]


def _take_clock(dialect_name: str):
    """Create the clinic-day's clock row or touch it; returns its seq. An upsert that updates the
    row takes its lock on PostgreSQL and the write lock on SQLite, until the transaction ends."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(C).values(day=bindparam("day"), clinic_code=bindparam("clinic_code"), seq=0)
    return stmt.on_conflict_do_update(index_elements=[C.c.day, C.c.clinic_code],
                                      set_={"seq": C.c.seq}).returning(C.c.seq)


_TAKE_CLOCK = {name: _take_clock(name) for name in ("postgresql", "sqlite")}
_SET_CLOCK = update(C).where(C.c.day == bindparam("b_day"), C.c.clinic_code == bindparam("b_clinic"))
_GET = select(*_ENTRY_COLUMNS).where(E.c.id == bindparam("id"))
_NEXT_NUMBER = select(func.coalesce(func.max(E.c.number), 0) + 1).where(
    E.c.day == bindparam("day"), E.c.clinic_code == bindparam("clinic_code"))
_INSERT_ENTRY = insert(E)
_INSERT_EVENT = insert(V)
_UPDATE_ENTRY = update(E).where(E.c.id == bindparam("b_id"), E.c.version == bindparam("b_version"))


class SqlQueueRepository(QueueRepository):
    def __init__(self, tx: Transaction, now: Callable[[], datetime]):
        self._tx, self._conn, self._now = tx, tx.conn, now
        self._seq: dict[tuple[date, str], int] = {}  # clocks taken in this transaction: their seq so far

    def lock(self, day: date, clinic_code: str) -> None:
        k = (day, clinic_code)
        if k not in self._seq:
            conn = self._tx.writing()
            self._seq[k] = conn.execute(_TAKE_CLOCK[conn.dialect.name],
                                        {"day": day, "clinic_code": clinic_code}).scalar_one()

    def get(self, entry_id: str) -> QueueEntry | None:
        row = self._conn.execute(_GET, {"id": entry_id}).first()
        return None if row is None else _entry(row)

    def entries(self, day, clinic_code, doctor_code=None, open_only=True) -> list[QueueEntry]:
        stmt = select(*_ENTRY_COLUMNS).where(E.c.day == day, E.c.clinic_code == clinic_code, *_view(doctor_code))
        if open_only:
            stmt = stmt.where(E.c.state.in_(_OPEN))
        return [_entry(r) for r in self._conn.execute(stmt.order_by(E.c.rank, E.c.position, E.c.number))]

    def next_number(self, day, clinic_code) -> int:
        self.lock(day, clinic_code)
        return self._conn.execute(_NEXT_NUMBER, {"day": day, "clinic_code": clinic_code}).scalar_one()

    def add(self, entry: QueueEntry) -> None:
        self.lock(entry.key.day, entry.key.clinic_code)
        entry.version, entry.updated_at = 1, self._now()
        self._tx.writing().execute(_INSERT_ENTRY, _entry_params(entry))

    def save(self, entry: QueueEntry) -> None:
        self.lock(entry.key.day, entry.key.clinic_code)
        params = _entry_params(entry)
        params.update(version=entry.version + 1, updated_at=self._now(), b_id=entry.id, b_version=entry.version)
        del params["id"]
        if self._tx.writing().execute(_UPDATE_ENTRY, params).rowcount != 1:
            raise ConcurrencyConflict(f"queue entry {entry.id} was changed by someone else; reload and retry")
        entry.version, entry.updated_at = params["version"], params["updated_at"]

    def append(self, event: QueueEvent) -> QueueEvent:
        k = (event.day, event.clinic_code)
        self.lock(*k)
        seq = self._seq[k] = self._seq[k] + 1
        row = {name: getattr(event, name) for name in _EVENT_FIELDS}
        row["seq"] = seq
        conn = self._tx.writing()
        conn.execute(_INSERT_EVENT, row)
        conn.execute(_SET_CLOCK, {"b_day": event.day, "b_clinic": event.clinic_code, "seq": seq})
        return _event(tuple(row[name] for name in _EVENT_FIELDS))

    # ---- the transaction's end (the unit of work calls these) ------------------------------
    def committed(self) -> set[tuple[date, str]]:
        """The clinics whose clocks this transaction moved (their watchers have news)."""
        touched = set(self._seq)
        self._seq.clear()
        return touched

    def rolled_back(self) -> None:
        self._seq.clear()


def publish(signal: QueueSignal | None, clinics: set[tuple[date, str]]) -> None:
    if signal is not None and clinics:
        signal.published(clinics)


_SNAPSHOT_BASE = select(C.c.seq, *_ENTRY_COLUMNS)
_AFTER = (select(*_EVENT_COLUMNS)
          .where(V.c.day == bindparam("day"), V.c.clinic_code == bindparam("clinic_code"), V.c.seq > bindparam("seq"))
          .order_by(V.c.seq).limit(bindparam("limit")))


class SqlQueueEvents(QueueEvents):
    """Committed entries and events, each read in one statement on a pooled connection."""

    def __init__(self, connections: Connections):
        self._connections = connections

    def snapshot(self, day, clinic_code, doctor_code) -> QueueSnapshot:
        # one statement: the clock's seq and the entries come from the same database snapshot
        joined = C.outerjoin(E, and_(E.c.day == C.c.day, E.c.clinic_code == C.c.clinic_code,
                                     E.c.state.in_(_OPEN), *_view(doctor_code)))
        stmt = (_SNAPSHOT_BASE.select_from(joined).where(C.c.day == day, C.c.clinic_code == clinic_code)
                .order_by(E.c.rank, E.c.position, E.c.number))
        with self._connections.connection() as conn:
            rows = conn.execute(stmt).all()
        found = QueueSnapshot(day, clinic_code, doctor_code or "", rows[0][0] if rows else 0)
        found.entries = [_entry(r[1:]) for r in rows if r[1] is not None]
        return found

    def after(self, day, clinic_code, seq, limit) -> list[QueueEvent]:
        with self._connections.connection() as conn:
            return [_event(r) for r in conn.execute(_AFTER, {"day": day, "clinic_code": clinic_code, "seq": seq,
                                                              "limit": limit})]

    def heads(self, keys) -> dict[tuple[date, str], int]:
        found = {k: 0 for k in keys}
        if not keys:
            return found
        stmt = select(C.c.day, C.c.clinic_code, C.c.seq).where(
            or_(*(and_(C.c.day == d, C.c.clinic_code == c) for d, c in keys)))
        with self._connections.connection() as conn:
            for d, c, seq in conn.execute(stmt):
                found[(d, c)] = seq
        return found
