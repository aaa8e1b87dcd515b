"""Wards (病区) and their beds as a resource: one stay per bed, and a waiting list per ward for the
patients admitted while it was full (危 before 急 before 一般, then first come first served).

Each bed and each waiting entry carries its own version: two nurses giving away the same bed at once
write the same row, and the second write finds the version moved (ConcurrencyConflict)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.errors import IllegalTransition, NotFound
from domain.inpatient.orders import Condition
from domain.text import excerpt


class BedState(str, Enum):
    FREE = "FREE"
    OCCUPIED = "OCCUPIED"
    CLOSED = "CLOSED"  # out of use (cleaning, repair)


class WaitingState(str, Enum):
    WAITING = "WAITING"
    PLACED = "PLACED"  # given a bed
    LEFT = "LEFT"  # the stay was cancelled, discharged or moved to another ward meanwhile


@dataclass
class Bed:
    ward_code: str
    code: str
    state: BedState = BedState.FREE
    stay_id: str = ""
    since: datetime | None = None
    version: int = 0

    def occupy(self, stay_id: str, at: datetime) -> None:
        if self.state is not BedState.FREE:
            raise IllegalTransition(f"bed {self.code} of ward {self.ward_code} is {self.state.value} (needs FREE)")
        self.state, self.stay_id, self.since = BedState.OCCUPIED, stay_id, at

    def free(self, stay_id: str, at: datetime) -> None:
        if self.state is not BedState.OCCUPIED or self.stay_id != stay_id:
            raise IllegalTransition(f"bed {self.code} of ward {self.ward_code} is {self.state.value}, "
                                    f"not held by stay {stay_id}")
        self.state, self.stay_id, self.since = BedState.FREE, "", at

    def close(self, at: datetime) -> None:
        if self.state is not BedState.FREE:
            raise IllegalTransition(f"bed {self.code} of ward {self.ward_code} is {self.state.value} (needs FREE)")
        self.state, self.since = BedState.CLOSED, at

    def reopen(self, at: datetime) -> None:
        if self.state is not BedState.CLOSED:
            raise IllegalTransition(f"bed {self.code} of ward {self.ward_code} is {self.state.value} (needs CLOSED)")
        self.state, self.since = BedState.FREE, at


@dataclass
class WaitingEntry:
    id: str
    ward_code: str
    stay_id: str
    patient_id: str
    condition: Condition
    added_at: datetime
    seq: int  # order of arrival within the ward
    state: WaitingState = WaitingState.WAITING
    closed_at: datetime | None = None
    version: int = 0

    def sort_key(self) -> tuple:
        return self.condition.priority, self.added_at, self.seq


@dataclass
class Ward:
    code: str
    name: str
    dept_code: str
    beds: list[Bed] = field(default_factory=list)
    waiting: list[WaitingEntry] = field(default_factory=list)  # open entries (WAITING) only, as read

    def bed(self, code: str) -> Bed:
        for b in self.beds:
            if b.code == code:
                return b
        raise NotFound(f"ward {self.code} has no bed {excerpt(code)}")

    def free_beds(self) -> list[Bed]:
        return [b for b in self.beds if b.state is BedState.FREE]

    def bed_of(self, stay_id: str) -> Bed | None:
        return next((b for b in self.beds if b.stay_id == stay_id and b.state is BedState.OCCUPIED), None)

    def queue(self) -> list[WaitingEntry]:
        """The waiting list in the order beds go: 危, 急, 一般, then by arrival."""
        return sorted((w for w in self.waiting if w.state is WaitingState.WAITING), key=WaitingEntry.sort_key)

    def waiting_entry(self, stay_id: str) -> WaitingEntry | None:
        return next((w for w in self.waiting if w.stay_id == stay_id and w.state is WaitingState.WAITING), None)

    def enqueue(self, entry_id: str, stay_id: str, patient_id: str, condition: Condition, at: datetime) -> WaitingEntry:
        if self.waiting_entry(stay_id) is not None:
            raise IllegalTransition(f"stay {stay_id} is on the waiting list of ward {self.code} already")
        seq = max((w.seq for w in self.waiting), default=0) + 1
        entry = WaitingEntry(entry_id, self.code, stay_id, patient_id, condition, at, seq)
        self.waiting.append(entry)
        return entry

    def leave_queue(self, stay_id: str, at: datetime, placed: bool) -> WaitingEntry | None:
        entry = self.waiting_entry(stay_id)
        if entry is not None:
            entry.state = WaitingState.PLACED if placed else WaitingState.LEFT
            entry.closed_at = at
        return entry
