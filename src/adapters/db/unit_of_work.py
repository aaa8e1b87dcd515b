"""Unit of work over a SQLAlchemy session: one session per `with` block."""
from __future__ import annotations

import threading

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.db.repositories import SqlPersonRepository, SqlVisitRepository
from domain.errors import ConcurrencyConflict
from ports.unit_of_work import UnitOfWork

# SQLSTATE 23505 (PostgreSQL) and the SQLite extended codes for a duplicate key.
_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def is_conflict(error: BaseException | None) -> bool:
    """True for failures that mean "someone else wrote first": a version check that matched no
    row, or a duplicate key (same visit id, mdtrt_id or feedetl_sn inserted concurrently)."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, IntegrityError):
        orig = error.orig
        return (getattr(orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION
                or getattr(orig, "sqlite_errorname", None) in _SQLITE_UNIQUE)
    return False


class _Active(threading.local):
    session: Session | None = None
    visits: SqlVisitRepository | None = None
    persons: SqlPersonRepository | None = None


class SqlUnitOfWork(UnitOfWork):
    """Each `with` opens a new session; leaving the block without commit() discards the changes.

    The open session lives per thread, so one instance may be shared by concurrent request
    handlers; nesting `with` on the same instance in one thread is refused.
    """

    def __init__(self, session_factory: sessionmaker[Session]):
        self._session_factory = session_factory
        self._active = _Active()

    @property
    def visits(self) -> SqlVisitRepository:
        return self._require().visits

    @property
    def persons(self) -> SqlPersonRepository:
        return self._require().persons

    def _require(self) -> _Active:
        if self._active.session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._active

    def __enter__(self) -> SqlUnitOfWork:
        if self._active.session is not None:
            raise RuntimeError("unit of work is already open in this thread")
        session = self._session_factory()
        self._active.session = session
        self._active.visits = SqlVisitRepository(session)
        self._active.persons = SqlPersonRepository(session)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        session = self._active.session
        self._active.session = self._active.visits = self._active.persons = None
        if session is not None:
            # close() ends the transaction with a rollback and detaches the objects without
            # expiring them, so aggregates read in the block stay readable after it.
            session.close()
        if is_conflict(exc):  # an autoflush inside the block hit a conflict
            raise ConcurrencyConflict(_describe(exc)) from exc

    def commit(self) -> None:
        session = self._require().session
        try:
            session.commit()
        except (StaleDataError, IntegrityError) as err:
            session.rollback()
            if not is_conflict(err):
                raise
            raise ConcurrencyConflict(_describe(err)) from err

    def rollback(self) -> None:
        self._require().session.rollback()


def _describe(err: BaseException) -> str:
    if isinstance(err, StaleDataError):
        return "the record was changed by someone else; reload and retry"
    return "a record with the same key was written by someone else"
