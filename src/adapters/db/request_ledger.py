"""Idempotency keys in SQL: one row per request_id, each write its own committed statement."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.connections import Connections
from adapters.db.engine import statement_engine
from adapters.db.tables import request_ids as R
from ports.request_ledger import Claim, ClaimState, RequestLedger

_READ = select(R.c.method, R.c.fingerprint, R.c.state, R.c.response, R.c.status, R.c.created_at)


class SqlRequestLedger(RequestLedger):
    def __init__(self, engine: Engine | Connections):
        self._connections = engine if isinstance(engine, Connections) else Connections(statement_engine(engine))
        dialect = {"postgresql": postgresql, "sqlite": sqlite}[self._connections.engine.dialect.name]
        # a key already claimed inserts nothing (no error to recover from inside a transaction)
        self._insert = (dialect.insert(R).on_conflict_do_nothing(index_elements=[R.c.request_id])
                        .returning(R.c.request_id))

    def claim(self, request_id: str, method: str, fingerprint: str, now: datetime,
              running_since_before: datetime) -> Claim:
        with self._connections.connection() as conn:
            inserted = conn.execute(self._insert, {"request_id": request_id, "method": method,
                                                   "fingerprint": fingerprint, "state": ClaimState.RUNNING.value,
                                                   "created_at": now}).first()
            conn.commit()
            if inserted is not None:
                return Claim(ClaimState.NEW)
            row = conn.execute(_READ.where(R.c.request_id == request_id)).one_or_none()
            if row is None:  # purged between the two statements: claim again
                conn.rollback()
                return self.claim(request_id, method, fingerprint, now, running_since_before)
            if row.fingerprint != fingerprint:
                return Claim(ClaimState.MISMATCH)
            state = ClaimState(row.state)
            if state is ClaimState.RUNNING and row.created_at < running_since_before:
                taken = conn.execute(update(R).where(R.c.request_id == request_id, R.c.state == state.value,
                                                     R.c.created_at == row.created_at).values(created_at=now))
                conn.commit()
                if taken.rowcount == 1:
                    return Claim(ClaimState.NEW)
                return Claim(ClaimState.RUNNING)  # another retry took it over first
            conn.rollback()
            return Claim(state, response=row.response, status=row.status)

    def done(self, request_id: str, response: bytes, now: datetime) -> None:
        self._finish(request_id, ClaimState.DONE, now, response=response)

    def failed(self, request_id: str, status: bytes, now: datetime) -> None:
        self._finish(request_id, ClaimState.FAILED, now, status=status)

    def release(self, request_id: str) -> None:
        with self._connections.connection() as conn:
            conn.execute(delete(R).where(R.c.request_id == request_id, R.c.state == ClaimState.RUNNING.value))
            conn.commit()

    def purge(self, before: datetime) -> int:
        with self._connections.connection() as conn:
            gone = conn.execute(delete(R).where(R.c.created_at < before)).rowcount
            conn.commit()
            return gone

    def _finish(self, request_id: str, state: ClaimState, now: datetime, **values) -> None:
        with self._connections.connection() as conn:
            conn.execute(update(R).where(R.c.request_id == request_id).values(state=state.value, finished_at=now,
                                                                              **values))
            conn.commit()
