"""入院 in one call (no cashier step), beds and the waiting list, transfers, 退院 (cancel), and reads."""
from __future__ import annotations

import logging
import uuid

from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.inpatient import (REFERENCE_REQUIRED, AdmissionOrder, Condition, DepositKind, DepositMethod,
                              InpatientStay, StayCoverage, StayState, WaitingEntry, Ward, ipt_number)
from domain.money import ZERO, money
from domain.operator import Operator
from domain.text import excerpt
from ports.unit_of_work import UnitOfWork
from services.inpatient.commands import Admit, AdmissionResult, DepositInput, TransferStay
from services.inpatient.core import GREEN_CHANNEL, INSURED_BELOW_THRESHOLD, InpatientCore, parse_enum

log = logging.getLogger(__name__)


FIRST_FREE_BED_ATTEMPTS = 6  # desks admitting at once to one ward: each loss moves on to the next free bed


class AdmissionUseCases(InpatientCore):
    def admit(self, op: Operator, cmd: Admit) -> AdmissionResult:
        """The stay from the order and its encounter, a bed or a place on the waiting list, and the deposit
        when given, in one unit of work. An insured stay then goes to the platform (StayInsurance.admit);
        should that fail, the admission is undone whole (stay CANCELLED, bed freed, order usable again) and
        the caller hears the platform's error. Two clerks with the same order: one admission."""
        deposit_in = _deposit_input(cmd.deposit) if cmd.deposit is not None else None
        with self.uow() as uow:
            order = self._order(uow, cmd.order_id)
        encounter = self.encounters.get(order.encounter_id)  # the coverage the patient came with
        holder: dict = {}

        def make(uow: UnitOfWork) -> None:
            now = self.clock.now()
            order = self._order(uow, cmd.order_id)
            if order.expire_if_due(now.date(), self.config.orders.valid_days):
                uow.commit()
            order.require_issued("admit with it")
            ward = self._ward(uow, order.ward_code)
            seq = uow.stays.next_seq("ipt_no", now.date())
            stay = InpatientStay(
                id=str(uuid.uuid4()), ipt_no=ipt_number(now.date(), seq), patient_id=order.patient_id,
                encounter_id=order.encounter_id, admission_order_id=order.id, dept_code=order.dept_code,
                ward_code=ward.code, condition=order.condition, diagnoses=list(order.diagnoses),
                coverage=StayCoverage.INSURED if encounter.insured else StayCoverage.SELF_PAY,
                admitted_at=now, admitted_by=op.code, psn_no=encounter.psn_no, insutype=encounter.insutype,
                med_type=order.med_type, dise_codg=order.dise_codg, dise_name=order.dise_name)
            order.use(stay.id)
            holder["tries"] = holder.get("tries", 0) + 1  # a retry lost its bed to another desk: spread out
            holder["waiting"] = self._take_bed(ward, stay, order.condition, cmd.bed_code, now, "bed_code",
                                               spread=holder["tries"] > 1)
            if not stay.insured:
                stay.admitted()
                self._open_account(uow, op, stay, order, deposit_in, cmd.waive_rule, holder)
            uow.stays.add(stay)
            uow.commit()
            holder["stay"], holder["order"] = stay, order
        self._in_one(make, retry=not cmd.bed_code)
        stay = holder["stay"]
        if stay.insured:
            stay = self._admit_insured(op, stay, holder["order"], deposit_in, cmd.waive_rule, holder)
        return AdmissionResult(stay, holder.get("deposit"), holder["waiting"])

    def _admit_insured(self, op: Operator, stay: InpatientStay, order: AdmissionOrder, deposit_in, waive_rule: str,
                       holder: dict) -> InpatientStay:
        try:
            yb_admission_id = self.insurance.admit(op, stay, order)
        except Exception as exc:
            if getattr(exc, "outcome", "") == "unresolved":
                # the 2401 may have taken effect: the stay stays ADMITTING, holding its bed, until the
                # journal settles it (settle_admission): complete, or undone, never half
                raise
            self._undo_admission(op, stay.id, f"admission undone: {excerpt(exc, 200)}")
            raise

        def confirm(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            stay.admitted(yb_admission_id)
            self._open_account(uow, op, stay, order, deposit_in, waive_rule, holder)
            return stay
        try:
            return self._apply(stay.id, confirm)
        except Exception as exc:
            try:  # the platform holds an admission the hospital did not record: taken back (2404)
                self.insurance.cancel_admission(op, stay)
            finally:
                self._undo_admission(op, stay.id, f"admission undone: {excerpt(exc, 200)}")
            raise

    def _undo_admission(self, op: Operator, stay_id: str, reason: str) -> None:
        def undo(stay: InpatientStay, uow: UnitOfWork) -> None:
            self._close(uow, stay, reason)
        try:
            self._apply(stay_id, undo)
        except Exception as exc:  # noqa: BLE001 - the first failure is the one the caller hears of
            log.error("stay %s could not be undone after its admission failed: %s", stay_id, excerpt(exc, 200))

    def _open_account(self, uow: UnitOfWork, op: Operator, stay: InpatientStay, order: AdmissionOrder,
                      deposit_in: tuple | None, waive_rule: str, holder: dict) -> None:
        """The deposit taken, or waived by rule, at the admission desk: it never blocks the admission."""
        if waive_rule:
            self._check_waiver(stay, order, waive_rule)
            stay.waive_deposit(waive_rule)
        if deposit_in is not None:
            method, amount, reference = deposit_in
            deposit = self._receipt(uow, DepositKind.PAYMENT, method, reference, amount, op, self.clock.now())
            stay.take_deposit(deposit)
            holder["deposit"] = deposit

    def _check_waiver(self, stay: InpatientStay, order: AdmissionOrder, rule: str) -> None:
        if rule not in self.config.waiver_rules:
            raise ValidationFailed([FieldViolation("waive_rule", f"{excerpt(rule)} is not one of the hospital's "
                                                                 f"rules: {', '.join(self.config.waiver_rules)}")])
        if rule == GREEN_CHANNEL and order.condition is not Condition.CRITICAL:
            raise ValidationFailed([FieldViolation("waive_rule", "绿色通道 is for critical (危) patients")])
        if rule == INSURED_BELOW_THRESHOLD and (not stay.insured
                                                or order.suggested_deposit > self.config.waiver_threshold):
            raise ValidationFailed([FieldViolation("waive_rule", f"waived for insured patients whose suggested "
                                                                 f"deposit is at most "
                                                                 f"{self.config.waiver_threshold}")])

    def waive_deposit(self, op: Operator, stay_id: str, rule: str) -> InpatientStay:
        def waive(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            self._check_waiver(stay, self._order(uow, stay.admission_order_id), rule)
            stay.waive_deposit(rule)
            return stay
        return self._apply(stay_id, waive)

    def _in_one(self, work, retry: bool) -> None:
        """`work` in one unit of work; with `retry` (no bed was named: the first free one is taken), a
        commit that lost a bed to another desk is tried again on a fresh read of the ward, a few times,
        since several desks admitting at once each take the ward's first free bed."""
        attempts = FIRST_FREE_BED_ATTEMPTS if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                with self.uow() as uow:
                    work(uow)
                    return
            except ConcurrencyConflict:
                if attempt == attempts:
                    raise

    # ---- beds and the waiting list ---------------------------------------------------------
    def assign_bed(self, op: Operator, stay_id: str, bed_code: str) -> InpatientStay:
        """A bed for a stay on its ward's waiting list. Two nurses giving the same bed at once: the
        second hears ConcurrencyConflict (nothing retried: she chose that bed)."""
        if not bed_code:
            raise ValidationFailed([FieldViolation("bed_code", "is required")])

        def assign(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            self._require_active(stay, "assign a bed")
            if stay.bed_code:
                raise IllegalTransition(f"stay {stay.ipt_no} lies in bed {stay.bed_code} already: a move to "
                                        "another bed is a transfer")
            now = self.clock.now()
            ward = self._ward(uow, stay.ward_code)
            self._take_bed(ward, stay, stay.condition, bed_code, now, "bed_code")
            ward.leave_queue(stay.id, now, placed=True)
            return stay
        return self._apply(stay_id, assign, retry=False)

    def place_next(self, op: Operator, ward_code: str, bed_code: str) -> InpatientStay:
        """The free bed to the first of the ward's waiting list (危, 急, 一般, then by arrival)."""
        queue = self.waiting_list(ward_code)
        if not queue:
            raise IllegalTransition(f"nobody is waiting for a bed on ward {ward_code}")
        return self.assign_bed(op, queue[0].stay_id, bed_code)

    def waiting_list(self, ward_code: str) -> list[WaitingEntry]:
        with self.uow() as uow:
            return self._ward(uow, ward_code).queue()

    def ward(self, ward_code: str) -> Ward:
        """The ward's board: its beds (who lies where) and its waiting list."""
        with self.uow() as uow:
            return self._ward(uow, ward_code)

    def wards(self) -> list[Ward]:
        with self.uow() as uow:
            return uow.wards.all()

    def transfer(self, op: Operator, cmd: TransferStay) -> InpatientStay:
        """转科 / 转病区 / 换床: the old bed freed, a bed on the new ward (the one named, else the first free,
        else its waiting list), the move kept in the stay's history. Insured: 2403 follows."""
        def move(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            now = self.clock.now()
            if stay.state is not StayState.IN_HOSPITAL:
                raise IllegalTransition(f"cannot transfer: stay {stay.ipt_no} is {stay.state.value} "
                                        "(needs IN_HOSPITAL)")
            ward = self._ward(uow, cmd.to_ward_code, "to_ward_code")
            from_bed = stay.bed_code
            self._release_bed(uow, stay, now)  # the same ward object when the move stays on the ward
            waiting = self._take_bed(ward, stay, stay.condition, cmd.to_bed_code, now, "to_bed_code")
            to_bed = "" if waiting is not None else stay.bed_code
            stay.bed_code = from_bed  # the history says where from
            stay.transfer(cmd.to_dept_code or ward.dept_code, ward.code, to_bed, now, op.code, cmd.reason)
            return stay
        stay = self._apply(cmd.stay_id, move, retry=not cmd.to_bed_code)
        if stay.insured:
            self.insurance.change(op, stay)
        return stay

    # ---- 退院 --------------------------------------------------------------------------------
    def cancel(self, op: Operator, stay_id: str, reason: str = "") -> InpatientStay:
        """Cancel a stay nothing was charged to (its deposit refunded first): the bed freed, the order
        usable again. Insured: the 医保 admission is taken back first (2404)."""
        stay = self.get(stay_id)
        self._require_active(stay, "cancel")
        if stay.live_charges() or stay.total_deposited() != ZERO:
            stay.cancel(self.clock.now(), reason)  # raises, saying what is in the way
        if stay.insured and stay.yb_admission_id:
            self.insurance.cancel_admission(op, stay)

        def close(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            self._close(uow, stay, reason)
            return stay
        return self._apply(stay_id, close)

    def _close(self, uow: UnitOfWork, stay: InpatientStay, reason: str) -> None:
        now = self.clock.now()
        self._release_bed(uow, stay, now)
        stay.cancel(now, reason)
        order = uow.admission_orders.get(stay.admission_order_id)
        if order is not None:
            order.release(stay.id)

    # ---- reads -----------------------------------------------------------------------------
    def get(self, stay_id: str) -> InpatientStay:
        with self.uow() as uow:
            stay = self._stay(uow, stay_id)
        if stay.state is StayState.ADMITTING and stay.insured:
            return self.settle_admission(stay.id)
        return stay

    def settle_admitting(self) -> list[InpatientStay]:
        """Every insured stay left ADMITTING (a 2401 in doubt, or a crash between the platform's answer
        and the confirmation) follows its 医保 admission as the journal settled it; the resolver runs
        this after each pass. Returns the stays that moved."""
        with self.uow() as uow:
            waiting = [s for s in uow.stays.in_state(StayState.ADMITTING) if s.insured]
        moved = []
        for stay in waiting:
            settled = self.settle_admission(stay.id)
            if settled.state is not StayState.ADMITTING:
                moved.append(settled)
        return moved

    def settle_admission(self, stay_id: str) -> InpatientStay:
        """An insured stay left ADMITTING by a 2401 in doubt follows the platform's record once the
        journal settled it: admitted → IN_HOSPITAL (its deposit is taken at the desk afterwards);
        never taken → undone (CANCELLED, bed freed, order usable again); still in doubt → as it is."""
        with self.uow() as uow:
            stay = self._stay(uow, stay_id)
        if stay.state is not StayState.ADMITTING or not stay.insured:
            return stay
        outcome = self.insurance.admission_outcome(stay)
        if outcome is None:
            return stay
        if not outcome:
            def undo(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
                self._close(uow, stay, "the 医保 admission (2401) never took effect")
                return stay
            return self._apply(stay_id, undo)

        def confirm(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.admitted(outcome)
            return stay
        return self._apply(stay_id, confirm)

    def by_ipt_no(self, ipt_no: str) -> InpatientStay:
        with self.uow() as uow:
            stay = uow.stays.by_ipt_no(ipt_no)
        if stay is None:
            raise NotFound(f"no stay with 住院号 {excerpt(ipt_no)}")
        return stay

    def stays_of_encounter(self, encounter_id: str) -> list[InpatientStay]:
        """The stays an outpatient encounter led to (the link back from the encounter)."""
        return self.stays_of_encounters([encounter_id]).get(encounter_id, [])

    def stays_of_encounters(self, encounter_ids: list[str]) -> dict[str, list[InpatientStay]]:
        """The stays each of these encounters led to, in one read (the outpatient history's page)."""
        if not encounter_ids:
            return {}
        with self.uow() as uow:
            found = uow.stays.for_encounters(list(encounter_ids))
        grouped: dict[str, list[InpatientStay]] = {}
        for stay in found:
            grouped.setdefault(stay.encounter_id, []).append(stay)
        return grouped

    def stays_of_patient(self, patient_id: str) -> list[InpatientStay]:
        """A patient's stays, newest first (those of records merged into theirs too)."""
        patient = self.patients.get(patient_id)
        with self.uow() as uow:
            return uow.stays.for_patient(list(dict.fromkeys([patient.id, patient_id])))


def _deposit_input(d: DepositInput) -> tuple[DepositMethod, object, str]:
    method = parse_enum(DepositMethod, d.method, "deposit.method")
    if d.amount is None or money(d.amount) <= ZERO:
        raise ValidationFailed([FieldViolation("deposit.amount", "must be greater than zero")])
    if method in REFERENCE_REQUIRED and not d.reference:
        raise ValidationFailed([FieldViolation("deposit.reference", f"a {method.value} payment needs its "
                                                                    "reference")])
    return method, money(d.amount), d.reference
