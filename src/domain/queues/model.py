"""The queue model: entries, their states and events, and the legal moves between states.

Order in a queue: priority rank first (rules.QueueRules turns a patient's flags into a rank),
then `position` (the 排队号 scaled, so a skipped entry can be placed between two others), then
the number itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from domain.errors import IllegalTransition

# A skipped entry goes between two others: positions are numbers spaced this far apart.
POSITION_STEP = 1 << 16


class QueueState(str, Enum):
    WAITING = "WAITING"
    CALLED = "CALLED"
    IN_CONSULTATION = "IN_CONSULTATION"
    FINISHED = "FINISHED"
    NO_SHOW = "NO_SHOW"
    TRANSFERRED = "TRANSFERRED"  # closed because the visit moved on to another clinic (kept, not deleted)
    WITHDRAWN = "WITHDRAWN"  # taken back: a transfer undone, a registration cancelled


OPEN_STATES = frozenset({QueueState.WAITING, QueueState.CALLED, QueueState.IN_CONSULTATION})


@dataclass(frozen=True)
class QueueKey:
    """One day's queue of a clinic, or of one doctor in it (doctor_code "" = the clinic's shared queue)."""

    day: date
    clinic_code: str
    doctor_code: str = ""


@dataclass(frozen=True)
class PriorityFlags:
    emergency: bool = False
    age: int | None = None  # the patient's age on the day; the 80+ rule is configuration
    returning_with_results: bool = False


class EventKind(str, Enum):
    ENQUEUED = "ENQUEUED"
    CALLED = "CALLED"
    RECALLED = "RECALLED"
    SKIPPED = "SKIPPED"  # back to WAITING, further down
    STARTED = "STARTED"
    FINISHED = "FINISHED"
    NO_SHOW = "NO_SHOW"
    TRANSFERRED = "TRANSFERRED"
    WITHDRAWN = "WITHDRAWN"
    REOPENED = "REOPENED"


@dataclass
class QueueEntry:
    """A patient's place in one queue for one encounter. Entries are closed, never deleted.

    `number` runs per clinic and day (shared by its doctors' queues, so a screen showing a doctor's
    queue with the clinic's shared entries never shows one number twice)."""

    id: str
    key: QueueKey
    encounter_id: str
    patient_id: str
    patient_label: str  # what a screen shows (masked name), given by the caller
    number: int  # 排队号 within the queue, from 1
    state: QueueState
    flags: PriorityFlags
    version: int = 0
    rank: int = 0  # from the priority rules at enqueue: lower is served first
    position: int = 0  # within a rank; number * POSITION_STEP until a skip moves it
    recalls: int = 0
    skips: int = 0
    called_by: str = ""  # the doctor who called it (a shared entry is called by whichever doctor is free)
    closed_from: QueueState | None = None  # the open state a TRANSFERRED / WITHDRAWN entry left
    updated_at: datetime | None = None

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.rank, self.position, self.number)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # ---- the moves -----------------------------------------------------------------------
    def _require(self, doing: str, *allowed: QueueState) -> None:
        if self.state not in allowed:
            raise IllegalTransition(f"cannot {doing}: queue entry {self.id} (number {self.number}) is "
                                    f"{self.state.value} (needs {' or '.join(s.value for s in allowed)})")

    def call(self, doctor_code: str) -> None:
        self._require("call", QueueState.WAITING)
        self.state, self.called_by = QueueState.CALLED, doctor_code

    def recall(self) -> None:
        self._require("recall", QueueState.CALLED)
        self.recalls += 1

    def skip(self, rank: int, position: int, no_show_after: int) -> None:
        """Back to WAITING at (rank, position); NO_SHOW once skipped `no_show_after` times (0: never)."""
        self._require("skip", QueueState.CALLED)
        self.skips += 1
        if no_show_after and self.skips >= no_show_after:
            self.state = QueueState.NO_SHOW
            return
        self.state, self.rank, self.position, self.called_by = QueueState.WAITING, rank, position, ""

    def start(self) -> None:
        self._require("start the consultation", QueueState.CALLED)
        self.state = QueueState.IN_CONSULTATION

    def finish(self) -> None:
        self._require("finish the consultation", QueueState.IN_CONSULTATION)
        self.state = QueueState.FINISHED

    def no_show(self) -> None:
        self._require("mark as not shown", QueueState.WAITING, QueueState.CALLED)
        self.state = QueueState.NO_SHOW

    def close_transferred(self) -> None:
        self._require("close as transferred", *OPEN_STATES)
        self.closed_from, self.state = self.state, QueueState.TRANSFERRED

    def withdraw(self) -> None:
        self._require("withdraw", QueueState.WAITING, QueueState.CALLED)
        self.closed_from, self.state = self.state, QueueState.WITHDRAWN

    def reopen(self) -> None:
        self._require("reopen", QueueState.TRANSFERRED)
        self.state, self.closed_from = self.closed_from or QueueState.WAITING, None


@dataclass(frozen=True)
class QueueEvent:
    """One change of one entry, numbered per clinic and day without gaps (`seq`, from 1). It carries
    what a screen shows: the number, the masked label, the state; no personal data in clear."""

    day: date
    clinic_code: str
    seq: int
    kind: EventKind
    entry_id: str
    doctor_code: str  # the entry's queue ("" = the clinic's shared queue)
    number: int
    patient_label: str
    state: QueueState
    called_by: str = ""
    recalls: int = 0
    rank: int = 0
    position: int = 0
    at: datetime | None = None

    @staticmethod
    def of(entry: QueueEntry, kind: EventKind, seq: int, at: datetime | None) -> QueueEvent:
        return QueueEvent(day=entry.key.day, clinic_code=entry.key.clinic_code, seq=seq, kind=kind,
                          entry_id=entry.id, doctor_code=entry.key.doctor_code, number=entry.number,
                          patient_label=entry.patient_label, state=entry.state, called_by=entry.called_by,
                          recalls=entry.recalls, rank=entry.rank, position=entry.position, at=at)


def in_view(doctor_code: str, entry_doctor: str) -> bool:
    """Whether an entry of `entry_doctor`'s queue belongs to the view of `doctor_code` ("" = the
    whole clinic): a doctor sees their own queue and the clinic's shared one."""
    return not doctor_code or entry_doctor in (doctor_code, "")


@dataclass
class QueueSnapshot:
    """A queue's entries as of event `seq` (every change up to it included, none after)."""

    day: date
    clinic_code: str
    doctor_code: str
    seq: int
    entries: list[QueueEntry] = field(default_factory=list)
