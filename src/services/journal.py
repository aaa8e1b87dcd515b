"""Reading the platform journal and settling what it left in doubt."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.admission import AdmissionState
from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.journal import JournalEntry, JournalState
from domain.operator import Operator
from domain.settlement import SettlementRules
from domain.visit import VisitState
from ports.clock import Clock
from ports.journal import JournalStore
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.admission_recovery import ADOPTABLE_STAY_WRITES, adopt_stay_write
from services.inpatient_insurance import ADMISSION_CODES, INPATIENT_SETTLEMENT_CODES, discard_admission_claim
from services.outpatient import discard_claim
from services.platform_gateway import PlatformGateway
from services.translation.fees import fees_from_upload
from services.translation.settlements import settlement_from_output
from services.translation.visits import visit_from_registration

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class SweepReport:
    settled: list[JournalEntry]  # settled by this pass
    still_open: list[JournalEntry]  # looked at (or not yet due), still doubtful


SETTLEMENT_CODES = frozenset({"2207"})
REGISTRATION_CODES = frozenset({"2201", "2201A"})
FEE_UPLOAD_CODES = frozenset({"2204"})
CANCELLATION_CODES = frozenset({"2202", "2205"})  # shown applied by a query: recorded like a reply
SETTLEMENT_CANCELLATION_CODES = frozenset({"2208"})
# writes recorded on a visit from the journal when the process that made them could not
ADOPTABLE = REGISTRATION_CODES | FEE_UPLOAD_CODES | CANCELLATION_CODES | SETTLEMENT_CANCELLATION_CODES
# A live process records what the platform answered within moments; a visit left unrecorded longer
# than this by a process that is still alive had its recording fail, and the resolver finishes it.
RECORDING_TAKES_AT_MOST = timedelta(minutes=2)


class JournalService:
    def __init__(self, journal: JournalStore, gateway: PlatformGateway, uow: Callable[[], UnitOfWork], clock: Clock,
                 system_operator: Operator, pending_grace: timedelta = timedelta(minutes=10),
                 settlement_rules: SettlementRules = SettlementRules(), backoff: timedelta = timedelta(seconds=5),
                 max_backoff: timedelta = timedelta(minutes=5)):
        self.journal, self.gateway, self.uow, self.clock = journal, gateway, uow, clock
        self.settlement_rules = settlement_rules
        self.system_operator = system_operator
        # a PENDING entry of a live process younger than this may still get its reply there
        self.pending_grace = pending_grace
        self.backoff, self.max_backoff = backoff, max_backoff  # between attempts at an entry still open
        self._unjournaled: dict[str, object] = {}  # REGISTERING visits without a 2201 yet -> first seen
        self._unjournaled_admissions: dict[str, object] = {}  # REGISTERING stays without a 2401 yet -> first seen

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
        """One pass of the resolver as a lone process starting up: every process that journaled
        before is taken for gone. Returns the entries it settled (not those it tried). With
        replicas, the resolver (services.resolver) asks each owner's heartbeat instead."""
        return self.sweep(owner_alive=lambda owner: False).settled

    def sweep(self, owner_alive: Callable[[str], bool | None] = lambda owner: None,
              holding: Callable[[], bool] = lambda: True) -> "SweepReport":
        """Look at every doubtful entry that is due: a PENDING one whose process died (`owner_alive`
        says False; None: unknown process, judged by age) or that is older than the grace; an
        UNCERTAIN one whose retry time came. Settle what can be proved, schedule the rest with
        back-off, then bring stuck visits in line. `holding` is asked before each entry: a resolver
        that lost its lease stops at once."""
        now = self.clock.now()
        settled, still_open = [], []
        for entry in self.journal.unresolved():
            if not holding():
                break
            if entry.state is JournalState.PENDING:
                if not self._orphaned(entry, now, owner_alive):
                    continue
            elif entry.retry_at is not None and entry.retry_at > now:
                still_open.append(entry)
                continue
            try:
                self._resolve(entry, self.system_operator)
            except Exception as exc:  # noqa: BLE001 - one bad entry must not stop the others
                log.warning("could not resolve journal entry %s (%s): %s", entry.id, entry.msgid, exc)
            after = self.get(entry.id)
            if after.state.resolved:
                settled.append(after)
            else:
                still_open.append(self._schedule(after))
        if holding():
            self._finish_settling_visits(now, owner_alive)
            self._finish_registering_visits(now, owner_alive)
            self._finish_settling_admissions(now, owner_alive)
            self._finish_registering_admissions(now, owner_alive)
        return SweepReport(settled=settled, still_open=still_open)

    def finish_for(self, owner: str, since) -> int:
        """A process died: record on their visits the writes the platform took from it (finished at
        or after `since`) that it may not have recorded before it died. What is recorded already
        stays as it is. Returns how many it recorded."""
        recorded = 0
        for entry in self.journal.accepted_from(owner, since):
            if entry.visit_id and entry.infno in ADOPTABLE:
                with personal_data.scope():
                    recorded += bool(self._adopt(entry))
            elif entry.visit_id and entry.infno in ADOPTABLE_STAY_WRITES:  # a stay's id stands in visit_id
                with personal_data.scope():
                    recorded += adopt_stay_write(self.uow, entry, self.settlement_rules,
                                                 self.journal.for_visit(entry.visit_id))
        return recorded

    def _orphaned(self, entry: JournalEntry, now, owner_alive: Callable[[str], bool | None]) -> bool:
        """A PENDING entry nobody will close: its process died, or it is older than any call runs."""
        if now - entry.created_at >= self.pending_grace:
            return True
        return owner_alive(entry.owner) is False

    def _schedule(self, entry: JournalEntry) -> JournalEntry:
        """Still open: next look right when the original can no longer arrive, else after a back-off
        that doubles with each attempt."""
        now = self.clock.now()
        attempts = entry.attempts + 1
        if entry.may_still_arrive(now):
            retry_at = entry.in_flight_until
        else:
            retry_at = now + min(self.backoff * (2 ** min(attempts - 1, 16)), self.max_backoff)
        self.journal.close(entry.id, JournalState.UNCERTAIN, retry_at=retry_at, attempts=attempts)
        entry.retry_at, entry.attempts = retry_at, attempts
        return entry

    def _left_behind(self, entry: JournalEntry, now, owner_alive: Callable[[str], bool | None]) -> bool:
        """Whether the process that sent `entry` is done with the visit: dead, or the entry finished
        longer ago than recording its outcome takes (it failed to record, and left the visit stuck)."""
        if owner_alive(entry.owner) is False:
            return True
        return (entry.finished_at or entry.created_at) < now - RECORDING_TAKES_AT_MOST

    def _finish_settling_visits(self, now, owner_alive: Callable[[str], bool | None]) -> None:
        """A visit stays SETTLING when the process died around a 2207, or when recording a
        settlement failed after the platform had made it. The claim's own 2207 decides (the last one
        for the claimed batch sent since the claim; an earlier claim's 2207 says nothing about this
        one): OK → record the settlement from the journaled reply; refused or reversed → release;
        none sent and the claim older than any call takes to start → release (nothing left)."""
        with self.uow() as uow:
            stuck = [(v.id, v.settling_batch, v.settling_since) for v in uow.visits.in_state(VisitState.SETTLING)]
        for visit_id, batch, since in stuck:
            decided, last = self._claims_call(visit_id, SETTLEMENT_CODES, since, now, owner_alive,
                                              lambda e: _batch_of(e) == batch)
            if not decided:
                continue
            with self.uow() as uow:
                visit = uow.visits.get(visit_id)
                if visit is None or visit.state is not VisitState.SETTLING or visit.settling_since != since:
                    continue
                if not self._judge_claim(visit, last, visit.settling_batch):
                    continue
                uow.commit()
                log.warning("visit %s left SETTLING brought in line with %s", visit_id,
                            f"journal entry {last.id} ({last.state.value})" if last else "its claim (no 2207 sent)")

    def _judge_claim(self, record, last: JournalEntry | None, batch: str) -> bool:
        """A visit or stay still SETTLING, by its claim's call: none sent, refused or reversed →
        released; accepted → its settlement recorded from the journaled reply. False: nothing to do yet."""
        if last is None or last.state in (JournalState.FAILED, JournalState.REVERSED):
            record.abandon_settlement()
        elif last.state in (JournalState.OK, JournalState.CONFIRMED) and last.reply:
            record.complete_settlement(settlement_from_output(last.reply, batch, self.settlement_rules))
        else:
            return False
        return True

    def _claims_call(self, record_id: str, codes: frozenset, since, now, owner_alive,
                     belongs: Callable[[JournalEntry], bool] = lambda e: True) -> tuple[bool, JournalEntry | None]:
        """Whether a claim taken at `since` can be judged now, and by which call: the claim's own last
        call of `codes` (sent since the claim), or None when its process stopped before sending."""
        sent = [e for e in self.journal.for_visit(record_id) if e.infno in codes and belongs(e)
                and (since is None or e.created_at >= since)]
        if sent:
            return self._left_behind(sent[-1], now, owner_alive), sent[-1]  # else in flight, or being recorded
        if since is None or since >= now - RECORDING_TAKES_AT_MOST:
            return False, None  # claimed, its call not journaled yet
        return True, None

    def _finish_settling_admissions(self, now, owner_alive: Callable[[str], bool | None]) -> None:
        """A stay left SETTLING, judged by its claim's own 2304 as a visit by its 2207."""
        with self.uow() as uow:
            stuck = [(a.id, a.settling_since) for a in uow.admissions.in_state(AdmissionState.SETTLING)]
        for admission_id, since in stuck:
            decided, last = self._claims_call(admission_id, INPATIENT_SETTLEMENT_CODES, since, now, owner_alive)
            if not decided:
                continue
            with self.uow() as uow:
                adm = uow.admissions.get(admission_id)
                if adm is None or adm.state is not AdmissionState.SETTLING or adm.settling_since != since:
                    continue
                if not self._judge_claim(adm, last, ""):
                    continue
                uow.commit()
                log.warning("admission %s left SETTLING brought in line with %s", admission_id,
                            f"journal entry {last.id} ({last.state.value})" if last else "its claim (no 2304 sent)")

    def _finish_registering_admissions(self, now, owner_alive: Callable[[str], bool | None]) -> None:
        """A stay left REGISTERING, judged by its last 2401 as a visit by its 2201."""
        with self.uow() as uow:
            stuck = [a.id for a in uow.admissions.in_state(AdmissionState.REGISTERING)]
        unjournaled = {}
        for admission_id in stuck:
            sent = [e for e in self.journal.for_visit(admission_id) if e.infno in ADMISSION_CODES]
            last = sent[-1] if sent else None
            if last is None:
                unjournaled[admission_id] = first_seen = self._unjournaled_admissions.get(admission_id, now)
                if first_seen < now - RECORDING_TAKES_AT_MOST:
                    discard_admission_claim(self.uow, admission_id)
                    unjournaled.pop(admission_id)
            elif not self._left_behind(last, now, owner_alive):
                continue
            elif last.state in (JournalState.OK, JournalState.CONFIRMED) and last.reply:
                self._adopt_admission(last)
            elif last.state in (JournalState.FAILED, JournalState.REVERSED):
                discard_admission_claim(self.uow, admission_id)
        self._unjournaled_admissions = unjournaled

    def _adopt_admission(self, entry: JournalEntry) -> bool:
        """A 2401 the platform took (answered, or proven by 5201) that its stay does not show yet."""
        mdtrt_id = str(((entry.reply or {}).get("result") or {}).get("mdtrt_id") or "")
        with self.uow() as uow:
            adm = uow.admissions.get(entry.visit_id)
            if adm is None or adm.state is not AdmissionState.REGISTERING:
                return False  # recorded when the call returned
            adm.complete_admission(mdtrt_id)
            uow.commit()
        log.warning("2401 of journal entry %s shown applied by the platform: admission %s recorded as mdtrt_id %s",
                    entry.id, entry.visit_id, mdtrt_id)
        return True

    def _settle_admission(self, entry: JournalEntry, state: JournalState) -> None:
        """What a settled doubt means for the stay it belongs to."""
        undone = state in (JournalState.FAILED, JournalState.REVERSED)
        if undone and entry.infno in INPATIENT_SETTLEMENT_CODES:
            with self.uow() as uow:
                adm = uow.admissions.get(entry.visit_id)
                if adm is not None and adm.state is AdmissionState.SETTLING:
                    adm.abandon_settlement()
                    uow.commit()
        elif undone and entry.infno in ADMISSION_CODES:
            discard_admission_claim(self.uow, entry.visit_id)
        elif state is JournalState.CONFIRMED and entry.infno in ADMISSION_CODES:
            self._adopt_admission(self.get(entry.id))

    def _resolve(self, entry: JournalEntry, operator: Operator) -> None:
        with personal_data.scope():  # the entry's person masked in whatever its resolution logs
            self._settle(entry, operator)

    def _settle(self, entry: JournalEntry, operator: Operator) -> None:
        if entry.state is JournalState.PENDING:
            # its process died mid-call (or it is older than any call runs): whatever was on the wire
            # may still arrive for a while after the connection went with the process
            now = self.clock.now()
            until = now + self.gateway.in_flight_margin
            self.journal.close(entry.id, JournalState.UNCERTAIN, err_msg="process ended before the reply",
                               finished_at=now, in_flight_until=until, retry_at=until)
            entry.state, entry.in_flight_until, entry.retry_at = JournalState.UNCERTAIN, until, until
        state = self.gateway.resolve(entry, operator)
        if state in (JournalState.FAILED, JournalState.REVERSED) and entry.infno in SETTLEMENT_CODES \
                and entry.visit_id:
            self._release_visit(entry.visit_id)
        if state in (JournalState.FAILED, JournalState.REVERSED) and entry.infno in REGISTRATION_CODES \
                and entry.visit_id:
            self._discard_claim(entry.visit_id)
        if state is JournalState.CONFIRMED and entry.visit_id:
            proven = self.get(entry.id)
            if entry.infno in ADOPTABLE_STAY_WRITES:  # a stay's write proven only now: recorded on the stay
                adopt_stay_write(self.uow, proven, self.settlement_rules, self.journal.for_visit(entry.visit_id))
            else:
                self._adopt(proven)
        if entry.visit_id and entry.infno in ADMISSION_CODES | INPATIENT_SETTLEMENT_CODES:
            self._settle_admission(entry, state)

    def _adopt(self, entry: JournalEntry) -> bool:
        """A write the platform proved it took, which the HIS never recorded (its process died, or the
        proof came only now): record it from the journaled request and the rebuilt reply."""
        with self.uow() as uow:
            visit = uow.visits.get(entry.visit_id)
            if entry.infno in REGISTRATION_CODES:
                mdtrt_id = str(((entry.reply or {}).get("data") or {}).get("mdtrt_id") or "")
                if visit is not None and visit.state is VisitState.REGISTERING:
                    visit.complete_registration(mdtrt_id)  # the claimed 门诊号 is now a visit
                elif visit is not None:
                    return False  # recorded when the call returned
                else:  # journaled before visits were claimed first: built from the journal alone
                    visit = visit_from_registration(entry.visit_id, entry.request, entry.reply or {})
                    person = uow.persons.get(visit.psn_no)
                    visit.psn_name = person.psn_name if person else ""
                    uow.visits.add(visit)
            elif entry.infno in FEE_UPLOAD_CODES and visit is not None:
                items = fees_from_upload(entry.request, entry.reply or {})
                if not items or {i.feedetl_sn for i in items} & {f.feedetl_sn for f in visit.fees}:
                    return False  # recorded already
                try:
                    visit.add_fees(items)
                except (IllegalTransition, ValidationFailed) as exc:
                    log.warning("fees of journal entry %s shown applied but not recordable on visit %s: %s",
                                entry.id, visit.id, exc)
                    return False
            elif entry.infno in CANCELLATION_CODES and visit is not None:
                written = ((entry.request or {}).get("input") or {}).get("data") or {}
                try:
                    if entry.infno == "2202" and visit.state is not VisitState.CANCELLED:
                        visit.cancel_registration()
                    elif entry.infno == "2205" and visit.batch(str(written.get("chrg_bchno") or "")):
                        visit.cancel_fees(str(written["chrg_bchno"]))
                    else:
                        return False  # recorded already
                except (IllegalTransition, ValidationFailed) as exc:
                    log.warning("%s of journal entry %s shown applied but not recordable on visit %s: %s",
                                entry.infno, entry.id, visit.id, exc)
                    return False
            elif entry.infno in SETTLEMENT_CANCELLATION_CODES and visit is not None:
                setl_id = str((((entry.request or {}).get("input") or {}).get("data") or {}).get("setl_id") or "")
                original = visit.active_settlement() if visit.state is VisitState.SETTLED else None
                if original is None or original.setl_id != setl_id or not entry.reply:
                    return False  # recorded already (or nothing it could apply to)
                visit.cancel_settlement(setl_id, settlement_from_output(entry.reply, original.chrg_bchno,
                                                                       self.settlement_rules))
            else:
                return False
            uow.commit()
        log.warning("journal entry %s (%s) shown applied by the platform: recorded on visit %s",
                    entry.id, entry.infno, entry.visit_id)
        return True

    def _discard_claim(self, visit_id: str) -> None:
        """The 2201 never took effect: the claimed 门诊号 is free again."""
        visit = discard_claim(self.uow, visit_id)
        if visit is not None:
            log.warning("registration of visit %s never took effect: its 门诊号 %s is free again",
                        visit_id, visit.ipt_otp_no)

    def _finish_registering_visits(self, now, owner_alive: Callable[[str], bool | None]) -> None:
        """A visit stays REGISTERING when the process died around its 2201. The last 2201 in the
        journal decides: OK → registered; refused or undone → discarded. None at all: its process
        claimed the 门诊号 and died before journaling (the journal is written before sending), or is
        signing in first; once seen so for longer than any sign-in takes, it never left: discarded."""
        with self.uow() as uow:
            stuck = [v.id for v in uow.visits.in_state(VisitState.REGISTERING)]
        unjournaled = {}
        for visit_id in stuck:
            registrations = [e for e in self.journal.for_visit(visit_id) if e.infno in REGISTRATION_CODES]
            last = registrations[-1] if registrations else None
            if last is None:
                unjournaled[visit_id] = first_seen = self._unjournaled.get(visit_id, now)
                if first_seen < now - RECORDING_TAKES_AT_MOST:
                    self._discard_claim(visit_id)
                    unjournaled.pop(visit_id)
            elif not self._left_behind(last, now, owner_alive):
                continue
            elif last.state in (JournalState.OK, JournalState.CONFIRMED) and last.reply:
                self._adopt(last)
            elif last.state in (JournalState.FAILED, JournalState.REVERSED):
                self._discard_claim(visit_id)
        self._unjournaled = unjournaled

    def _release_visit(self, visit_id: str) -> None:
        """The 2207 was undone on the platform: the visit is free to settle again."""
        with self.uow() as uow:
            visit = uow.visits.get(visit_id)
            if visit is not None and visit.state is VisitState.SETTLING:
                visit.abandon_settlement()
                uow.commit()


def _batch_of(entry: JournalEntry) -> str:
    """The 费用批次 a journaled 2207 settled."""
    return str((((entry.request or {}).get("input") or {}).get("data") or {}).get("chrg_bchno") or "")
