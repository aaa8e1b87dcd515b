"""Unit of work: one business transaction; rolls back unless commit() is called."""
from __future__ import annotations

import abc
from collections.abc import Callable
from contextlib import AbstractContextManager

from ports.admissions import AdmissionRepository
from ports.encounters import EncounterRepository
from ports.orders import ExamRequestRepository
from ports.exam_link import ExamOutbox
from ports.inpatient import AdmissionOrderRepository, StayRepository, WardRepository
from ports.queues import QueueRepository
from ports.repositories import PersonRepository, VisitRepository
from ports.settlement_lists import SettlementListRepository

# Brackets one request (a gRPC call): within it, storage may keep what it checked out for the
# request's later steps (a database connection) instead of checking it out again for each.
RequestScope = Callable[[], AbstractContextManager[None]]


class UnitOfWork(abc.ABC):
    visits: VisitRepository
    persons: PersonRepository
    encounters: EncounterRepository
    queues: QueueRepository
    exam_requests: ExamRequestRepository
    exam_messages: ExamOutbox
    admissions: AdmissionRepository
    admission_orders: AdmissionOrderRepository
    stays: StayRepository
    wards: WardRepository
    settlement_lists: SettlementListRepository

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make the changes durable. Raises domain.errors.ConcurrencyConflict when a version check fails."""

    @abc.abstractmethod
    def rollback(self) -> None: ...
