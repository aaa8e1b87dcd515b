"""The doctor station's queue use cases: each move in a unit of work of its own, committed here."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.errors import ConcurrencyConflict, FieldViolation, NotFound, ValidationFailed
from domain.queues import EventKind, QueueEntry, QueueKey, QueueSnapshot
from ports.clock import Clock
from ports.queues import QueueEvents
from ports.unit_of_work import UnitOfWork
from services.queues.clinic_queues import ID_MAX, ClinicQueues, check_code
from services.queues.watch import QueueHub, ResumeToken, Watch

# CallNext re-reads and tries again when another doctor's call changed the same entry first (the
# clinic lock makes that rare: only a change made without it, or a lost lock, gets here).
ATTEMPTS = 3


class QueueService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], queues: ClinicQueues, clock: Clock,
                 events: QueueEvents, hub: QueueHub):
        self._uow, self.queues, self._clock, self._events, self.hub = uow_factory, queues, clock, events, hub

    def today(self) -> date:
        return self._clock.now().date()

    def get_queue(self, clinic_code: str, doctor_code: str = "", day: date | None = None) -> QueueSnapshot:
        """The open entries of a doctor's view (their queue and the clinic's shared one; "" = every
        queue of the clinic), in call order, with the seq they reflect."""
        _check_queue(clinic_code, doctor_code)
        return self._events.snapshot(day or self.today(), clinic_code, doctor_code or None)

    def call_next(self, clinic_code: str, doctor_code: str, day: date | None = None) -> QueueEntry:
        _check_queue(clinic_code, doctor_code)
        key = QueueKey(day or self.today(), clinic_code, doctor_code)
        for attempt in range(ATTEMPTS):
            try:
                with self._uow() as uow:
                    entry = self.queues.call_next(uow, key)
                    if entry is None:
                        raise NotFound(f"nobody is waiting in clinic {clinic_code}"
                                       + (f" for doctor {doctor_code}" if doctor_code else ""))
                    uow.commit()
                    return entry
            except ConcurrencyConflict:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def recall(self, entry_id: str) -> QueueEntry:
        return self._move(entry_id, lambda uow: self.queues.change(uow, entry_id, EventKind.RECALLED,
                                                                   QueueEntry.recall))

    def skip(self, entry_id: str) -> QueueEntry:
        return self._move(entry_id, lambda uow: self.queues.skip(uow, entry_id))

    def start(self, entry_id: str) -> QueueEntry:
        return self._move(entry_id, lambda uow: self.queues.change(uow, entry_id, EventKind.STARTED,
                                                                   QueueEntry.start))

    def finish(self, entry_id: str) -> QueueEntry:
        return self._move(entry_id, lambda uow: self.queues.change(uow, entry_id, EventKind.FINISHED,
                                                                   QueueEntry.finish))

    def no_show(self, entry_id: str) -> QueueEntry:
        return self._move(entry_id, lambda uow: self.queues.change(uow, entry_id, EventKind.NO_SHOW,
                                                                   QueueEntry.no_show))

    def watch(self, clinic_code: str, doctor_code: str = "", day: date | None = None,
              resume_token: str = "") -> Watch:
        """A stream of the view's changes (see services.queues.watch). With `resume_token` (the
        token of the last message received) it starts right after that message; the token names
        the queue, so clinic, doctor and day may then be left empty."""
        resume = ResumeToken.decode(resume_token) if resume_token else None
        if resume is not None:
            given = (clinic_code or resume.clinic_code, doctor_code or resume.doctor_code, day or resume.day)
            if given != (resume.clinic_code, resume.doctor_code, resume.day):
                raise ValidationFailed([FieldViolation("resume_token", "was given out for another queue "
                                                                       "(clinic, doctor or day)")])
            clinic_code, doctor_code, day = given
        _check_queue(clinic_code, doctor_code)
        return self.hub.watch(day or self.today(), clinic_code, doctor_code, resume)

    def close(self) -> None:
        self.hub.close()

    def _move(self, entry_id: str, move: Callable[[UnitOfWork], QueueEntry]) -> QueueEntry:
        if not entry_id:
            raise ValidationFailed([FieldViolation("entry_id", "is required")])
        if len(entry_id) > ID_MAX:
            raise ValidationFailed([FieldViolation("entry_id", f"has more than {ID_MAX} characters")])
        with self._uow() as uow:
            entry = move(uow)
            uow.commit()
            return entry


def _check_queue(clinic_code: str, doctor_code: str) -> None:
    violations: list[FieldViolation] = []
    check_code(violations, "clinic_code", clinic_code)
    check_code(violations, "doctor_code", doctor_code, required=False)
    if violations:
        raise ValidationFailed(violations)
