"""Where the unit of work and the journal get their connections.

Outside a request scope every use checks a connection out of the pool and returns it. Inside one
(a gRPC call; see ports.unit_of_work.RequestScope), the thread keeps the first connection it
checks out and lends it to each later use, one use at a time: a use case that loads a visit,
journals a platform call before and after sending it and records the result costs one checkout
instead of four. On PostgreSQL a checkout pings the server (pool_pre_ping), so this is most of
what the reuse saves.

A use that starts while the kept connection is lent (a journal write inside an open unit of work)
gets a pooled connection of its own: two uses never share a transaction. A connection comes back
with its transaction rolled back, exactly as the pool would reset it.
"""
from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine


class _Kept(threading.local):
    depth = 0  # nested scopes: only the outermost one returns the connection
    conn: Connection | None = None
    lent = False


class Connections:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._kept = _Kept()

    def scope(self) -> _Scope:
        """Keep this thread's first connection until the block ends (a `with` block)."""
        return _Scope(self._kept)

    def lease(self) -> Connection:
        kept = self._kept
        if kept.depth == 0 or kept.lent:
            return self.engine.connect()
        if kept.conn is None or kept.conn.invalidated or kept.conn.closed:
            if kept.conn is not None:
                kept.conn.close()
            kept.conn = self.engine.connect()
        kept.lent = True
        return kept.conn

    def release(self, conn: Connection) -> None:
        kept = self._kept
        if conn is not kept.conn:
            conn.close()  # back to the pool, which rolls back whatever is open
            return
        kept.lent = False
        if conn.invalidated:  # lost on a disconnect: the next use checks out a fresh one
            kept.conn = None
            conn.close()
            return
        try:
            conn.rollback()  # what SQLAlchemy began; then what was begun beneath it (begin_explicit)
            conn.connection.dbapi_connection.rollback()  # a no-op when idle, on both drivers
        except Exception:
            kept.conn = None
            conn.close()  # the pool resets or discards it
            raise

    def connection(self) -> _Lease:
        """A connection for one use (a `with` block): the kept one when it is free."""
        return _Lease(self)


# Plain classes rather than @contextmanager: both run several times in every platform call.
class _Scope:
    __slots__ = ("_kept",)

    def __init__(self, kept: _Kept):
        self._kept = kept

    def __enter__(self) -> None:
        self._kept.depth += 1

    def __exit__(self, *exc) -> None:
        kept = self._kept
        kept.depth -= 1
        if kept.depth == 0:
            conn, kept.conn, kept.lent = kept.conn, None, False
            if conn is not None:
                conn.close()


class _Lease:
    __slots__ = ("_owner", "_conn")

    def __init__(self, owner: Connections):
        self._owner = owner

    def __enter__(self) -> Connection:
        self._conn = self._owner.lease()
        return self._conn

    def __exit__(self, *exc) -> None:
        self._owner.release(self._conn)
