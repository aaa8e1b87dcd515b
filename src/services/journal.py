"""Reading the platform journal and settling what it left in doubt."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.journal import JournalEntry, JournalState
from domain.operator import Operator
from domain.settlement import SettlementRules
from domain.visit import VisitState
from ports.clock import Clock
from ports.journal import JournalStore
from ports.unit_of_work import UnitOfWork
from services.outpatient import discard_claim, fees_from_upload, settlement_from_output, visit_from_registration
from services.platform_gateway import PlatformGateway

log = logging.getLogger(__name__)

SETTLEMENT_CODES = frozenset({"2207"})
REGISTRATION_CODES = frozenset({"2201", "2201A"})
FEE_UPLOAD_CODES = frozenset({"2204"})


class JournalService:
    def __init__(self, journal: JournalStore, gateway: PlatformGateway, uow: Callable[[], UnitOfWork], clock: Clock,
                 system_operator: Operator, pending_grace: timedelta = timedelta(minutes=2),
                 settlement_rules: SettlementRules = SettlementRules()):
        self.journal, self.gateway, self.uow, self.clock = journal, gateway, uow, clock
        self.settlement_rules = settlement_rules
        self.system_operator = system_operator
        self.pending_grace = pending_grace  # a PENDING entry younger than this may still be in flight elsewhere

    def unresolved(self) -> list[JournalEntry]:
        return self.journal.unresolved()

    def for_visit(self, visit_id: str) -> list[JournalEntry]:
        return self.journal.for_visit(visit_id)

    def with_discrepancies(self, since=None, limit: int = 500) -> list[JournalEntry]:
        """Calls the platform accepted whose replies did not hold together, newest first."""
        return self.journal.with_discrepancies(since=since, limit=limit)

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
        """At start-up: settle what a dead process left PENDING and every UNCERTAIN entry, then
        bring visits left SETTLING in line with what the journal knows."""
        cutoff = self.clock.now() - self.pending_grace
        settled = []
        for entry in self.journal.unresolved(older_than=cutoff):
            try:
                self._resolve(entry, self.system_operator)
            except Exception as exc:  # noqa: BLE001 - one bad entry must not stop recovery
                log.warning("could not resolve journal entry %s (%s): %s", entry.id, entry.msgid, exc)
            settled.append(self.get(entry.id))
        self._finish_settling_visits()
        self._finish_registering_visits(cutoff)
        return settled

    def _finish_settling_visits(self) -> None:
        """A visit stays SETTLING when the process died around a 2207, or when recording a
        settlement failed after the platform had made it. The last 2207 in the journal decides:
        OK → record the settlement from the journaled reply; refused or reversed → release."""
        with self.uow() as uow:
            stuck = [v.id for v in uow.visits.in_state(VisitState.SETTLING)]
        for visit_id in stuck:
            settles = [e for e in self.journal.for_visit(visit_id) if e.infno in SETTLEMENT_CODES]
            if not settles:
                continue  # claimed but nothing journaled yet: possibly in flight elsewhere
            last = settles[-1]
            with self.uow() as uow:
                visit = uow.visits.get(visit_id)
                if visit is None or visit.state is not VisitState.SETTLING:
                    continue
                if last.state in (JournalState.OK, JournalState.CONFIRMED) and last.reply:
                    settlement = settlement_from_output(last.reply, visit.settling_batch, self.settlement_rules)
                    visit.complete_settlement(settlement)
                elif last.state in (JournalState.FAILED, JournalState.REVERSED):
                    visit.abandon_settlement()
                else:
                    continue
                uow.commit()
                log.warning("visit %s left SETTLING brought in line with journal entry %s (%s)",
                            visit_id, last.id, last.state.value)

    def _resolve(self, entry: JournalEntry, operator: Operator) -> None:
        if entry.state is JournalState.PENDING:
            self.journal.close(entry.id, JournalState.UNCERTAIN, err_msg="process ended before the reply",
                               finished_at=self.clock.now())
            entry.state = JournalState.UNCERTAIN
        state = self.gateway.resolve(entry, operator)
        if state is JournalState.REVERSED and entry.infno in SETTLEMENT_CODES and entry.visit_id:
            self._release_visit(entry.visit_id)
        if state in (JournalState.FAILED, JournalState.REVERSED) and entry.infno in REGISTRATION_CODES \
                and entry.visit_id:
            self._discard_claim(entry.visit_id)
        if state is JournalState.CONFIRMED and entry.visit_id:
            self._adopt(self.get(entry.id))

    def _adopt(self, entry: JournalEntry) -> None:
        """A write the platform proved it took, which the HIS never recorded (its process died, or the
        proof came only now): record it from the journaled request and the rebuilt reply."""
        with self.uow() as uow:
            visit = uow.visits.get(entry.visit_id)
            if entry.infno in REGISTRATION_CODES:
                mdtrt_id = str(((entry.reply or {}).get("data") or {}).get("mdtrt_id") or "")
                if visit is not None and visit.state is VisitState.REGISTERING:
                    visit.complete_registration(mdtrt_id)  # the claimed 门诊号 is now a visit
                elif visit is not None:
                    return  # recorded when the call returned
                else:  # journaled before visits were claimed first: built from the journal alone
                    visit = visit_from_registration(entry.visit_id, entry.request, entry.reply or {})
                    person = uow.persons.get(visit.psn_no)
                    visit.psn_name = person.psn_name if person else ""
                    uow.visits.add(visit)
            elif entry.infno in FEE_UPLOAD_CODES and visit is not None:
                items = fees_from_upload(entry.request, entry.reply or {})
                if not items or {i.feedetl_sn for i in items} & {f.feedetl_sn for f in visit.fees}:
                    return  # recorded already
                try:
                    visit.add_fees(items)
                except (IllegalTransition, ValidationFailed) as exc:
                    log.warning("fees of journal entry %s shown applied but not recordable on visit %s: %s",
                                entry.id, visit.id, exc)
                    return
            else:
                return
            uow.commit()
        log.warning("journal entry %s (%s) shown applied by the platform: recorded on visit %s",
                    entry.id, entry.infno, entry.visit_id)

    def _discard_claim(self, visit_id: str) -> None:
        """The 2201 never took effect: the claimed 门诊号 is free again."""
        visit = discard_claim(self.uow, visit_id)
        if visit is not None:
            log.warning("registration of visit %s never took effect: its 门诊号 %s is free again",
                        visit_id, visit.ipt_otp_no)

    def _finish_registering_visits(self, cutoff) -> None:
        """A visit stays REGISTERING when the process died around its 2201. The last 2201 in the
        journal decides: OK → registered; refused or undone → discarded; none at all, and older
        than the grace → it never left (the journal is written before sending): discarded."""
        with self.uow() as uow:
            stuck = [(v.id, v.begntime) for v in uow.visits.in_state(VisitState.REGISTERING)]
        for visit_id, begntime in stuck:
            registrations = [e for e in self.journal.for_visit(visit_id) if e.infno in REGISTRATION_CODES]
            last = registrations[-1] if registrations else None
            if last is None:
                if begntime < cutoff:
                    self._discard_claim(visit_id)
            elif last.state in (JournalState.OK, JournalState.CONFIRMED) and last.reply:
                self._adopt(last)
            elif last.state in (JournalState.FAILED, JournalState.REVERSED):
                self._discard_claim(visit_id)

    def _release_visit(self, visit_id: str) -> None:
        """The 2207 was undone on the platform: the visit is free to settle again."""
        with self.uow() as uow:
            visit = uow.visits.get(visit_id)
            if visit is not None and visit.state is VisitState.SETTLING:
                visit.abandon_settlement()
                uow.commit()
