"""The reconciliation use cases: run (on demand or scheduled), read runs, read and work the list."""
from __future__ import annotations

from datetime import date, datetime

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.operator import Operator
from domain.reconciliation import Action, EntryState, FindingKind, OneSidedEntry, ReconciliationRun, Trigger
from domain.text import excerpt
from ports.clock import Clock
from ports.reconciliation import EntryFilter, ReconciliationStore
from services.reconciliation.actions import EntryActions
from services.reconciliation.runs import ReconciliationRuns

MAX_PAGE = 1000


def _page_size(value: int) -> int:
    if value < 0 or value > MAX_PAGE:
        raise ValidationFailed([FieldViolation("page_size", f"must be between 1 and {MAX_PAGE}")])
    return value or 100


def parse_action(value: str, field: str = "action") -> Action:
    try:
        return Action(value.strip().upper())
    except ValueError:
        fits = ", ".join(a.value for a in Action)
        raise ValidationFailed([FieldViolation(field, f"{excerpt(value)} is not an action; one of {fits}")]) from None


def parse_kind(value: str, field: str = "kind") -> FindingKind | None:
    if not value:
        return None
    try:
        return FindingKind(value.strip().upper())
    except ValueError:
        kinds = ", ".join(k.value for k in FindingKind)
        raise ValidationFailed([FieldViolation(field, f"{excerpt(value)} is not a kind; one of {kinds}")]) from None


class ReconciliationService:
    def __init__(self, store: ReconciliationStore, runs: ReconciliationRuns, actions: EntryActions, clock: Clock):
        self.store, self.runs, self.actions, self.clock = store, runs, actions, clock

    def run(self, op: Operator, first: date | None = None, last: date | None = None) -> ReconciliationRun:
        run = self.runs.run(op, first, last, Trigger.ON_DEMAND)
        assert run is not None  # only a scheduled run can lose its claim
        return run

    def run_scheduled(self, op: Operator, day: date) -> ReconciliationRun | None:
        """The day's scheduled run; None when another server claimed it."""
        return self.runs.run(op, day, day, Trigger.SCHEDULED, scheduled_for=day)

    def get_run(self, run_id: str) -> ReconciliationRun:
        run = self.store.get_run(run_id) if run_id else None
        if run is None:
            raise NotFound(f"no reconciliation run {excerpt(run_id)}")
        return run

    def list_runs(self, page_size: int = 50, before: tuple[datetime, str] | None = None) -> list[ReconciliationRun]:
        return self.store.list_runs(_page_size(page_size), before)

    def list_entries(self, state: EntryState | None = EntryState.OPEN, kind: FindingKind | None = None,
                     run_id: str = "", page_size: int = 100, after: str | None = None) -> list[OneSidedEntry]:
        return self.store.list_entries(EntryFilter(state, kind, run_id or None), _page_size(page_size), after)

    def get_entry(self, entry_id: str) -> OneSidedEntry:
        entry = self.store.get_entry(entry_id) if entry_id else None
        if entry is None:
            raise NotFound(f"no worklist entry {excerpt(entry_id)}")
        return entry

    def resolve(self, op: Operator, entry_id: str, action: Action, reason: str) -> OneSidedEntry:
        """Take `action` on an open entry; the entry is closed with the reason, who and what was done.
        Refused (nothing sent) when the action does not fit or the reason is missing."""
        entry = self.get_entry(entry_id)
        entry.check(action, reason)
        outcome = self.actions.take(op, entry, action)
        entry = self.get_entry(entry_id)  # as it is now (acting may have closed a twin, never this one)
        entry.resolve(action, reason, op.code, self.clock.now(), outcome)
        self.store.save_entry(entry)
        return entry
