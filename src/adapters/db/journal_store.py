"""The platform journal and the msgid counters, in SQL Core.

Every method is its own short transaction, committed before it returns: a journal entry must be
durable before its request leaves, whatever happens to the business transaction around it. Each
write is one statement; on PostgreSQL it runs in autocommit mode (engine.statement_engine), which
commits it as its own transaction without the BEGIN and COMMIT round trips.
"""
from __future__ import annotations

import threading

from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.connections import Connections
from adapters.db.engine import statement_engine
from adapters.db.tables import journal, msgid_counters
from domain.errors import NotFound
from domain.journal import JournalEntry, JournalState
from ports.clock import Clock, SystemClock
from ports.journal import JournalStore, MsgIdAllocator
from ports.jsoncodec import encode_json, parse_json

MAX_SEQ = 9999
MAX_ID = 2 ** 31 - 1  # journal.id is an INTEGER
COUNTER_RETENTION = timedelta(days=1)  # a prefix carries a second-resolution time: never reused


# Built once: a journal write is on the path of every platform call.
_OPEN = insert(journal).returning(journal.c.id)
# SET takes the columns named in the parameters: the state and the fields given, so a field not
# given keeps what the entry holds
_CLOSE = update(journal).where(journal.c.id == bindparam("b_id"))


_PURGE = delete(msgid_counters).where(msgid_counters.c.created_at < bindparam("before"))


class SqlJournalStore(JournalStore):
    def __init__(self, engine: Engine | Connections):
        self._connections = engine if isinstance(engine, Connections) else Connections(statement_engine(engine))

    def open(self, entry: JournalEntry) -> int:
        values = {
            "msgid": entry.msgid, "infno": entry.infno, "psn_no": entry.psn_no,
            "mdtrt_id": entry.mdtrt_id, "visit_id": entry.visit_id,
            "operator_code": entry.operator_code, "state": entry.state, "infcode": entry.infcode,
            "err_msg": entry.err_msg, "request": encode_json(entry.request),
            "reply": None if entry.reply is None else encode_json(entry.reply),
            "inf_refmsgid": entry.inf_refmsgid, "created_at": entry.created_at,
            "finished_at": entry.finished_at, "resolution": entry.resolution,
            "reversal_msgid": entry.reversal_msgid, "discrepancy": entry.discrepancy, "owner": entry.owner,
            "in_flight_until": entry.in_flight_until, "retry_at": entry.retry_at, "attempts": entry.attempts,
        }
        with self._connections.connection() as conn:
            entry_id = conn.execute(_OPEN, values).scalar_one()
            conn.commit()
        entry.id = entry_id
        return entry_id

    def close(self, entry_id: int, state: JournalState, *, infcode: int | None = None, err_msg: str = "",
              reply: dict | None = None, inf_refmsgid: str = "", finished_at: datetime | None = None,
              resolution: str = "", reversal_msgid: str = "", discrepancy: str = "",
              in_flight_until: datetime | None = None, retry_at: datetime | None = None,
              attempts: int | None = None) -> None:
        """Set the state; the other fields only when given, so resolving an UNCERTAIN entry later
        keeps what its first close recorded (the timeout message, the time it ended)."""
        params = {"state": state, "b_id": entry_id}
        for name, value in (("infcode", infcode), ("finished_at", finished_at), ("in_flight_until", in_flight_until),
                            ("retry_at", retry_at), ("attempts", attempts)):
            if value is not None:
                params[name] = value
        if reply is not None:
            params["reply"] = encode_json(reply)
        for name, text in (("err_msg", err_msg), ("inf_refmsgid", inf_refmsgid), ("resolution", resolution),
                           ("reversal_msgid", reversal_msgid), ("discrepancy", discrepancy)):
            if text:
                params[name] = text
        with self._connections.connection() as conn:
            result = conn.execute(_CLOSE, params)
            conn.commit()
        if result.rowcount != 1:
            raise NotFound(f"no journal entry {entry_id}")

    def get(self, entry_id: int) -> JournalEntry | None:
        if not 0 < entry_id <= MAX_ID:  # beyond the column's range: no such entry (PostgreSQL would refuse the query)
            return None
        return self._one(select(journal).where(journal.c.id == entry_id))

    def by_msgid(self, msgid: str) -> JournalEntry | None:
        return self._one(select(journal).where(journal.c.msgid == msgid))

    def unresolved(self, older_than: datetime | None = None) -> list[JournalEntry]:
        pending = journal.c.state == JournalState.PENDING
        if older_than is not None:
            pending = and_(pending, journal.c.created_at < older_than)
        stmt = (select(journal).where(or_(journal.c.state == JournalState.UNCERTAIN, pending))
                .order_by(journal.c.created_at, journal.c.id))
        return self._many(stmt)

    def for_visit(self, visit_id: str) -> list[JournalEntry]:
        return self._many(select(journal).where(journal.c.visit_id == visit_id).order_by(journal.c.id))

    def accepted_from(self, owner: str, since: datetime) -> list[JournalEntry]:
        stmt = select(journal).where(journal.c.owner == owner, journal.c.finished_at >= since,
                                     journal.c.state.in_([JournalState.OK, JournalState.CONFIRMED]))
        return self._many(stmt.order_by(journal.c.id))

    def with_discrepancies(self, since: datetime | None = None, limit: int = 500) -> list[JournalEntry]:
        stmt = select(journal).where(journal.c.discrepancy != "")
        if since is not None:
            stmt = stmt.where(journal.c.created_at >= since)
        return self._many(stmt.order_by(journal.c.created_at.desc(), journal.c.id.desc()).limit(limit))

    def _one(self, stmt) -> JournalEntry | None:
        with self._connections.connection() as conn:
            row = conn.execute(stmt).mappings().one_or_none()
        return None if row is None else _entry(row)

    def _many(self, stmt) -> list[JournalEntry]:
        with self._connections.connection() as conn:
            return [_entry(row) for row in conn.execute(stmt).mappings()]


