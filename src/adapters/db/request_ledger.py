"""Idempotency keys in SQL: one row per request_id.

A claim is written (and committed) before the call acts: a retry on any connection or server
process sees it. A reply is handed to a background writer that stores replies in batches, off the
call's path; until it is stored, this process answers retries from memory and other processes see
the key still RUNNING (their client is told to retry shortly). Should the process end first, the
key stays RUNNING until a retry takes it over (RequestLedger.claim); the journal, not this ledger,
is the record of what the platform did.
"""
from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import Engine, bindparam, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.batch_writer import BatchWriter
from adapters.db.connections import Connections
from adapters.db.engine import statement_engine
from adapters.db.tables import request_ids as R
from ports.request_ledger import Claim, ClaimState, RequestLedger

_READ = select(R.c.fingerprint, R.c.state, R.c.response, R.c.status, R.c.created_at)
_DONE = (update(R).where(R.c.request_id == bindparam("b_id"))
         .values(state=ClaimState.DONE.value, response=bindparam("b_response"), finished_at=bindparam("b_at")))
BATCH_EVERY = 0.05  # seconds a reply may wait to be stored with others
# On PostgreSQL the ledger's writes commit without waiting for the WAL to reach the disk
# (synchronous_commit off, for these statements alone): a key lost in a crash of the database
# server only means a retry acts anew, under the same guards as a call without a request_id, and
# the wait for the disk was most of what a claim cost. The journal keeps waiting for the disk.
_PG_CLAIM = text(
    "INSERT INTO request_ids (request_id, method, fingerprint, state, created_at) "
    "SELECT :request_id, :method, :fingerprint, :state, :created_at "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_wait "
    "ON CONFLICT (request_id) DO NOTHING RETURNING request_id")
_PG_DONE = text(
    "UPDATE request_ids SET state = 'DONE', response = :b_response, finished_at = :b_at "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_wait WHERE request_id = :b_id")


class SqlRequestLedger(RequestLedger):
    def __init__(self, engine: Engine | Connections, batch_every: float = BATCH_EVERY):
        self._connections = engine if isinstance(engine, Connections) else Connections(statement_engine(engine))
        name = self._connections.engine.dialect.name
        # a key already claimed inserts nothing (no error to recover from inside a transaction)
        self._insert = ({"postgresql": postgresql, "sqlite": sqlite}[name].insert(R)
                        .on_conflict_do_nothing(index_elements=[R.c.request_id]).returning(R.c.request_id))
        self._done = _DONE
        if name == "postgresql":
            self._insert, self._done = _PG_CLAIM, _PG_DONE
        self._lock = threading.Lock()
        self._replies: dict[str, tuple[str, bytes, datetime]] = {}  # done, not stored yet: fingerprint, reply, when
        self._writer = BatchWriter(self.flush, batch_every, "request-ledger")

    def claim(self, request_id: str, method: str, fingerprint: str, now: datetime,
              running_since_before: datetime) -> Claim:
        with self._lock:
            waiting = self._replies.get(request_id)
        if waiting is not None:
            if waiting[0] != fingerprint:
                return Claim(ClaimState.MISMATCH)
            return Claim(ClaimState.DONE, response=waiting[1])
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
                conn.rollback()
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

    def done(self, request_id: str, fingerprint: str, response: bytes, now: datetime) -> None:
        with self._lock:
            self._replies[request_id] = (fingerprint, response, now)
        self._writer.wake()

    def failed(self, request_id: str, status: bytes, now: datetime) -> None:
        with self._connections.connection() as conn:
            conn.execute(update(R).where(R.c.request_id == request_id)
                         .values(state=ClaimState.FAILED.value, status=status, finished_at=now))
            conn.commit()

    def release(self, request_id: str) -> None:
        with self._connections.connection() as conn:
            conn.execute(delete(R).where(R.c.request_id == request_id, R.c.state == ClaimState.RUNNING.value))
            conn.commit()

    def purge(self, before: datetime) -> int:
        self.flush()
        with self._connections.connection() as conn:
            gone = conn.execute(delete(R).where(R.c.created_at < before)).rowcount
            conn.commit()
            return gone

    def flush(self) -> None:
        """Store every reply handed over so far (the writer does this on its own within moments)."""
        with self._lock:
            batch = dict(self._replies)
        if not batch:
            return
        with self._connections.connection() as conn:
            conn.execute(self._done, [{"b_id": key, "b_response": reply, "b_at": at}
                                 for key, (_, reply, at) in batch.items()])
            conn.commit()
        with self._lock:
            for key, entry in batch.items():
                if self._replies.get(key) is entry:
                    del self._replies[key]

    def close(self) -> None:
        self._writer.close()
