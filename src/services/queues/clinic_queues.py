"""The queue moves inside a caller's unit of work: each takes the clinic's lock, re-reads the
entry, applies the domain's move, writes the entry (version-checked) and its event."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.queues import (POSITION_STEP, EventKind, PriorityFlags, QueueEntry, QueueEvent, QueueKey, QueueRules,
                           QueueState, skip_place)
from ports.clock import Clock, SystemClock
from ports.unit_of_work import UnitOfWork

CODE_MAX, ID_MAX, LABEL_MAX = 30, 50, 50


def check_code(violations: list, field: str, value: str, required: bool = True) -> None:
    if required and not value:
        violations.append(FieldViolation(field, "is required"))
    elif len(value) > CODE_MAX:
        violations.append(FieldViolation(field, f"has more than {CODE_MAX} characters"))


class ClinicQueues:
    def __init__(self, rules: QueueRules | None = None, clock: Clock | None = None):
        self.rules = rules or QueueRules()
        self._clock = clock or SystemClock()

    def enqueue(self, uow: UnitOfWork, key: QueueKey, *, encounter_id: str, patient_id: str, patient_label: str,
                flags: PriorityFlags) -> QueueEntry:
        violations: list[FieldViolation] = []
        check_code(violations, "clinic_code", key.clinic_code)
        check_code(violations, "doctor_code", key.doctor_code, required=False)
        for field, value, most in (("encounter_id", encounter_id, ID_MAX), ("patient_id", patient_id, ID_MAX),
                                   ("patient_label", patient_label, LABEL_MAX)):
            if not value:
                violations.append(FieldViolation(field, "is required"))
            elif len(value) > most:
                violations.append(FieldViolation(field, f"has more than {most} characters"))
        if flags.age is not None and not 0 <= flags.age <= 150:
            violations.append(FieldViolation("age", "must be between 0 and 150"))
        if violations:
            raise ValidationFailed(violations)
        repo = uow.queues
        number = repo.next_number(key.day, key.clinic_code)  # takes the clinic's lock first
        entry = QueueEntry(id=uuid.uuid4().hex, key=key, encounter_id=encounter_id, patient_id=patient_id,
                           patient_label=patient_label, number=number, state=QueueState.WAITING, flags=flags,
                           rank=self.rules.rank(flags), position=number * POSITION_STEP)
        repo.add(entry)
        self._event(uow, entry, EventKind.ENQUEUED)
        return entry

    def close_transferred(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """The sending entry of a transfer: closed as TRANSFERRED (from any open state)."""
        return self.change(uow, entry_id, EventKind.TRANSFERRED, QueueEntry.close_transferred)

    def withdraw(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """Take an entry back (a transfer undone, a registration cancelled); refused once its
        consultation started (IllegalTransition naming the state)."""
        return self.change(uow, entry_id, EventKind.WITHDRAWN, QueueEntry.withdraw)

    def reopen(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        """Undo of close_transferred: the entry returns to the state it was closed from."""
        return self.change(uow, entry_id, EventKind.REOPENED, QueueEntry.reopen)

    def lock_clinics(self, uow: UnitOfWork, day: date, *clinic_codes: str) -> None:
        """Take several clinics' locks up front, in one order for everyone: a transfer that changes two
        clinics' queues calls this first, so two opposite transfers wait for each other instead of
        deadlocking."""
        for clinic_code in sorted(set(clinic_codes)):
            uow.queues.lock(day, clinic_code)

    def entry(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        found = uow.queues.get(entry_id)
        if found is None:
            raise NotFound(f"queue entry {entry_id[:ID_MAX]} not found")
        return found

    # ---- the doctor station's moves (QueueService commits them) ---------------------------
    def call_next(self, uow: UnitOfWork, key: QueueKey) -> QueueEntry | None:
        """The first WAITING entry of the doctor's view (their queue and the clinic's shared one),
        CALLED by this doctor; None when nobody waits."""
        repo = uow.queues
        repo.lock(key.day, key.clinic_code)  # two doctors calling at once take turns here
        waiting = [e for e in repo.entries(key.day, key.clinic_code, key.doctor_code) if e.state is QueueState.WAITING]
        if not waiting:
            return None
        entry = waiting[0]
        entry.call(key.doctor_code)
        repo.save(entry)
        self._event(uow, entry, EventKind.CALLED)
        return entry

    def skip(self, uow: UnitOfWork, entry_id: str) -> QueueEntry:
        def move(entry: QueueEntry) -> None:
            view = entry.called_by or entry.key.doctor_code
            waiting = [e for e in uow.queues.entries(entry.key.day, entry.key.clinic_code, view)
                       if e.state is QueueState.WAITING and e.id != entry.id]
            place = skip_place(waiting, self.rules.skip_places) or (entry.rank, entry.position)
            entry.skip(*place, no_show_after=self.rules.no_show_after_skips)
        return self.change(uow, entry_id, EventKind.SKIPPED, move)

    def change(self, uow: UnitOfWork, entry_id: str, kind: EventKind,
               move: Callable[[QueueEntry], None]) -> QueueEntry:
        repo = uow.queues
        entry = self.entry(uow, entry_id)
        repo.lock(entry.key.day, entry.key.clinic_code)
        entry = self.entry(uow, entry_id)  # as it is now that changes to its clinic wait for us
        move(entry)
        repo.save(entry)
        if kind is EventKind.SKIPPED and entry.state is QueueState.NO_SHOW:
            kind = EventKind.NO_SHOW
        self._event(uow, entry, kind)
        return entry

    def _event(self, uow: UnitOfWork, entry: QueueEntry, kind: EventKind) -> QueueEvent:
        return uow.queues.append(QueueEvent.of(entry, kind, 0, self._clock.now()))
