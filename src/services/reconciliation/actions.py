"""What the 医保办 does about a worklist entry, each an audited RPC that closes the entry:

REVERSE   the platform's settlement we do not hold: 冲正 (2601) within the reversal window
RECORD    the platform's settlement (read back with 5203) recorded on our visit or stay, or its
          figures taken over where ours differ: a settlement the platform answered happened
RESETTLE  ours the platform does not hold, or a claim left SETTLING the platform shows no
          settlement for: settled again (2207)
CONFIRM   nothing sent: the difference is understood, for the reason given
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.admission import AdmissionState
from domain.errors import IllegalTransition, NotFound
from domain.operator import Operator
from domain.reconciliation import Action, EntryState, FindingKind, OneSidedEntry, reversible_until
from domain.settlement import AMOUNT_FIELDS, Settlement, SettlementRules
from domain.text import excerpt
from domain.visit import FeeState, VisitState
from ports.clock import Clock
from ports.journal import JournalStore
from ports.reconciliation import ReconciliationStore
from ports.unit_of_work import UnitOfWork
from services.platform_gateway import CallContext, PlatformGateway
from services.reconciliation.runs import ReconciliationConfig
from services.translation import reconciliation as wire
from services.translation.settlements import settlement_from_output

Settle = Callable[[Operator, str, str], object]  # OutpatientService.settle(op, visit_id, chrg_bchno)


@dataclass
class EntryActions:
    store: ReconciliationStore
    gateway: PlatformGateway
    uow: Callable[[], UnitOfWork]
    journal: JournalStore
    clock: Clock
    config: ReconciliationConfig
    settle: Settle
    rules: SettlementRules = SettlementRules()

    def take(self, op: Operator, entry: OneSidedEntry, action: Action) -> str:
        """Act; returns what was done, in words (kept as the entry's outcome)."""
        if action is Action.CONFIRM:
            return "confirmed; nothing sent"
        if action is Action.REVERSE:
            return self._reverse(op, entry)
        if action is Action.RECORD:
            if entry.kind is FindingKind.AMOUNTS_DIFFER:
                return self._take_figures(op, entry)
            return self._record(op, entry)
        return self._resettle(op, entry)

    # ---- REVERSE -------------------------------------------------------------------------------
    def _reverse(self, op: Operator, entry: OneSidedEntry) -> str:
        until = reversible_until(entry, self.config.reversal_window.total_seconds() / 3600)
        now = self.clock.now()
        if until is None or now > until:
            raise IllegalTransition(f"settlement {excerpt(entry.setl_id)} is past its reversal window (冲正 until "
                                    f"{until:%Y-%m-%d %H:%M:%S}); RECORD or CONFIRM it" if until else
                                    f"settlement {excerpt(entry.setl_id)} has no time: it cannot be reversed")
        original = self.journal.by_msgid(entry.msgid)
        oinfno = original.infno if original is not None else self._settling_infno(entry.mdtrt_id)
        receipt = self.gateway.send(op, "2601", wire.reversal(entry.psn_no, entry.msgid, oinfno),
                                    CallContext(psn_no=entry.psn_no, mdtrt_id=entry.mdtrt_id))
        return f"冲正 2601 {receipt.msgid} of {oinfno} {entry.msgid}"

    def _settling_infno(self, mdtrt_id: str) -> str:
        """What settled a mdtrt_id our journal has no call for: 2304 for a stay of ours, else 2207."""
        with self.uow() as uow:
            return wire.SETTLEMENT_INFNOS["admission" if uow.admissions.by_mdtrt_id(mdtrt_id) else "visit"]

    # ---- RECORD --------------------------------------------------------------------------------
    def _platform_settlement(self, op: Operator, setl_id: str, mdtrt_id: str, psn_no: str) -> Settlement:
        out = self.gateway.call(op, "5203", wire.one_settlement(setl_id, mdtrt_id, psn_no),
                                CallContext(psn_no=psn_no, mdtrt_id=mdtrt_id))
        return settlement_from_output(out, "", self.rules)

    def _batch_of(self, msgid: str) -> tuple[str, str]:
        """(record id, 费用批次) of the call that made a settlement, from our journal."""
        entry = self.journal.by_msgid(msgid) if msgid else None
        if entry is None:
            return "", ""
        data = ((entry.request or {}).get("input") or {}).get("data") or {}
        return entry.visit_id, str(data.get("chrg_bchno") or "")

    def _record(self, op: Operator, entry: OneSidedEntry) -> str:
        setl_id = entry.setl_id
        if entry.kind is FindingKind.UNSETTLED:
            setl_id = self._platforms_settlement_of(op, entry)
            if not setl_id:
                raise IllegalTransition(f"the platform lists no settlement of mdtrt_id {excerpt(entry.mdtrt_id)}: "
                                        "RESETTLE or CONFIRM it")
        fetched = self._platform_settlement(op, setl_id, entry.mdtrt_id, entry.psn_no)
        record_id, batch = self._batch_of(fetched.medins_setl_id or entry.msgid)
        with self.uow() as uow:
            visit = uow.visits.get(record_id) if record_id else None
            visit = visit or uow.visits.by_mdtrt_id(entry.mdtrt_id)
            if visit is not None:
                if visit.settlements and any(s.setl_id == setl_id for s in visit.settlements):
                    raise IllegalTransition(f"visit {visit.id} holds settlement {excerpt(setl_id)} already")
                fetched.chrg_bchno = batch or visit.settling_batch
                if visit.state is VisitState.REGISTERED and fetched.chrg_bchno \
                        and visit.batch_state(fetched.chrg_bchno) is FeeState.UPLOADED:
                    visit.begin_settlement(fetched.chrg_bchno, self.clock.now())
                if visit.state is not VisitState.SETTLING:
                    raise IllegalTransition(f"visit {visit.id} is {visit.state.value}: settlement {excerpt(setl_id)} "
                                            "cannot be recorded on it; CONFIRM it with the reason")
                visit.complete_settlement(fetched)
                uow.commit()
                where = f"visit {visit.id}"
            else:
                adm = uow.admissions.by_mdtrt_id(entry.mdtrt_id)
                if adm is None or adm.state is not AdmissionState.SETTLING:
                    state = f" ({adm.state.value})" if adm is not None else ""
                    raise IllegalTransition(f"no visit or settling stay of ours for mdtrt_id {excerpt(entry.mdtrt_id)}"
                                            f"{state}: CONFIRM it with the reason")
                adm.complete_settlement(fetched)
                uow.commit()
                where = f"stay {adm.id}"
        self._close_twins(op, entry, setl_id, where)
        return f"settlement {setl_id} recorded on {where}"

    def _platforms_settlement_of(self, op: Operator, entry: OneSidedEntry) -> str:
        """The platform's settlement in force for an entry's mdtrt_id, "" when it lists none."""
        first = (entry.setl_time or self.clock.now()).date()
        payload = wire.settlements_of_visit(entry.mdtrt_id, entry.psn_no, first, self.clock.now().date())
        held = []
        for infno in ("5262", "5267"):
            out = self.gateway.call(op, infno, payload, CallContext(psn_no=entry.psn_no, mdtrt_id=entry.mdtrt_id))
            held += wire.in_force(out, entry.mdtrt_id)
        return held[-1] if held else ""

    def _close_twins(self, op: Operator, entry: OneSidedEntry, setl_id: str, where: str) -> None:
        """The other entry a recorded settlement settles: the claim left SETTLING, or the platform's one."""
        twins = self.store.entries_for([(FindingKind.PLATFORM_ONLY, setl_id), (FindingKind.UNSETTLED, entry.record_id
                                                                              or "")])
        for twin in twins.values():
            if twin.id != entry.id and twin.state is EntryState.OPEN:
                twin.resolve(Action.RECORD, f"recorded with entry {entry.id}", op.code, self.clock.now(),
                             f"settlement {setl_id} recorded on {where}")
                self.store.save_entry(twin)

    def _take_figures(self, op: Operator, entry: OneSidedEntry) -> str:
        fetched = self._platform_settlement(op, entry.setl_id, entry.mdtrt_id, entry.psn_no)
        with self.uow() as uow:
            record = uow.visits.get(entry.record_id) if entry.record_kind == "visit" else \
                uow.admissions.get(entry.record_id)
            if record is None:
                raise NotFound(f"no {entry.record_kind} {excerpt(entry.record_id)}")
            ours = next((s for s in record.settlements if s.setl_id == entry.setl_id), None)
            if ours is None:
                raise NotFound(f"{entry.record_kind} {record.id} has no settlement {excerpt(entry.setl_id)}")
            was = f"medfee_sumamt {ours.medfee_sumamt}, fund_pay_sumamt {ours.fund_pay_sumamt}, acct_pay {ours.acct_pay}"
            for name in AMOUNT_FIELDS:
                setattr(ours, name, getattr(fetched, name))
            ours.details, ours.discrepancies = fetched.details, fetched.discrepancies  # what was: the entry's outcome
            uow.commit()
        return f"the platform's figures recorded on {entry.record_kind} {entry.record_id} (were {was})"

    # ---- RESETTLE ------------------------------------------------------------------------------
    def _resettle(self, op: Operator, entry: OneSidedEntry) -> str:
        if entry.record_kind != "visit":
            raise IllegalTransition(f"a stay is settled again at the ward (SettleStay), not here: entry {entry.id}")
        if entry.kind is FindingKind.UNSETTLED:
            held = self._platforms_settlement_of(op, entry)
            if held:
                raise IllegalTransition(f"the platform holds settlement {excerpt(held)} for this visit: RECORD it")
        with self.uow() as uow:
            visit = uow.visits.get(entry.record_id)
            if visit is None:
                raise NotFound(f"no visit {excerpt(entry.record_id)}")
            if entry.kind is FindingKind.UNSETTLED:
                if visit.state is not VisitState.SETTLING:
                    raise IllegalTransition(f"visit {visit.id} is {visit.state.value}, no longer SETTLING")
                batch = visit.settling_batch
                visit.abandon_settlement()
            else:
                batch = visit.void_settlement(entry.setl_id).chrg_bchno
            uow.commit()
        _visit, settlement = self.settle(op, entry.record_id, batch)
        return f"settled again as {settlement.setl_id} (batch {batch})"
