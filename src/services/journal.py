"""Reading the platform journal and settling what it left in doubt."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from domain.errors import NotFound
from domain.journal import JournalEntry, JournalState
from domain.operator import Operator
from domain.visit import VisitState
from ports.clock import Clock
from ports.journal import JournalStore
from ports.unit_of_work import UnitOfWork
from services.platform_gateway import PlatformGateway

log = logging.getLogger(__name__)

SETTLEMENT_CODES = frozenset({"2207"})


class JournalService:
    def __init__(self, journal: JournalStore, gateway: PlatformGateway, uow: Callable[[], UnitOfWork], clock: Clock,
                 system_operator: Operator, pending_grace: timedelta = timedelta(minutes=2)):
        self.journal, self.gateway, self.uow, self.clock = journal, gateway, uow, clock
        self.system_operator = system_operator
        self.pending_grace = pending_grace  # a PENDING entry younger than this may still be in flight elsewhere

    def unresolved(self) -> list[JournalEntry]:
        return self.journal.unresolved()

    def for_visit(self, visit_id: str) -> list[JournalEntry]:
        return self.journal.for_visit(visit_id)

    def get(self, entry_id: int) -> JournalEntry:
        entry = self.journal.get(entry_id)
        if entry is None:
            raise NotFound(f"no journal entry {entry_id}")
        return entry

    def resolve(self, entry_id: int, operator: Operator | None = None) -> JournalEntry:
        """Try again to settle one doubtful entry (e.g. after the platform came back)."""
        entry = self.get(entry_id)
        if entry.state.resolved:
            return entry
        self._resolve(entry, operator or self.system_operator)
        return self.get(entry_id)

    def recover(self) -> list[JournalEntry]:
        """At start-up: settle what a dead process left PENDING and every UNCERTAIN entry."""
        cutoff = self.clock.now() - self.pending_grace
        settled = []
        for entry in self.journal.unresolved(older_than=cutoff):
            try:
                self._resolve(entry, self.system_operator)
            except Exception as exc:  # noqa: BLE001 - one bad entry must not stop recovery
                log.warning("could not resolve journal entry %s (%s): %s", entry.id, entry.msgid, exc)
            settled.append(self.get(entry.id))
        return settled

    def _resolve(self, entry: JournalEntry, operator: Operator) -> None:
        if entry.state is JournalState.PENDING:
            self.journal.close(entry.id, JournalState.UNCERTAIN, err_msg="process ended before the reply",
                               finished_at=self.clock.now())
            entry.state = JournalState.UNCERTAIN
        state = self.gateway.resolve(entry, operator)
        if state is JournalState.REVERSED and entry.infno in SETTLEMENT_CODES and entry.visit_id:
            self._release_visit(entry.visit_id)

    def _release_visit(self, visit_id: str) -> None:
        """The 2207 was undone on the platform: the visit is free to settle again."""
        with self.uow() as uow:
            visit = uow.visits.get(visit_id)
            if visit is not None and visit.state is VisitState.SETTLING:
                visit.abandon_settlement()
                uow.commit()
