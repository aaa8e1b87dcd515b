"""The platform journal: one entry per call, written before it is sent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class JournalState(str, Enum):
    PENDING = "PENDING"  # written, being sent (or the process died while sending)
    OK = "OK"  # infcode 0
    FAILED = "FAILED"  # refused by the platform, or never left this machine
    UNCERTAIN = "UNCERTAIN"  # sent, outcome unknown: must be resolved
    REVERSED = "REVERSED"  # was uncertain; 冲正 2601 undid whatever happened
    CONFIRMED = "CONFIRMED"  # was uncertain; a query proved it took effect

    @property
    def resolved(self) -> bool:
        return self not in (JournalState.PENDING, JournalState.UNCERTAIN)


@dataclass
class JournalEntry:
    msgid: str
    infno: str
    request: dict
    operator_code: str
    created_at: datetime
    psn_no: str = ""
    mdtrt_id: str = ""
    visit_id: str = ""  # our own visit id: 2201 has no mdtrt_id until it returns
    state: JournalState = JournalState.PENDING
    infcode: int | None = None
    err_msg: str = ""
    reply: dict | None = None
    inf_refmsgid: str = ""
    finished_at: datetime | None = None
    resolution: str = ""  # how an uncertain entry was settled, in words
    reversal_msgid: str = ""  # msgid of the 2601 that undid it
    # what did not hold together in a reply the platform accepted (infcode 0): sums, unreadable
    # values. Recorded and shown, never a reason to doubt the call.
    discrepancy: str = ""
    id: int | None = None
