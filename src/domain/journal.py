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
    owner: str = ""  # the process (his_instances.instance_id) that sent it: a dead owner's PENDING is orphaned
    # Doubt rules (UNCERTAIN): until `in_flight_until` the original may still reach the platform, so
    # "the platform shows nothing" proves nothing before it; the resolver next looks at `retry_at`.
    in_flight_until: datetime | None = None
    retry_at: datetime | None = None
    attempts: int = 0  # how often resolving it was tried
    id: int | None = None

    def may_still_arrive(self, now: datetime) -> bool:
        """Whether the original request may still reach the platform (and take effect) at `now`. An
        entry journaled before the window was kept (none recorded) is long past it."""
        return self.in_flight_until is not None and now < self.in_flight_until

    def next_step(self, now: datetime) -> str:
        """For an entry not settled: what happens next, or what an operator should do."""
        if self.state.resolved:
            return ""
        if self.state is JournalState.PENDING:
            return (f"in flight from process {self.owner or '(unknown)'}; should that process die, the resolver "
                    "takes it over")
        if self.may_still_arrive(now):
            return (f"wait: the request may still reach the platform until {self.in_flight_until:%Y-%m-%d %H:%M:%S}; "
                    "the resolver settles it after that")
        if "冲正" in self.resolution and "refused" in self.resolution:
            return (f"the platform refuses to undo {self.infno} {self.msgid}: ask the 医保 centre whether it stands, "
                    "then settle the visit by hand")
        if "no query shows" in self.resolution:
            return f"ask the 医保 centre whether {self.infno} {self.msgid} took effect, then settle the visit by hand"
        when = f" at {self.retry_at:%Y-%m-%d %H:%M:%S}" if self.retry_at else ""
        return (f"the resolver tries again{when} (attempt {self.attempts + 1}); if it stays open, check the "
                "platform's reachability")
