"""The orders' storage ports: exam requests (in the unit of work, with the encounter they charge)
and the versioned exam-item tables that price them."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from domain.orders import ExamRequest, ExamTable


class ExamRequestRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, request: ExamRequest) -> None: ...

    @abc.abstractmethod
    def get(self, request_id: str) -> ExamRequest | None:
        """The request with its parts; changes are saved at commit, guarded by its version."""

    @abc.abstractmethod
    def for_encounter(self, encounter_id: str) -> list[ExamRequest]:
        """The encounter's requests, oldest first."""


@dataclass(frozen=True)
class ExamTableVersion:
    exam_type: str
    version: int
    table: ExamTable
    data: dict  # the document it was read from
    valid_from: datetime
    changed_by: str
    reason: str


class ExamTableStore(abc.ABC):
    @abc.abstractmethod
    def current(self) -> list[ExamTableVersion]:
        """The latest version of every exam type's table."""

    @abc.abstractmethod
    def version(self, exam_type: str, version: int) -> ExamTableVersion | None: ...

    @abc.abstractmethod
    def append(self, exam_type: str, data: dict, valid_from: datetime, changed_by: str, reason: str) -> int:
        """Store a new version of the table (the next number; a concurrent writer of the same
        number: ConcurrencyConflict) and return its number."""
