"""Where clearing reads our settlements and the state of reconciliation, and keeps its applications."""
from __future__ import annotations

import abc
from datetime import date, datetime

from domain.clearing import ClearingApplication, ClearingRow, ClearingState, ReconciledSpan


class ClearingStore(abc.ABC):
    # ---- what an application is computed from ------------------------------------------------
    @abc.abstractmethod
    def ledger(self, first: date, last: date) -> list[ClearingRow]:
        """Our settlements of the days (by setl_time) as the platform's ledger counts them: every one
        in force or cancelled and the negative settlements of cancellations; none undone by 冲正."""

    @abc.abstractmethod
    def reconciled(self, first: date, last: date) -> list[ReconciledSpan]:
        """The finished reconciliation runs (BALANCED or UNBALANCED) that cover any of the days."""

    @abc.abstractmethod
    def open_entries(self, first: date, last: date) -> list[tuple[str, datetime | None]]:
        """(id, setl_time) of the worklist entries still OPEN whose settlement time falls on the days."""

    # ---- applications --------------------------------------------------------------------------
    @abc.abstractmethod
    def claim(self, application: ClearingApplication) -> str | None:
        """Store a new (APPLYING) application holding the days of its period, in one transaction.
        None when stored; else the id of the application that holds one of the days already."""

    @abc.abstractmethod
    def save(self, application: ClearingApplication) -> None:
        """Store its changes under its version (ConcurrencyConflict when it changed meanwhile); an
        application no longer standing gives its days back in the same transaction."""

    @abc.abstractmethod
    def get(self, application_id: str) -> ClearingApplication | None: ...

    @abc.abstractmethod
    def holding(self, area: str, clr_type: str, clr_optins: str, first: date, last: date) -> list[str]:
        """The ids of the applications holding any of the days."""

    @abc.abstractmethod
    def list(self, state: ClearingState | None = None, limit: int = 50,
             before: tuple[datetime, str] | None = None) -> list[ClearingApplication]:
        """Newest first (created_at, id descending), after the cursor `before` when given."""
