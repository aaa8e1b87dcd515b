"""Clinic queues: their public API.

The methods that take a `uow` work inside the caller's unit of work (the caller commits): a
registration or a transfer changes the encounter and the queues in one transaction. Their events
are written with the same commit.
"""
from __future__ import annotations

from domain.queues import PriorityFlags, QueueEntry, QueueKey
from ports.unit_of_work import UnitOfWork


class ClinicQueues:
    def enqueue(self, uow: UnitOfWork, key: QueueKey, *, encounter_id: str, patient_id: str, patient_label: str,
                flags: PriorityFlags) -> QueueEntry:
        raise NotImplementedError

    def close_transferred(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """The sending entry of a transfer: closed as TRANSFERRED (from any open state)."""
        raise NotImplementedError

    def withdraw(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """Take an entry back (a transfer undone, a registration cancelled); refused once its
        consultation started (IllegalTransition naming the state)."""
        raise NotImplementedError

    def reopen(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """Undo of close_transferred: the entry returns to the state it was closed from."""
        raise NotImplementedError

    def entry(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        raise NotImplementedError
