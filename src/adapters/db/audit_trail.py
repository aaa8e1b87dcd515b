"""The audit trail in SQL: events are handed to a background writer that inserts them in batches.

Append-only twice over: this store issues nothing but INSERT and SELECT, and the table's triggers
(migration 0007) make the database refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) whoever
sends them. An event waits in memory at most a moment (BATCH_EVERY) before it is stored; `list`
stores this process's waiting events first, and close() stores the rest at shutdown.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, insert, or_, select

from adapters.db.batch_writer import BatchWriter
from adapters.db.connections import Connections
from adapters.db.engine import begin_explicit, statement_engine
from adapters.db.tables import audit_events as A
from ports.audit import AuditEvent, AuditFilter, AuditPage, AuditTrail

log = logging.getLogger(__name__)

# Seconds an event may wait to be stored with others. Longer than the request ledger's wait: nothing
# reads an event back at once (list() stores this process's waiting events first), and at a few
# hundred calls a second one batch of dozens costs a fraction of what many small ones would.
BATCH_EVERY = 0.2
# Events held while the database cannot be written: beyond this many the oldest are dropped (and
# counted in the log) rather than the process running out of memory.
MAX_WAITING = 100_000
_FIELDS = ("at", "operator_code", "operator_name", "operator_role", "method", "permission", "peer", "outcome",
           "message", "visit_id", "mdtrt_id", "psn_no", "request_id")
# what a column holds at most: a longer value is cut, never a reason to lose the event
_LIMITS = {name: A.c[name].type.length for name in _FIELDS if getattr(A.c[name].type, "length", None)}
_INSERT = insert(A)
_SELECT = select(A.c.id, *(A.c[name] for name in _FIELDS)).order_by(A.c.id.desc())


def _row(event: AuditEvent) -> dict:
    row = {name: getattr(event, name) for name in _FIELDS}
    for name, limit in _LIMITS.items():
        value = row[name]
        if "\x00" in value:  # a refused request may carry NUL, which PostgreSQL's text cannot hold:
            value = value.replace("\x00", "\ufffd")  # stored as U+FFFD rather than the event lost
        row[name] = value[:limit] if len(value) > limit else value
    return row


class SqlAuditTrail(AuditTrail):
    def __init__(self, engine: Engine | Connections, batch_every: float = BATCH_EVERY):
        self._connections = engine if isinstance(engine, Connections) else Connections(statement_engine(engine))
        self._lock, self._flushing = threading.Lock(), threading.Lock()
        self._waiting: list[AuditEvent] = []
        self._dropped = 0
        self._writer = BatchWriter(self.flush, batch_every, "audit-trail")

    def record(self, event: AuditEvent) -> None:
        with self._lock:
            self._waiting.append(event)
        self._writer.wake()

    def flush(self) -> None:
        """Store every event handed over so far; on failure they are kept, in order, for the next try."""
        with self._flushing:  # one batch at a time, so ids follow the order events were recorded in
            with self._lock:
                batch, self._waiting = self._waiting, []
            if not batch:
                return
            try:
                with self._connections.connection() as conn:
                    begin_explicit(conn)  # one transaction, one commit, for the whole batch
                    conn.execute(_INSERT, [_row(e) for e in batch])
                    conn.commit()
            except Exception:
                self._keep(batch)
                raise

    def _keep(self, batch: list[AuditEvent]) -> None:
        with self._lock:
            self._waiting[:0] = batch
            excess = len(self._waiting) - MAX_WAITING
            if excess > 0:
                del self._waiting[:excess]
                self._dropped += excess
                log.error("audit trail: the database takes no events; %d dropped so far (oldest first)",
                          self._dropped)

    def list(self, where: AuditFilter = AuditFilter(), *, limit: int = 100, before: int | None = None) -> AuditPage:
        self.flush()
        stmt = _SELECT.limit(limit + 1)
        if where.operator_code is not None:
            stmt = stmt.where(A.c.operator_code == where.operator_code)
        if where.visit is not None:
            stmt = stmt.where(or_(A.c.visit_id == where.visit, A.c.mdtrt_id == where.visit))
        if where.since is not None:
            stmt = stmt.where(A.c.at >= where.since)
        if where.until is not None:
            stmt = stmt.where(A.c.at < where.until)
        if before is not None:
            stmt = stmt.where(A.c.id < before)
        with self._connections.connection() as conn:
            rows = conn.execute(stmt).all()
        events = [AuditEvent(id=r[0], **dict(zip(_FIELDS, r[1:], strict=True))) for r in rows[:limit]]
        return AuditPage(events, events[-1].id if len(rows) > limit else None)

    def close(self) -> None:
        self._writer.close()
