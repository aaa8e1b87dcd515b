"""Clinic queues (候诊队列): the public model other contexts may use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class QueueState(str, Enum):
    WAITING = "WAITING"
    CALLED = "CALLED"
    IN_CONSULTATION = "IN_CONSULTATION"
    FINISHED = "FINISHED"
    NO_SHOW = "NO_SHOW"
    TRANSFERRED = "TRANSFERRED"  # closed because the visit moved on to another clinic (kept, not deleted)
    WITHDRAWN = "WITHDRAWN"  # taken back: a transfer undone, a registration cancelled


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


@dataclass
class QueueEntry:
    """A patient's place in one queue for one encounter. Entries are closed, never deleted."""

    id: str
    key: QueueKey
    encounter_id: str
    patient_id: str
    patient_label: str  # what a screen shows (masked name), given by the caller
    number: int  # 排队号 within the queue, from 1
    state: QueueState
    flags: PriorityFlags
    version: int = 0
