"""The 单边账 worklist: one entry per discrepancy found, open until the 医保办 acts on it.

An entry is found again by later runs (same kind, same settlement) rather than duplicated; the
action taken on it is kept with its reason, who took it and when, and what the platform answered.
Which actions fit depends on the kind: the platform's side only may be reversed (冲正 2601, only
within the reversal window) or recorded here ("the platform's answer is its truth"); ours only may
be settled again; any may be confirmed with a reason (the difference is understood and stays).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, ValidationFailed
from domain.reconciliation.comparison import Finding, FindingKind
from domain.reconciliation.ledger import Amounts
from domain.text import excerpt

REASON_MAX = 500


class Action(str, Enum):
    REVERSE = "REVERSE"  # 冲正 (2601) the platform's settlement: it should never have happened
    RECORD = "RECORD"  # take the platform's settlement (or its figures) into our records
    RESETTLE = "RESETTLE"  # settle again with the platform what we hold and it does not
    CONFIRM = "CONFIRM"  # leave it as it is, for the reason given


class EntryState(str, Enum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


FITTING: dict[FindingKind, tuple[Action, ...]] = {
    FindingKind.PLATFORM_ONLY: (Action.REVERSE, Action.RECORD, Action.CONFIRM),
    FindingKind.HIS_ONLY: (Action.RESETTLE, Action.CONFIRM),
    FindingKind.AMOUNTS_DIFFER: (Action.RECORD, Action.CONFIRM),
    FindingKind.UNSETTLED: (Action.RECORD, Action.RESETTLE, Action.CONFIRM),
    FindingKind.ARITHMETIC: (Action.CONFIRM,),
}


@dataclass
class OneSidedEntry:
    id: str
    kind: FindingKind
    key: str
    setl_id: str = ""
    mdtrt_id: str = ""
    psn_no: str = ""
    msgid: str = ""  # of the call that made the settlement: what 冲正 names
    setl_time: datetime | None = None
    insutype: str = ""
    clr_type: str = ""
    clr_optins: str = ""
    record_kind: str = ""  # our visit / admission, when we hold one
    record_id: str = ""
    ours: Amounts | None = None
    theirs: Amounts | None = None
    memo: str = ""
    sources: tuple[str, ...] = ()
    first_run_id: str = ""
    last_run_id: str = ""
    found_at: datetime | None = None
    state: EntryState = EntryState.OPEN
    action: Action | None = None
    reason: str = ""
    resolved_by: str = ""
    resolved_at: datetime | None = None
    outcome: str = ""  # what acting did: the 冲正's msgid, the settlement recorded or made
    version: int = 0

    @classmethod
    def from_finding(cls, entry_id: str, finding: Finding, run_id: str, at: datetime) -> OneSidedEntry:
        row = finding.row
        return cls(id=entry_id, kind=finding.kind, key=finding.key, setl_id=row.setl_id, mdtrt_id=row.mdtrt_id,
                   psn_no=row.psn_no, msgid=row.msgid, setl_time=row.setl_time, insutype=row.insutype,
                   clr_type=row.clr_type, clr_optins=row.clr_optins,
                   record_kind=finding.ours.record_kind if finding.ours else "",
                   record_id=finding.ours.record_id if finding.ours else "",
                   ours=finding.ours.amounts if finding.ours else None,
                   theirs=finding.theirs.amounts if finding.theirs else None, memo=finding.memo,
                   sources=tuple(s for s in finding.source.split(",") if s), first_run_id=run_id,
                   last_run_id=run_id, found_at=at)

    def seen_again(self, finding: Finding, run_id: str) -> None:
        """A later run found the same discrepancy: its figures are the latest, its state stays."""
        fresh = OneSidedEntry.from_finding(self.id, finding, run_id, self.found_at or datetime.min)
        self.ours, self.theirs, self.memo, self.last_run_id = fresh.ours, fresh.theirs, fresh.memo, run_id
        self.record_kind, self.record_id = self.record_kind or fresh.record_kind, self.record_id or fresh.record_id
        self.msgid = self.msgid or fresh.msgid
        self.sources = tuple(dict.fromkeys((*self.sources, *fresh.sources)))

    @property
    def actions(self) -> tuple[Action, ...]:
        """What fits this entry while it is open (REVERSE still subject to the window when taken)."""
        if self.state is not EntryState.OPEN:
            return ()
        fitting = FITTING[self.kind]
        if self.record_kind != "visit":  # a stay is settled again at the ward (SettleStay), not from here
            fitting = tuple(a for a in fitting if a is not Action.RESETTLE)
        if not self.msgid:
            fitting = tuple(a for a in fitting if a is not Action.REVERSE)
        return fitting

    def check(self, action: Action, reason: str) -> None:
        """Refuse an action that does not fit, before anything is sent."""
        problems = []
        if not reason.strip():
            problems.append(FieldViolation("reason", "is required: say why"))
        elif len(reason) > REASON_MAX:
            problems.append(FieldViolation("reason", f"is longer than {REASON_MAX} characters"))
        if problems:
            raise ValidationFailed(problems)
        if self.state is not EntryState.OPEN:
            raise IllegalTransition(f"entry {self.id} is {self.state.value} ({self.action.value if self.action else ''}"
                                    f" by {self.resolved_by}); nothing is left to do")
        if action not in self.actions:
            fits = ", ".join(a.value for a in self.actions)
            raise IllegalTransition(f"{action.value} does not fit a {self.kind.value} entry "
                                    f"(settlement {excerpt(self.setl_id or self.key)}); what fits: {fits}")

    def resolve(self, action: Action, reason: str, operator_code: str, at: datetime, outcome: str = "") -> None:
        self.check(action, reason)
        self.state, self.action, self.reason = EntryState.RESOLVED, action, reason.strip()
        self.resolved_by, self.resolved_at, self.outcome = operator_code, at, outcome


def close_gone(entry: OneSidedEntry, run_id: str, at: datetime) -> None:
    """A complete run of the entry's days no longer finds it (set right elsewhere: the resolver, the
    ward, the platform): closed with no action, the run named."""
    entry.state, entry.reason, entry.resolved_by, entry.resolved_at = EntryState.RESOLVED, "not found again", \
        f"run {run_id}", at
    entry.outcome = f"run {run_id} compared the days in full and no longer found it"


def reversible_until(entry: OneSidedEntry, window_hours: float) -> datetime | None:
    """The last moment a 冲正 of the entry's settlement is allowed (None: no time known, no 冲正)."""
    if entry.setl_time is None:
        return None
    return entry.setl_time + timedelta(hours=window_hours)

