"""Where reconciliation reads our side of the ledger and keeps its runs and worklist."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, datetime

from domain.reconciliation import EntryState, FindingKind, LedgerRow, OneSidedEntry, ReconciliationRun


@dataclass(frozen=True)
class EntryFilter:
    """Every criterion given must hold; None: any."""

    state: EntryState | None = EntryState.OPEN
    kind: FindingKind | None = None
    run_id: str | None = None  # entries a run found
    days: tuple[date, date] | None = None  # whose settlement (or claim) time falls on these days, inclusive


class ReconciliationStore(abc.ABC):
    # ---- our side --------------------------------------------------------------------------------
    @abc.abstractmethod
    def ledger(self, first: date, last: date) -> list[LedgerRow]:
        """Our settlements of the days (by setl_time, the hospital's), outpatient and inpatient: every
        one in force or cancelled, and the negative settlements of cancellations; none undone by 冲正.
        Ordered by setl_time, then setl_id."""

    @abc.abstractmethod
    def unsettled(self, first: date, last: date, claimed_before: datetime) -> list[LedgerRow]:
        """Visits and stays still SETTLING whose claim was taken within the days and before
        `claimed_before`: rows with no setl_id, setl_time = the claim's time, record_* set."""

    # ---- runs ----------------------------------------------------------------------------------
    @abc.abstractmethod
    def add_run(self, run: ReconciliationRun) -> bool:
        """Store a new run. False when it is a scheduled run and its day is already claimed."""

    @abc.abstractmethod
    def save_run(self, run: ReconciliationRun) -> None: ...

    @abc.abstractmethod
    def get_run(self, run_id: str) -> ReconciliationRun | None: ...

    @abc.abstractmethod
    def list_runs(self, limit: int = 50, before: tuple[datetime, str] | None = None) -> list[ReconciliationRun]:
        """Newest first (started_at, id descending), after the cursor `before` when given."""

    # ---- the worklist --------------------------------------------------------------------------
    @abc.abstractmethod
    def entries_for(self, keys: list[tuple[FindingKind, str]]) -> dict[tuple[FindingKind, str], OneSidedEntry]:
        """The entries already kept for these (kind, key), whatever their state."""

    @abc.abstractmethod
    def add_entries(self, entries: list[OneSidedEntry]) -> None: ...

    @abc.abstractmethod
    def save_entry(self, entry: OneSidedEntry) -> None:
        """Raises ConcurrencyConflict when the entry changed since it was read (its version)."""

    @abc.abstractmethod
    def get_entry(self, entry_id: str) -> OneSidedEntry | None: ...

    @abc.abstractmethod
    def list_entries(self, where: EntryFilter = EntryFilter(), limit: int = 100,
                     after: str | None = None) -> list[OneSidedEntry]:
        """By id ascending, after the id `after` when given."""
