"""Unit of work: one business transaction; rolls back unless commit() is called."""
from __future__ import annotations

import abc

from ports.repositories import PersonRepository, VisitRepository


class UnitOfWork(abc.ABC):
    visits: VisitRepository
    persons: PersonRepository

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make the changes durable. Raises domain.errors.ConcurrencyConflict when a version check fails."""

    @abc.abstractmethod
    def rollback(self) -> None: ...
