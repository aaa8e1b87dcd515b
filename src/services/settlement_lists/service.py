"""Use cases of the settlement list (结算清单, 4101a): built for each settled insured stay, completed by
the 医保办, uploaded once, within its deadline.

Building reads the stay (the HIS's side), its 医保 admission (the platform's record: mdtrt_id,
diagnoses, the settlement in force), the patient and the hospital's departments; it sends nothing.
The follower of the resolver's pass (`follow_settlements`) builds the list of every stay settled since
and voids the list of a settlement that was cancelled (2305); the stay's next settlement gets a new
list, with what the 医保办 filled on the old one carried over, and a deadline of its own.

Uploading follows the rules of the other writes: the list is claimed (UPLOADING) in a commit before
4101a leaves, so it is sent once however often it is asked for; refused or proven never sent, it is
READY again with the platform's words; in doubt, it stays claimed. 4101a has no query that shows
whether it took effect, so the journal leaves such a call for an operator: `settle_uploads` records
what the journal settled (an accepted reply a dead process could not record; a call that failed),
and `resolve_upload` is the operator's word for the rest.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.admission import InsuredAdmission
from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.inpatient import InpatientStay, StayState
from domain.journal import JournalState
from domain.operator import Operator
from domain.settlement import Settlement
from domain.settlement_lists import (SETLINFO, FieldChange, ListState, NodeRule, SettlementList, parse_path)
from domain.text import excerpt
from ports.catalogue import Catalogue
from ports.clock import Clock
from ports.journal import JournalStore
from ports.settlement_lists import ListFilter
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import CallContext, PlatformGateway
from services.translation import settlement_lists as wire

log = logging.getLogger(__name__)

_GONE = ("not_sent", "reversed", "not_applied")  # PlatformUnavailable outcomes: it did not take effect
MAX_RANGE_DAYS = 92  # a build on demand covers at most about a quarter


@dataclass(frozen=True)
class SettlementListConfig:
    # Days after the settlement the list must be uploaded by. PROVISIONAL: the spec data says nothing
    # of a deadline (4101a is "定时/每天"); the region's rule is to be confirmed with the 医保 centre.
    deadline_days: int = 7
    bill_code: str = ""  # 票据代码 of the hospital's receipts ("" : the 医保办 fills it per list)
    hi_paymtd: str = ""  # 医保支付方式 the hospital is paid by ("" : filled per list)
    fill_dept: str = ""  # 医疗机构填报部门
    fill_psn: str = ""  # 医疗机构填报人
    # an UPLOADING claim with no 4101a journaled for this long: its process died before sending
    claim_grace: timedelta = timedelta(minutes=2)
    # the follower reads every settled stay: at most this often, however often the resolver passes
    follow_every: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class BuildReport:
    built: list[SettlementList]
    voided: list[SettlementList]
    skipped: list[str]  # stays that could not be built, with why


class SettlementListService:
    def __init__(self, uow: Callable[[], UnitOfWork], gateway: PlatformGateway, clock: Clock, catalogue: Catalogue,
                 patients, hospital, journal: JournalStore, config: SettlementListConfig = SettlementListConfig()):
        """`patients`: get(patient_id) -> Patient (services.patients.PatientRegistry); `hospital`:
        department(code) -> Department (services.hospital.HospitalDirectory)."""
        self.uow, self.gateway, self.clock, self.catalogue = uow, gateway, clock, catalogue
        self.patients, self.hospital, self.journal, self.config = patients, hospital, journal, config
        self.tx = wire.transaction(catalogue)
        self.nodes: dict[str, NodeRule] = wire.node_rules(self.tx)
        self._followed_at: datetime | None = None

    def follow(self) -> BuildReport | None:
        """The resolver's follower: lists built and voided, uploads the journal settled recorded; at
        most every `follow_every` (None when it was not yet time)."""
        now = self.clock.now()
        if self._followed_at is not None and now - self._followed_at < self.config.follow_every:
            return None
        self._followed_at = now
        report = self.follow_settlements()
        self.settle_uploads()
        return report

    # ---- reads -----------------------------------------------------------------------------
    def get(self, list_id: str) -> SettlementList:
        with self.uow() as uow:
            lst = uow.settlement_lists.get(list_id) or uow.settlement_lists.by_setl_id(list_id)
        if lst is None:
            raise NotFound(f"no settlement list {excerpt(list_id)}")
        personal_data.declare(*(lst.setlinfo.get(k, "") for k in ("curr_addr", "coner_name", "coner_addr",
                                                                   "coner_tel")))
        return lst

    def worklist(self, states: tuple[ListState, ...] = (), due_before: date | None = None,
                 limit: int = 200) -> list[SettlementList]:
        """Lists by deadline, the overdue first; without states: those still to upload (DRAFT, READY,
        and UPLOADING ones, which an operator may have to settle)."""
        states = states or (ListState.DRAFT, ListState.READY, ListState.UPLOADING)
        with self.uow() as uow:
            return uow.settlement_lists.find(ListFilter(states=states, due_before=due_before, limit=limit))

    # ---- building --------------------------------------------------------------------------
    def follow_settlements(self) -> BuildReport:
        """After each resolver pass: a list for every settled insured stay that has none for its
        settlement in force; the lists of settlements no longer in force made void."""
        with self.uow() as uow:
            settled = [s for s in uow.stays.in_state(StayState.SETTLED) if s.insured and s.settlement]
            live = uow.settlement_lists.live()
        return self._reconcile(settled, live, only_stays=None)

    def build_range(self, since: date, until: date) -> BuildReport:
        """On demand: the lists of the stays settled on the days since..until (inclusive)."""
        if until < since:
            raise ValidationFailed([FieldViolation("until", f"{until} is before since {since}")])
        if (until - since).days >= MAX_RANGE_DAYS:
            raise ValidationFailed([FieldViolation("until", f"at most {MAX_RANGE_DAYS} days at once")])
        with self.uow() as uow:
            settled = [s for s in uow.stays.in_state(StayState.SETTLED)
                       if s.insured and s.settlement and since <= s.settlement.at.date() <= until]
            live = uow.settlement_lists.live()
        return self._reconcile(settled, live, only_stays={s.id for s in settled})

    def _reconcile(self, settled: list[InpatientStay], live, only_stays: set[str] | None) -> BuildReport:
        by_stay: dict[str, list] = {}
        for brief in live:
            by_stay.setdefault(brief.stay_id, []).append(brief)
        in_force = {s.id: s.settlement.setl_id for s in settled}
        built, voided, skipped = [], [], []
        for stay_id, briefs in by_stay.items():  # a list whose settlement is no longer in force
            if only_stays is not None and stay_id not in only_stays:
                continue
            for brief in briefs:
                if in_force.get(stay_id) != brief.setl_id and self._gone(stay_id, brief.setl_id):
                    voided.append(self._void(brief.id, "its settlement was cancelled (2305); the stay's next "
                                                       "settlement has a list of its own"))
        for stay in settled:
            if any(b.setl_id == stay.settlement.setl_id for b in by_stay.get(stay.id, [])):
                continue
            try:
                made = self._build(stay)
            except Exception as exc:  # noqa: BLE001 - one stay must not stop the others
                log.warning("settlement list of stay %s not built: %s", stay.ipt_no, exc)
                skipped.append(f"{stay.ipt_no}: {excerpt(str(exc), 200)}")
                continue
            if made is not None:
                built.append(made)
        return BuildReport(built, [v for v in voided if v is not None], skipped)

    def _gone(self, stay_id: str, setl_id: str) -> bool:
        """Whether the platform's record shows the settlement no longer in force (not merely a stay
        listed before its settlement was stored)."""
        with self.uow() as uow:
            stay = uow.stays.get(stay_id)
            adm = uow.admissions.get(stay.yb_admission_id) if stay and stay.yb_admission_id else None
        if adm is None:
            return False
        active = adm.active_settlement()
        return active is None or active.setl_id != setl_id

    def build_for_stay(self, stay_id: str) -> SettlementList:
        """The list of the stay's settlement in force (built now when it has none)."""
        with self.uow() as uow:
            stay = uow.stays.get(stay_id) or uow.stays.by_ipt_no(stay_id)
        if stay is None:
            raise NotFound(f"no stay {excerpt(stay_id)}")
        if not stay.insured or stay.state is not StayState.SETTLED or not stay.settlement:
            raise IllegalTransition(f"stay {stay.ipt_no} is {stay.state.value}"
                                    f"{'' if stay.insured else ', self-pay'}: only a settled insured stay has a "
                                    "settlement list")
        return self._build(stay) or self.get(stay.settlement.setl_id)

    def _build(self, stay: InpatientStay) -> SettlementList | None:
        """Build and store; None when another builder stored it first."""
        with self.uow() as uow:
            adm = uow.admissions.get(stay.yb_admission_id)
            held = uow.settlement_lists.by_setl_id(stay.settlement.setl_id)
            earlier = [lst for lst in uow.settlement_lists.find(ListFilter(stay_id=stay.id, limit=50))
                       if lst.setl_id != stay.settlement.setl_id]
            latest = uow.settlement_lists.latest_of_patient(stay.patient_id)
        if held is not None:
            return None
        if adm is None:
            raise NotFound(f"stay {stay.ipt_no} has no 医保 admission {excerpt(stay.yb_admission_id)}")
        settlement = adm.active_settlement()
        if settlement is None or settlement.setl_id != stay.settlement.setl_id:
            raise IllegalTransition(f"the platform's settlement of stay {stay.ipt_no} is not "
                                    f"{excerpt(stay.settlement.setl_id)}: its list waits until they agree")
        lst = self._new_list(stay, adm, settlement)
        previous = earlier[-1] if earlier else None
        self._carry(lst, previous, latest)
        lst.refresh(self.nodes)
        try:
            with self.uow() as uow:
                uow.settlement_lists.add(lst)
                uow.commit()
        except ConcurrencyConflict:
            return None
        return lst

    def _new_list(self, stay: InpatientStay, adm: InsuredAdmission, settlement: Settlement) -> SettlementList:
        info, diagnoses, locked = wire.from_platform(adm, settlement)
        info["medcasno"] = stay.ipt_no  # the 住院号: the HIS keeps no separate 病案号
        try:
            patient = self.patients.get(stay.patient_id)
            info["curr_addr"] = patient.address
            personal_data.declare(patient.name, patient.address)
        except NotFound:
            pass
        info["dscg_caty"] = self._caty(stay.dept_code)
        moves = [t for t in stay.transfers if t.to_dept and t.to_dept != t.from_dept]
        if moves:
            info["refldept_dept"] = self._caty(moves[-1].to_dept)
        if stay.settlement.deposit_id:
            info["bill_no"] = stay.deposit(stay.settlement.deposit_id).receipt_no
        info.update(bill_code=self.config.bill_code, hi_paymtd=self.config.hi_paymtd,
                    medins_fill_dept=self.config.fill_dept, medins_fill_psn=self.config.fill_psn)
        settled_at = settlement.setl_time or stay.settlement.at
        now = self.clock.now()
        return SettlementList(
            id=str(uuid.uuid4()), stay_id=stay.id, patient_id=stay.patient_id, admission_id=adm.id,
            ipt_no=stay.ipt_no, psn_no=adm.psn_no, mdtrt_id=adm.mdtrt_id, setl_id=settlement.setl_id,
            settled_at=settled_at, deadline=settled_at.date() + timedelta(days=self.config.deadline_days),
            created_at=now, setlinfo={k: v for k, v in info.items() if v}, rows={"diseinfo": diagnoses},
            locked=sorted(locked), fund_lines=wire.fund_lines(settlement))

    def _caty(self, dept_code: str) -> str:
        try:
            return self.hospital.department(dept_code).caty
        except NotFound:
            return ""

    def _carry(self, lst: SettlementList, previous: SettlementList | None, latest: SettlementList | None) -> None:
        """What the 医保办 filled before, offered again: everything filled on the list of the stay's
        cancelled settlement; the person's own details from their latest list of another stay."""
        now = self.clock.now()
        if previous is not None:
            lst.previous_id = previous.id
            filled = {c.path for c in previous.changes}
            for path in sorted(filled):
                if not path.startswith(f"{SETLINFO}.") or path in lst.locked:
                    continue
                name = path.split(".", 1)[1]
                if previous.setlinfo.get(name) and not lst.setlinfo.get(name):
                    self._carried(lst, path, previous.setlinfo[name], previous.id, now)
            for node, rows in previous.rows.items():
                if node != "diseinfo" and rows:
                    lst.rows[node] = [dict(r) for r in rows]
                    lst.changes.append(FieldChange(node, "", f"{len(rows)} row(s)", now, f"carried from {previous.id}"))
            return
        if latest is not None:
            for name in wire.PERSON_FIELDS:
                if latest.setlinfo.get(name) and not lst.setlinfo.get(name):
                    self._carried(lst, f"{SETLINFO}.{name}", latest.setlinfo[name], latest.id, now)

    @staticmethod
    def _carried(lst: SettlementList, path: str, value: str, source: str, now: datetime) -> None:
        lst.setlinfo[path.split(".", 1)[1]] = value
        lst.changes.append(FieldChange(path, "", value, now, f"carried from {source}"))

    def _void(self, list_id: str, reason: str) -> SettlementList | None:
        def act(lst: SettlementList) -> None:
            lst.void(reason, self.clock.now())
        try:
            return self._change(list_id, act)
        except ConcurrencyConflict:
            return None  # changed meanwhile: the next pass looks again

    # ---- the 医保办's changes ---------------------------------------------------------------
    def fill(self, op: Operator, list_id: str, values: dict[str, str], request_id: str = "") -> SettlementList:
        """Fill or correct fields, by path (setlinfo.ntly, oprninfo[0].oprn_oprt_code ...); "" clears.
        Every path and value is checked before anything is stored: one bad one changes nothing."""
        if not values:
            raise ValidationFailed([FieldViolation("values", "name at least one field")])

        def act(lst: SettlementList) -> None:
            problems: list[FieldViolation] = []
            paths = []
            for text, value in values.items():
                try:
                    path = parse_path(text, self.nodes)
                    lst.fill(path, value, self.nodes, self.clock.now(), op.code, request_id)
                    paths.append(str(path))
                except ValidationFailed as bad:
                    problems += [FieldViolation(text if v.field == "path" else v.field, v.description)
                                 for v in bad.violations]
            request = wire.payload(lst, self.nodes, self.clock.now())
            for path in paths:
                problems += wire.value_violations(self.catalogue, self.tx, request, path)
            if problems:
                raise ValidationFailed(problems, subject="settlement list")
        return self._change(list_id, act)

    # ---- upload ----------------------------------------------------------------------------
    def upload(self, op: Operator, list_id: str) -> SettlementList:
        """4101a, once. An uploaded list is returned as it is (nothing is sent again)."""
        request: dict = {}

        def claim(lst: SettlementList) -> None:
            if lst.state is ListState.UPLOADED:
                request["done"] = True
                return
            lst.begin_upload(self.clock.now())
            request["payload"] = wire.payload(lst, self.nodes, self.clock.now())
            self.gateway.check(wire.INFNO, request["payload"])  # inside the claim: a bad list claims nothing

        lst = self._change(list_id, claim)
        if request.get("done"):
            return lst
        ctx = CallContext(psn_no=lst.psn_no, mdtrt_id=lst.mdtrt_id, visit_id=lst.id)
        try:
            output = self.gateway.call(op, wire.INFNO, request["payload"], ctx)
        except PlatformUnavailable as exc:
            if exc.outcome in _GONE:
                self._change(lst.id, lambda x: x.upload_refused(f"not sent ({exc.outcome}): {excerpt(str(exc), 300)}"))
            else:
                self._change(lst.id, lambda x: x.upload_in_doubt(
                    f"journal entry {exc.journal_id} ({exc.msgid}): the platform may have taken it; 4101a has no "
                    "query that shows it, so ask the 医保 centre and settle it with ResolveSettlementListUpload"))
            raise
        except PlatformRejected as exc:
            self._change(lst.id, lambda x: x.upload_refused(exc.err_msg or str(exc)))
            raise
        except ValidationFailed as exc:
            self._change(lst.id, lambda x: x.upload_refused(excerpt(str(exc), 500)))
            raise
        setl_list_id = wire.setl_list_id_of(output)
        return self._change(lst.id, lambda x: x.complete_upload(setl_list_id, self.clock.now(), op.code))

    def settle_uploads(self) -> list[SettlementList]:
        """UPLOADING lists whose 4101a the journal settled (or that never left): recorded. Run after
        each resolver pass; returns the lists that moved."""
        with self.uow() as uow:
            claimed = uow.settlement_lists.find(ListFilter(states=(ListState.UPLOADING,), limit=500))
        moved = []
        now = self.clock.now()
        for lst in claimed:
            entries = [e for e in self.journal.for_visit(lst.id) if e.infno.lower() == wire.INFNO
                       and (lst.upload_started_at is None or e.created_at >= lst.upload_started_at)]
            last = entries[-1] if entries else None
            if last is None:
                if lst.upload_started_at is not None and now - lst.upload_started_at < self.config.claim_grace:
                    continue
                act = lambda x: x.upload_refused("its process ended before 4101a was sent")  # noqa: E731
            elif last.state in (JournalState.OK, JournalState.CONFIRMED):
                setl_list_id, by = wire.setl_list_id_of(last.reply), last.operator_code
                act = lambda x, s=setl_list_id, b=by: x.complete_upload(s, now, b)  # noqa: E731
            elif last.state in (JournalState.FAILED, JournalState.REVERSED):
                message = last.err_msg or last.resolution or "the journal shows it never took effect"
                act = lambda x, m=message: x.upload_refused(m)  # noqa: E731
            else:
                if lst.in_doubt or (last.state is JournalState.PENDING
                                    and now - last.created_at < self.config.claim_grace):
                    continue  # recorded as in doubt already, or its call may still be running
                step = last.next_step(now) or last.resolution
                act = lambda x, m=f"journal entry {last.id}: {step}": x.upload_in_doubt(m)  # noqa: E731
            try:
                moved.append(self._change(lst.id, act))
            except (ConcurrencyConflict, IllegalTransition):
                continue
        return moved

    def resolve_upload(self, op: Operator, list_id: str, uploaded: bool, setl_list_id: str = "",
                       reason: str = "") -> SettlementList:
        """An operator's word on an upload in doubt (asked of the 医保 centre): taken, with the
        platform's 清单流水号, or not taken (READY again, to be uploaded)."""
        problems = []
        if not reason.strip():
            problems.append(FieldViolation("reason", "say how it was found out"))
        if uploaded and not setl_list_id.strip():
            problems.append(FieldViolation("setl_list_id", "the platform's 清单流水号 is required"))
        if problems:
            raise ValidationFailed(problems)

        def act(lst: SettlementList) -> None:
            if lst.state is not ListState.UPLOADING:
                raise IllegalTransition(f"settlement list {lst.id} is {lst.state.value}: nothing to resolve")
            note = f"settled by {op.code}: {excerpt(reason.strip(), 200)}"
            if uploaded:
                lst.complete_upload(setl_list_id.strip(), self.clock.now(), op.code)
                lst.last_error = note
            else:
                lst.upload_refused(note)
        return self._change(list_id, act)

    # ---- helpers ---------------------------------------------------------------------------
    def _change(self, list_id: str, action: Callable[[SettlementList], None]) -> SettlementList:
        for attempt in range(3):
            with self.uow() as uow:
                lst = uow.settlement_lists.get(list_id) or uow.settlement_lists.by_setl_id(list_id)
                if lst is None:
                    raise NotFound(f"no settlement list {excerpt(list_id)}")
                action(lst)
                try:
                    uow.commit()
                    return lst
                except ConcurrencyConflict:
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")


__all__ = ["BuildReport", "SettlementListConfig", "SettlementListService"]
