"""Engines and session factories; nothing is built at import time."""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# Several threads (gRPC workers, the msgid allocator) write to one SQLite file: a writer that
# finds the file locked waits up to this long instead of failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers do not block the writer, nor it them
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",  # off by default in SQLite; cascades rely on it
    "PRAGMA synchronous=NORMAL",  # safe with WAL, much faster than FULL
)


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    """`pool_size` connections are kept open, up to `max_overflow` more opened under load. A gRPC
    call holds one connection for its length (adapters.db.connections), so the server sizes the
    pool from its worker count."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, pool_size, max_overflow)
    return create_engine(parsed, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def _sqlite_engine(parsed, pool_size: int, max_overflow: int) -> Engine:
    database = parsed.database or ""
    memory = not database or database == ":memory:"  # SQLAlchemy gives those a pool without a size
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # sqlite3's own lock wait, in seconds, applies before our pragma runs on a new connection.
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                           **({} if memory else {"pool_size": pool_size, "max_overflow": max_overflow}))

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    if not memory:
        _one_writer_at_a_time(engine)
    return engine


class _WriterTurn:
    """SQLite lets one connection write at a time; a writer that finds the file locked sleeps in
    steps of 1, 2, 5, 10 ms... before it looks again (sqlite3's busy handler). Within this process
    the writers take turns on a lock instead: the next one starts the moment the last commits. The
    busy handler still orders this process against other processes on the same file."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holder: object | None = None  # the DBAPI connection whose transaction has the turn
        self.thread: int | None = None


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _one_writer_at_a_time(engine: Engine) -> None:
    turn = _WriterTurn()
    dialect = engine.dialect

    @event.listens_for(engine, "before_cursor_execute")
    def _take_turn(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        dbapi = conn.connection.dbapi_connection
        if turn.holder is dbapi or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        if turn.thread == threading.get_ident():
            return  # this thread writes on another connection already: waiting here would never end
        if not turn.lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            return  # held far too long: leave the waiting to SQLite's own handler
        turn.holder, turn.thread = dbapi, threading.get_ident()

    def _ended(dbapi) -> None:
        dbapi = getattr(dbapi, "dbapi_connection", dbapi)  # the pool's proxy, or the connection itself
        if turn.holder is dbapi:
            turn.holder = turn.thread = None
            turn.lock.release()

    # the turn ends once the transaction has (commit, rollback, or the pool's reset on check-in)
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi) -> None:
        try:
            commit(dbapi)
        finally:
            _ended(dbapi)

    def do_rollback(dbapi) -> None:
        try:
            rollback(dbapi)
        finally:
            _ended(dbapi)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine, "close_detached")
    def _detached(dbapi) -> None:
        _ended(dbapi)

    @event.listens_for(engine.pool, "close")
    def _closed(dbapi, _record) -> None:
        _ended(dbapi)


def statement_engine(engine: Engine) -> Engine:
    """The engine as the unit of work and the journal use it.

    PostgreSQL: a view of the engine (same pool) whose connections are in autocommit mode, so
    that a read or a single write costs no BEGIN and COMMIT round trips; a write that needs a
    transaction opens one explicitly (`begin_explicit`). SQLite: the engine itself; its driver
    begins a transaction before the first write only, reads already run without one.
    """
    if engine.dialect.name != "postgresql" or engine.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def begin_explicit(conn: Connection) -> None:
    """Open a transaction on a `statement_engine` connection (PostgreSQL; on SQLite the driver
    does it before the first write). conn.commit() / rollback() / close() end it as usual."""
    if conn.dialect.name == "postgresql":
        conn.connection.driver_connection.execute("BEGIN").close()


def make_session_factory(engine: Engine) -> Engine:
    """What SqlUnitOfWork is built on (the name is kept for the composition root): units of work
    take connections from the engine's pool and use SQL Core, no ORM session."""
    return statement_engine(engine)
