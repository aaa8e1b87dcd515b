"""Where patient records are kept: one transaction per `with store.transaction() as tx:` block,
rolled back unless tx.commit() is called. The adapter encrypts identity numbers, phones and
addresses (ports.field_cipher) and keeps a keyed digest of each for exact lookups; the use cases
see plain domain objects.
"""
from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

from domain.patients import Identifier, Patient, PatientRevision


@dataclass(frozen=True)
class PatientQuery:
    """A listing: name prefix and birth date narrow it (both optional), ordered by name then id."""

    name_prefix: str = ""
    birth_date: date | None = None
    include_merged: bool = False


class PatientTransaction(abc.ABC):
    @abc.abstractmethod
    def get(self, patient_id: str) -> Patient | None:
        """The record itself (merged or not), or None."""

    @abc.abstractmethod
    def holders(self, identifiers: list[Identifier]) -> dict[Identifier, str]:
        """For each identifier on file: the id of the patient holding it."""

    @abc.abstractmethod
    def by_demographics(self, name: str, birth_date: date, phone: str) -> list[Patient]:
        """Records (not merged away) with exactly this name, birth date and phone."""

    @abc.abstractmethod
    def page(self, query: PatientQuery, after: tuple[str, str] | None, limit: int) -> list[Patient]:
        """Up to `limit` records after the (name, id) position."""

    @abc.abstractmethod
    def by_request_key(self, request_key: str) -> str | None:
        """The patient a registration with this request key created."""

    @abc.abstractmethod
    def add(self, patient: Patient, revision: PatientRevision, request_key: str = "") -> None:
        """Store a new record and its first revision."""

    @abc.abstractmethod
    def update(self, patient: Patient, revision: PatientRevision) -> None:
        """Store `patient` (its version already raised by one) if the stored one is still at the
        version before; ConcurrencyConflict otherwise. Identifiers are replaced by the patient's."""

    @abc.abstractmethod
    def redirect(self, from_id: str, to_id: str) -> None:
        """Records merged into `from_id` now point at `to_id` (one step from any merged id)."""

    @abc.abstractmethod
    def history(self, patient_id: str) -> list[PatientRevision]:
        """Every revision of the record, oldest first."""

    @abc.abstractmethod
    def commit(self) -> None:
        """ConcurrencyConflict when an identifier or version was taken meanwhile."""


class PatientStore(abc.ABC):
    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[PatientTransaction]: ...