def _entry(row) -> JournalEntry:
    return JournalEntry(
        id=row["id"], msgid=row["msgid"], infno=row["infno"], request=parse_json(row["request"]),
        operator_code=row["operator_code"], created_at=row["created_at"], psn_no=row["psn_no"],
        mdtrt_id=row["mdtrt_id"], visit_id=row["visit_id"], state=JournalState(row["state"]),
        infcode=row["infcode"], err_msg=row["err_msg"],
        reply=None if row["reply"] is None else parse_json(row["reply"]),
        inf_refmsgid=row["inf_refmsgid"], finished_at=row["finished_at"], resolution=row["resolution"],
        reversal_msgid=row["reversal_msgid"], discrepancy=row["discrepancy"], owner=row["owner"],
        in_flight_until=row["in_flight_until"], retry_at=row["retry_at"], attempts=row["attempts"] or 0,
    )


class SqlMsgIdAllocator(MsgIdAllocator):
    """Counter rows per prefix, bumped by one atomic upsert: safe across processes.

    Each upsert reserves a block of `block` numbers for this process, handed out from memory until
    used up or the second (the prefix) changes; one write per block instead of one per call.
    Numbers stay unique across processes; they are consecutive only within a block."""

    def __init__(self, engine: Engine, block: int = 16, clock: Clock | None = None):
        self._engine = statement_engine(engine)
        self._clock = clock or SystemClock()
        self._block = max(1, block)
        self._lock = threading.Lock()
        self._prefix, self._next, self._end = "", 0, 0  # the current block: [next, end]
        dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(engine.dialect.name)
        if dialect is None:
            raise ValueError(f"no atomic upsert for {engine.dialect.name}")
        stmt = dialect.insert(msgid_counters)
        self._upsert = stmt.on_conflict_do_update(
            index_elements=[msgid_counters.c.prefix],
            set_={"last_seq": msgid_counters.c.last_seq + bindparam("step")},
        ).returning(msgid_counters.c.last_seq)

    def next_seq(self, prefix: str) -> int:
        with self._lock:
            if prefix != self._prefix or self._next > self._end:
                self._reserve(prefix)
            seq = self._next
            self._next += 1
        if seq > MAX_SEQ:
            raise OverflowError(f"msgid sequence for {prefix} exhausted ({MAX_SEQ} per prefix)")
        return seq

    def _reserve(self, prefix: str) -> None:
        now = self._clock.now()
        with self._engine.connect() as conn:
            last = conn.execute(self._upsert, {"prefix": prefix, "last_seq": self._block, "created_at": now,
                                               "step": self._block}).scalar_one()
            conn.commit()
            if last == self._block:  # a new prefix, about once a second: a cheap moment to purge old ones
                conn.execute(_PURGE, {"before": now - COUNTER_RETENTION})
                conn.commit()
        self._prefix, self._next, self._end = prefix, last - self._block + 1, min(last, MAX_SEQ)

