"""Use cases of an outpatient encounter for every patient: registration (挂号), charges and their
payment at any station, the doctor's history, and 门诊流转 (transfers between clinics).

For an insured encounter the 医保 side runs through the existing OutpatientService (2201A, 2203,
2204/2206/2207, 2202), called through its public methods only; the payloads come from
insurance_translation. As there, no database transaction stays open while a request is on the
wire: checks are made first on a fresh read, the platform is called, then the encounter and the
queues are written in one unit of work that checks again (a concurrent change: ConcurrencyConflict,
and what the platform did for the lost change is undone where it can be)."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from domain.encounters import (REFERENCE_REQUIRED, Charge, Coverage, Encounter, EncounterDiagnosis,
                               EncounterState, Leg, LegState, OldRegistration, Payment, PaymentKind,
                               PaymentMethod, Transfer, TransferRules, receipt_number)
from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import Clinic, Department, RegistrationType, StaffKind, StaffMember
from domain.money import ZERO, money
from domain.operator import Operator
from domain.patients import Patient
from domain.queues import PriorityFlags, QueueKey, QueueState
from domain.text import excerpt
from domain.settlement import SettlementState
from domain.visit import FeeState, VisitState
from ports.clock import Clock
from ports.encounters import EncounterCursor
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.encounters import insurance_translation as yb
from services.encounters.commands import (ChargeInput, DiagnosisInput, EncounterHistory, EncounterRecord,
                                          PathStep, PayEncounter, RefundPayment, RegisterEncounter,
                                          TransferEncounter)
from services.errors import PlatformUnavailable
from services.hospital import HospitalDirectory
from services.outpatient import OutpatientService
from services.patients import PatientRegistry
from services.queues import ClinicQueues

log = logging.getLogger(__name__)

# a leg whose queue entry is in one of these has been seen, or left: it sends nobody on
_CLOSED_ENTRY = frozenset({QueueState.FINISHED, QueueState.NO_SHOW, QueueState.TRANSFERRED, QueueState.WITHDRAWN})
# 退号 only before the consultation
_CANCELLABLE_ENTRY = frozenset({QueueState.WAITING, QueueState.CALLED, QueueState.NO_SHOW})
_REGISTERED = (VisitState.REGISTERED, VisitState.SETTLING, VisitState.SETTLED)


@dataclass(frozen=True)
class EncounterConfig:
    transfer: TransferRules = field(default_factory=TransferRules)
    psn_setlway: str = "01"  # 2207 按项目结算


@dataclass(frozen=True)
class _Place:
    clinic: Clinic
    dept: Department
    doctor: StaffMember | None


class EncounterService:
    def __init__(self, uow: Callable[[], UnitOfWork], outpatient: OutpatientService, hospital: HospitalDirectory,
                 patients: PatientRegistry, queues: ClinicQueues, clock: Clock,
                 config: EncounterConfig = EncounterConfig()):
        self.uow, self.outpatient, self.hospital = uow, outpatient, hospital
        self.patients, self.queues, self.clock, self.config = patients, queues, clock, config

    # ---- registration ----------------------------------------------------------------------
    def register(self, op: Operator, cmd: RegisterEncounter, request_key: str = "") -> Encounter:
        """挂号. Self-pay: stored and queued at once. Insured: 2201A first (a refusal stores nothing);
        then the encounter, its fee lines and its queue entry in one commit. A 2201A whose outcome is
        unknown leaves the encounter REGISTERING, unqueued: it follows its 医保 visit once the journal
        settled the doubt (see settle_registration)."""
        found = _register_violations(cmd)
        if found:
            raise ValidationFailed(found)
        patient = self.patients.get(cmd.patient_id)
        place = self._place(cmd.clinic_code, cmd.doctor_code, "clinic_code", "doctor_code",
                            needs_doctor=cmd.coverage == Coverage.INSURED.value)
        reg_type = RegistrationType(cmd.reg_type)
        if cmd.coverage == Coverage.INSURED.value:
            _check_insurance(patient, cmd)
        fee = self.hospital.registration_fee(reg_type, place.clinic.code, cmd.doctor_code)
        now = self.clock.now()
        encounter = Encounter(id=str(uuid.uuid4()), patient_id=patient.id, day=now.date(), registered_at=now,
                              registered_by=op.code, reg_type=reg_type.value, coverage=Coverage(cmd.coverage),
                              state=EncounterState.OPEN)
        leg = Leg(seq=1, clinic_code=place.clinic.code, dept_code=place.dept.code, doctor_code=cmd.doctor_code,
                  queue_entry_id="", state=LegState.ACTIVE, started_at=now)
        encounter.legs.append(leg)
        encounter.charges = [Charge.priced(f, 1, now, registration_fee=True) for f in fee]
        for n, charge in enumerate(encounter.charges, 1):
            charge.line_no, charge.amount = n, money(charge.amount)
        flags = PriorityFlags(emergency=reg_type is RegistrationType.EMERGENCY, age=patient.age_on(now.date()),
                              returning_with_results=cmd.returning_with_results)
        if not encounter.insured:
            self._commit_new(encounter, patient, flags)
            return encounter

        encounter.psn_no = patient.insurance.psn_no
        encounter.insutype, encounter.med_type = cmd.insutype, cmd.med_type
        encounter.mdtrt_cert_type, encounter.mdtrt_cert_no = cmd.mdtrt_cert_type, cmd.mdtrt_cert_no
        personal_data.declare(cmd.mdtrt_cert_no)
        encounter.ipt_otp_no = yb.outpatient_number(request_key or encounter.id)
        try:
            visit = self.outpatient.register(op, yb.registration(encounter, place.dept, place.doctor,
                                                                 encounter.ipt_otp_no, now))
        except PlatformUnavailable as exc:
            if exc.outcome == "unresolved":  # kept, unqueued: it follows its visit once the doubt is settled
                encounter.state = EncounterState.REGISTERING
                with self.uow() as uow:
                    uow.encounters.add(encounter)
                    uow.commit()
            raise
        _link(encounter, leg, visit.id, visit.mdtrt_id)
        try:
            self._commit_new(encounter, patient, flags)
        except Exception:
            # registered on the platform, not here: the registration is taken back (2202)
            self._cancel_quietly(op, visit.id)
            raise
        return encounter

    def settle_registration(self, encounter_id: str) -> Encounter:
        """An encounter left REGISTERING by a 2201A in doubt follows its 医保 visit: registered →
        OPEN and queued; gone (the platform never took it) → CANCELLED; still in doubt → as it is."""
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
            if encounter.state is not EncounterState.REGISTERING:
                return encounter
            visit = uow.visits.by_ipt_otp_no(encounter.ipt_otp_no)
            if visit is not None and visit.state is VisitState.REGISTERING:
                return encounter
            now = self.clock.now()
            leg = encounter.legs[0]
            if visit is None or visit.state not in _REGISTERED:
                encounter.state, encounter.cancelled_at = EncounterState.CANCELLED, now
                leg.ended_at = now
            else:
                patient = self.patients.get(encounter.patient_id)
                _link(encounter, leg, visit.id, visit.mdtrt_id)
                encounter.state = EncounterState.OPEN
                flags = PriorityFlags(emergency=encounter.reg_type == RegistrationType.EMERGENCY.value,
                                      age=patient.age_on(encounter.day))
                leg.queue_entry_id = self.queues.enqueue(
                    uow, QueueKey(now.date(), leg.clinic_code, leg.doctor_code), encounter_id=encounter.id,
                    patient_id=patient.id, patient_label=_label(patient), flags=flags).id
            uow.commit()
            return encounter

    def _commit_new(self, encounter: Encounter, patient: Patient, flags: PriorityFlags) -> None:
        leg = encounter.legs[0]
        with self.uow() as uow:
            entry = self.queues.enqueue(uow, QueueKey(encounter.day, leg.clinic_code, leg.doctor_code),
                                        encounter_id=encounter.id, patient_id=patient.id,
                                        patient_label=_label(patient), flags=flags)
            leg.queue_entry_id = entry.id
            uow.encounters.add(encounter)
            uow.commit()

    def cancel(self, op: Operator, encounter_id: str) -> Encounter:
        """退号, before the consultation and with nothing paid left (refund first). Insured: 2202 first."""
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
            encounter.require_open("cancel")
            leg = encounter.current_leg()
            self._require_entry(uow, leg, _CANCELLABLE_ENTRY, "cancel the registration")
            encounter.cancel(self.clock.now())  # checked here, before 2202: the rule holds or nothing is sent
        if encounter.insured:
            for visit_id in _active_registrations(encounter):
                self._cancel_registration(op, visit_id)
        return self._apply(encounter_id, lambda e, uow: self._cancel_now(e, uow))

    def _cancel_now(self, encounter: Encounter, uow: UnitOfWork) -> None:
        leg = encounter.current_leg()
        encounter.cancel(self.clock.now())
        self.queues.withdraw(uow, leg.queue_entry_id)

    # ---- charges and payments --------------------------------------------------------------
    def add_charges(self, op: Operator, encounter_id: str, lines: list[ChargeInput]) -> Encounter:
        now = self.clock.now()

        def add(encounter: Encounter, _uow) -> None:
            leg = encounter.current_leg()
            encounter.add_charges([Charge.priced(c, leg.seq, now) for c in lines])
        return self._apply(encounter_id, add)

    def pay(self, op: Operator, cmd: PayEncounter) -> Payment:
        """Pay every unpaid line, at a cashier's window, the doctor station or a kiosk alike. Self-pay:
        recorded at once with its receipt. Insured: 2204 (the unpaid lines as one batch), 2206, 2207
        through OutpatientService; the patient's cash part is recorded with the receipt, the funds'
        part beside it."""
        method = _method(cmd.method, "method")
        if method in REFERENCE_REQUIRED and not cmd.reference:
            raise ValidationFailed([FieldViolation("reference", f"a {method.value} payment needs its reference")])
        encounter = self.get(cmd.encounter_id)
        encounter.require_open("take a payment")
        if not encounter.unpaid():
            raise IllegalTransition(f"encounter {encounter.id} has nothing to pay")
        if not encounter.insured:
            return self._record_payment(op, cmd, method, [c.line_no for c in encounter.unpaid()], ZERO, "", "", None)
        return self._pay_insured(op, cmd, method, encounter)

    def _pay_insured(self, op: Operator, cmd: PayEncounter, method: PaymentMethod, encounter: Encounter) -> Payment:
        due = encounter.unpaid()
        visit = self.outpatient.get_visit(encounter.visit_id)
        recorded = {p.chrg_bchno for p in encounter.payments}
        chrg_bchno = ""
        for batch in dict.fromkeys(f.chrg_bchno for f in visit.fees if f.chrg_bchno not in recorded):
            lines = _lines_of(visit, batch)
            settled = next((s for s in visit.settlements if s.chrg_bchno == batch
                            and s.state is SettlementState.ACTIVE), None)
            if settled is not None:  # settled on an earlier call whose recording was lost: recorded now, not paid twice
                cash = money(settled.psn_cash_pay or ZERO)
                return self._record_payment(op, cmd, method, lines, money((settled.medfee_sumamt or ZERO) - cash),
                                            settled.setl_id or "", batch, cash)
            if visit.batch_state(batch) is FeeState.UPLOADED:
                if lines == [c.line_no for c in due] and not chrg_bchno:
                    chrg_bchno = batch  # uploaded before, never settled: the same lines, settled now
                else:
                    self.outpatient.cancel_fees(op, encounter.visit_id, batch)
        if not chrg_bchno:
            place = self._place_of(encounter.current_leg())
            chrg_bchno = uuid.uuid4().hex[:20].upper()
            self.outpatient.upload_fees(op, encounter.visit_id,
                                        yb.fee_items(due, chrg_bchno, place.dept, place.doctor))
        preview = self.outpatient.pre_settle(op, encounter.visit_id, chrg_bchno, cmd.acct_used,
                                             self.config.psn_setlway)
        cash = money(preview.psn_cash_pay or ZERO)
        if cmd.amount is not None and money(cmd.amount) != cash:
            self.outpatient.cancel_fees(op, encounter.visit_id, chrg_bchno)  # nothing settled: the batch goes
            raise ValidationFailed([FieldViolation("amount", f"{money(cmd.amount)} is not the patient's part "
                                                             f"{cash} of this settlement")])
        _visit, settlement = self.outpatient.settle(op, encounter.visit_id, chrg_bchno, cmd.acct_used,
                                                    self.config.psn_setlway)
        cash = money(settlement.psn_cash_pay or ZERO)
        fund = money((settlement.medfee_sumamt or ZERO) - cash)
        return self._record_payment(op, cmd, method, [c.line_no for c in due], fund, settlement.setl_id or "",
                                    chrg_bchno, cash)

    def _record_payment(self, op: Operator, cmd: PayEncounter, method: PaymentMethod, lines: list[int],
                        fund: object, setl_id: str, chrg_bchno: str, cash) -> Payment:
        holder: dict = {}

        def take(encounter: Encounter, uow: UnitOfWork) -> None:
            now = self.clock.now()
            payment = Payment(id=str(uuid.uuid4()), receipt_no="", kind=PaymentKind.PAYMENT, method=method,
                              reference=cmd.reference, amount=ZERO, at=now, operator_code=op.code,
                              setl_id=setl_id, fund_amount=fund, chrg_bchno=chrg_bchno)
            if setl_id:  # settled already: these lines are what the settlement covered, whatever came since
                for charge in encounter.charges:
                    if charge.line_no in lines:
                        charge.payment_id = payment.id
                payment.amount = cash
                encounter.payments.append(payment)
            else:
                if [c.line_no for c in encounter.unpaid()] != lines:
                    raise ConcurrencyConflict(f"encounter {encounter.id}: its charges changed meanwhile; "
                                              "read the amount due again")
                payment.amount = encounter.outstanding()
                encounter.take_payment(payment, cmd.amount)
            payment.receipt_no = receipt_number(now.date(), uow.encounters.next_receipt_seq(now.date()))
            holder["payment"] = payment
        self._apply(cmd.encounter_id, take, require_open=not setl_id)
        return holder["payment"]

    def refund(self, op: Operator, cmd: RefundPayment) -> Payment:
        """Give back all or part of a self-pay payment (never more than is left of it), with its own
        receipt number."""
        if cmd.amount is None or money(cmd.amount) <= ZERO:
            raise ValidationFailed([FieldViolation("amount", "must be greater than zero")])
        method = _method(cmd.method, "method") if cmd.method else None
        holder: dict = {}

        def give_back(encounter: Encounter, uow: UnitOfWork) -> None:
            original = encounter.payment(cmd.payment_id)
            now = self.clock.now()
            refund = Payment(id=str(uuid.uuid4()), receipt_no="", kind=PaymentKind.REFUND,
                             method=method or original.method, reference=original.reference,
                             amount=money(cmd.amount), at=now, operator_code=op.code, refund_of=original.id,
                             reason=cmd.reason)
            encounter.refund(refund)
            refund.receipt_no = receipt_number(now.date(), uow.encounters.next_receipt_seq(now.date()))
            holder["refund"] = refund
        self._apply(cmd.encounter_id, give_back, require_open=False)
        return holder["refund"]

    # ---- diagnoses -------------------------------------------------------------------------
    def record_diagnoses(self, op: Operator, encounter_id: str, found: list[DiagnosisInput]) -> Encounter:
        """The doctor's diagnoses for the encounter as they stand (the list replaces the earlier one).
        Insured: uploaded with 2203 under the current department and doctor first."""
        encounter = self.get(encounter_id)
        leg = encounter.current_leg()
        now = self.clock.now()
        made = [EncounterDiagnosis(srt_no=0, kind=d.kind or "1", code=d.code, name=d.name, main=d.main,
                                   leg_seq=leg.seq, doctor_code=leg.doctor_code or op.code, at=now) for d in found]
        encounter.record_diagnoses(made)  # checked before anything is sent
        if encounter.insured:
            place = self._place_of(leg)
            self.outpatient.upload_diagnoses(op, encounter.visit_id, yb.diagnoses(made, place.dept, place.doctor))
        return self._apply(encounter_id, lambda e, _uow: e.record_diagnoses(made))

    # ---- 门诊流转 -----------------------------------------------------------------------------
    def transfer(self, op: Operator, cmd: TransferEncounter) -> Encounter:
        """Send the patient on to another clinic or doctor, the same encounter. The receiving queue gets
        the patient; the sending entry is closed as TRANSFERRED. Insured: the registration is kept when
        the rules allow (2203 sent again under the receiving department and doctor, same mdtrt_id);
        else a new 2201A is made for the receiving clinic and linked, and the old one cancelled (2202)
        or kept, as configured."""
        found = []
        if not cmd.to_clinic_code:
            found.append(FieldViolation("to_clinic_code", "is required"))
        if not cmd.reason.strip():
            found.append(FieldViolation("reason", "is required: why the patient is sent on"))
        if found:
            raise ValidationFailed(found)
        with self.uow() as uow:
            encounter = self._get(uow, cmd.encounter_id)
            encounter.require_open("transfer")
            sending = encounter.current_leg()
            self._require_open_leg(uow, sending)
        if (cmd.to_clinic_code, cmd.to_doctor_code) == (sending.clinic_code, sending.doctor_code):
            raise ValidationFailed([FieldViolation("to_clinic_code", "the patient is at this clinic and doctor "
                                                                     "already: a transfer needs another")])
        place = self._place(cmd.to_clinic_code, cmd.to_doctor_code, "to_clinic_code", "to_doctor_code",
                            needs_doctor=encounter.insured)
        now = self.clock.now()
        why_new = self.config.transfer.new_registration_reason(encounter, cmd.med_type, now.date(),
                                                               place.clinic.registers_separately)
        old_state = self.outpatient.get_visit(encounter.visit_id).state if encounter.insured else None
        if old_state is not None and old_state is not VisitState.REGISTERED and not why_new:
            why_new = f"the registration in force is {old_state.value}: its visit information cannot change"
        seq = len(encounter.legs) + 1
        leg = Leg(seq=seq, clinic_code=place.clinic.code, dept_code=place.dept.code, doctor_code=cmd.to_doctor_code,
                  queue_entry_id="", state=LegState.ACTIVE, started_at=now, visit_id=encounter.visit_id,
                  mdtrt_id=encounter.mdtrt_id)
        transfer = Transfer(seq=len(encounter.transfers) + 1, from_leg=sending.seq, to_leg=seq, sent_by=op.code,
                            sent_by_name=op.name, reason=cmd.reason.strip(), at=now)
        new_visit_id = ""
        if encounter.insured and not why_new:
            if encounter.diagnoses:  # the platform's visit now belongs to the receiving department and doctor
                self.outpatient.upload_diagnoses(op, encounter.visit_id,
                                                 yb.diagnoses(encounter.diagnoses, place.dept, place.doctor))
        elif encounter.insured:
            log.info("encounter %s: transfer needs a new registration (%s)", encounter.id, why_new)
            visit = self.outpatient.register(op, yb.registration(
                encounter, place.dept, place.doctor, yb.outpatient_number(f"{encounter.id}/{seq}"), now,
                cmd.med_type))
            new_visit_id = visit.id
            _link(encounter, leg, visit.id, visit.mdtrt_id)
            transfer.new_registration, transfer.old_visit_id = True, sending.visit_id
            # a settled registration stays whatever the rule says: its settlement is undone by 2208, not here
            transfer.old_registration = (self.config.transfer.old_registration if old_state is VisitState.REGISTERED
                                         else OldRegistration.KEPT)

        def move(e: Encounter, uow: UnitOfWork) -> None:
            current = e.current_leg()
            if current.seq != sending.seq:
                raise ConcurrencyConflict(f"encounter {e.id} moved meanwhile; read it again")
            # both clinics' queues change: their locks first, in the one order every transfer takes them
            self.queues.lock_clinics(uow, now.date(), current.clinic_code, leg.clinic_code)
            self._require_open_leg(uow, current)
            patient = self.patients.get(e.patient_id)
            flags = PriorityFlags(emergency=e.reg_type == RegistrationType.EMERGENCY.value,
                                  age=patient.age_on(now.date()), returning_with_results=cmd.returning_with_results)
            leg.queue_entry_id = self.queues.enqueue(uow, QueueKey(now.date(), leg.clinic_code, leg.doctor_code),
                                                     encounter_id=e.id, patient_id=patient.id,
                                                     patient_label=_label(patient), flags=flags).id
            self.queues.close_transferred(uow, current.queue_entry_id)
            e.move_to(leg, transfer)
            if cmd.med_type and transfer.new_registration:
                e.med_type = cmd.med_type

        try:
            encounter = self._apply(cmd.encounter_id, move)
        except Exception:
            if new_visit_id:  # the new registration serves nobody
                self._cancel_quietly(op, new_visit_id)
            raise
        if transfer.old_registration is OldRegistration.CANCELLED:
            encounter = self._cancel_old(op, encounter, transfer.seq, transfer.old_visit_id)
        return encounter

    def _cancel_old(self, op: Operator, encounter: Encounter, transfer_seq: int, old_visit_id: str) -> Encounter:
        try:
            self._cancel_registration(op, old_visit_id)
            return encounter
        except Exception as exc:  # the transfer stands; the old registration stays, and says so
            log.warning("encounter %s: the replaced registration %s could not be cancelled (%s); kept",
                        encounter.id, old_visit_id, excerpt(exc, 200))

            def kept(e: Encounter, _uow) -> None:
                next(t for t in e.transfers if t.seq == transfer_seq).old_registration = OldRegistration.KEPT
            return self._apply(encounter.id, kept, require_open=False)

    def undo_transfer(self, op: Operator, encounter_id: str) -> Encounter:
        """Take back the last transfer while the receiving doctor has not started: the receiving entry
        withdrawn, the sending one reopened. Insured: 2203 sent again under the sending department, or
        the receiving registration cancelled (2202) and the sending one restored (re-registered when
        it had been cancelled)."""
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
            encounter.require_open("undo a transfer")
            transfer = encounter.last_transfer()
            if transfer is None:
                raise IllegalTransition(f"encounter {encounter.id} has no transfer to undo")
            receiving = encounter.leg(transfer.to_leg)
            entry = self.queues.entry(uow, receiving.queue_entry_id)
            if entry.state not in (QueueState.WAITING, QueueState.CALLED, QueueState.NO_SHOW):
                raise IllegalTransition(f"cannot undo the transfer of encounter {encounter.id}: the receiving "
                                        f"consultation is {entry.state.value}")
        sending = encounter.leg(transfer.from_leg)
        back = self._place_of(sending)
        restored = None
        if encounter.insured and transfer.new_registration:
            if transfer.old_registration is OldRegistration.CANCELLED:
                restored = self.outpatient.register(op, yb.registration(
                    encounter, back.dept, back.doctor,
                    yb.outpatient_number(f"{encounter.id}/{sending.seq}/undo{transfer.seq}"), self.clock.now()))
        elif encounter.insured and encounter.diagnoses:
            self.outpatient.upload_diagnoses(op, encounter.visit_id,
                                             yb.diagnoses(encounter.diagnoses, back.dept, back.doctor))

        def undo(e: Encounter, uow: UnitOfWork) -> None:
            t = e.last_transfer()
            if t is None or t.seq != transfer.seq:
                raise ConcurrencyConflict(f"encounter {e.id} moved meanwhile; read it again")
            self.queues.lock_clinics(uow, self.clock.now().date(), e.leg(t.from_leg).clinic_code,
                                     e.leg(t.to_leg).clinic_code)
            self.queues.withdraw(uow, e.leg(t.to_leg).queue_entry_id)  # refused once the consultation started
            self.queues.reopen(uow, e.leg(t.from_leg).queue_entry_id)
            _t, back_leg, _receiving = e.undo_transfer(self.clock.now(), op.code)
            if restored is not None:
                _link(e, back_leg, restored.id, restored.mdtrt_id)

        try:
            encounter = self._apply(encounter_id, undo)
        except Exception:
            if restored is not None:
                self._cancel_quietly(op, restored.id)
            raise
        if transfer.new_registration:
            self._cancel_quietly(op, receiving.visit_id)  # the receiving registration serves nobody now
        return encounter

    # ---- reads -----------------------------------------------------------------------------
    def get(self, encounter_id: str) -> Encounter:
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
        if encounter.state is EncounterState.REGISTERING:
            return self.settle_registration(encounter_id)
        return encounter

    def path(self, encounter_id: str) -> list[PathStep]:
        """The visit's flow: each clinic in the order the patient went, and how they came there."""
        encounter = self.get(encounter_id)
        by_leg = {t.to_leg: t for t in encounter.transfers}
        return [PathStep(leg, self._clinic_name(leg.clinic_code), self._staff_name(leg.doctor_code),
                         by_leg.get(leg.seq)) for leg in encounter.legs]

    def history(self, patient_id: str, limit: int = 20,
                after: tuple[datetime, str] | None = None) -> EncounterHistory:
        """A patient's encounters, newest first (those of records merged into theirs too), each with
        its clinics, doctors, diagnoses, charges, payments and 医保 settlements: the doctor's one call."""
        if limit < 1:
            raise ValidationFailed([FieldViolation("page_size", "must be at least 1")])
        patient = self.patients.get(patient_id)
        ids = list(dict.fromkeys([patient.id, patient_id]))
        with self.uow() as uow:
            page = uow.encounters.for_patient(ids, limit=limit,
                                              after=EncounterCursor(*after) if after is not None else None)
        records = []
        for encounter in page.encounters:
            record = EncounterRecord(encounter)
            for leg in encounter.legs:
                record.clinic_names[leg.clinic_code] = self._clinic_name(leg.clinic_code)
                if leg.doctor_code:
                    record.doctor_names[leg.doctor_code] = self._staff_name(leg.doctor_code)
            for visit_id in dict.fromkeys(leg.visit_id for leg in encounter.legs if leg.visit_id):
                try:
                    record.settlements += self.outpatient.get_visit(visit_id).settlements
                except NotFound:
                    pass
            records.append(record)
        nxt = (page.next.registered_at, page.next.id) if page.next is not None else None
        return EncounterHistory(records, nxt)

    # ---- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _get(uow: UnitOfWork, encounter_id: str) -> Encounter:
        encounter = uow.encounters.get(encounter_id)
        if encounter is None:
            raise NotFound(f"no encounter {excerpt(encounter_id)}")
        return encounter

    def _apply(self, encounter_id: str, change: Callable[[Encounter, UnitOfWork], None],
               require_open: bool = True) -> Encounter:
        """Load, change, commit in one unit of work; a commit that lost to a concurrent change (or
        to a concurrent first receipt of the day) is tried again on a fresh read, once."""
        for attempt in range(2):
            try:
                with self.uow() as uow:
                    encounter = self._get(uow, encounter_id)
                    if require_open:
                        encounter.require_open("change it")
                    change(encounter, uow)
                    uow.commit()
                    return encounter
            except ConcurrencyConflict:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _require_entry(self, uow: UnitOfWork, leg: Leg, allowed: frozenset[QueueState], doing: str) -> None:
        entry = self.queues.entry(uow, leg.queue_entry_id)
        if entry.state not in allowed:
            raise IllegalTransition(f"cannot {doing}: the patient's consultation at {leg.clinic_code} is "
                                    f"{entry.state.value}")

    def _require_open_leg(self, uow: UnitOfWork, leg: Leg) -> None:
        entry = self.queues.entry(uow, leg.queue_entry_id)
        if entry.state in _CLOSED_ENTRY:
            raise IllegalTransition(f"cannot transfer from {leg.clinic_code}: its queue entry is "
                                    f"{entry.state.value}")

    def _place(self, clinic_code: str, doctor_code: str, clinic_field: str, doctor_field: str,
               needs_doctor: bool = False) -> _Place:
        try:
            clinic = self.hospital.clinic(clinic_code)
        except NotFound:
            raise ValidationFailed([FieldViolation(clinic_field, f"no clinic {excerpt(clinic_code)}")]) from None
        dept = self.hospital.department(clinic.dept_code)
        doctor = None
        if doctor_code:
            try:
                doctor = self.hospital.staff(doctor_code)
            except NotFound:
                raise ValidationFailed([FieldViolation(doctor_field, f"no doctor {excerpt(doctor_code)}")]) from None
            if doctor.kind is not StaffKind.DOCTOR:
                raise ValidationFailed([FieldViolation(doctor_field, f"{excerpt(doctor_code)} is not a doctor")])
            if doctor.clinic_codes and clinic.code not in doctor.clinic_codes:
                raise ValidationFailed([FieldViolation(doctor_field, f"{excerpt(doctor_code)} does not work in "
                                                                     f"clinic {excerpt(clinic_code)}")])
        elif needs_doctor:
            raise ValidationFailed([FieldViolation(doctor_field, "an insured registration names its doctor "
                                                                 "(2201A atddr_no)")])
        return _Place(clinic, dept, doctor)

    def _place_of(self, leg: Leg) -> _Place:
        clinic = self.hospital.clinic(leg.clinic_code)
        return _Place(clinic, self.hospital.department(clinic.dept_code),
                      self.hospital.staff(leg.doctor_code) if leg.doctor_code else None)

    def _clinic_name(self, code: str) -> str:
        try:
            return self.hospital.clinic(code).name
        except NotFound:
            return ""

    def _staff_name(self, code: str) -> str:
        if not code:
            return ""
        try:
            return self.hospital.staff(code).name
        except NotFound:
            return ""

    def _cancel_registration(self, op: Operator, visit_id: str) -> None:
        visit = self.outpatient.get_visit(visit_id)
        if visit.state is VisitState.REGISTERED:
            self.outpatient.cancel_registration(op, visit_id)
        elif visit.state is not VisitState.CANCELLED:
            raise IllegalTransition(f"the 医保 registration {visit.mdtrt_id} is {visit.state.value}: "
                                    "cancel its settlement (2208) first")

    def _cancel_quietly(self, op: Operator, visit_id: str) -> None:
        """Take back a registration made for a change that did not happen; should that fail too, the
        journal and the log keep it for the 医保办 (the visit stays REGISTERED, listed by ListVisits)."""
        try:
            self._cancel_registration(op, visit_id)
        except Exception as exc:  # noqa: BLE001 - the first failure is the one the caller hears of
            log.error("registration %s made for a change that failed could not be cancelled: %s", visit_id,
                      excerpt(exc, 200))


def _lines_of(visit, chrg_bchno: str) -> list[int]:
    """The encounter's line numbers a 2204 batch carried (its rows are numbered batch-line)."""
    return sorted(int(f.feedetl_sn.rpartition("-")[2]) for f in visit.batch(chrg_bchno)
                  if f.feedetl_sn.startswith(chrg_bchno + "-") and f.feedetl_sn.rpartition("-")[2].isdigit())


def _link(encounter: Encounter, leg: Leg, visit_id: str, mdtrt_id: str) -> None:
    leg.visit_id, leg.mdtrt_id = visit_id, mdtrt_id
    encounter.visit_id, encounter.mdtrt_id = visit_id, mdtrt_id


def _active_registrations(encounter: Encounter) -> list[str]:
    """The encounter's 医保 registrations still standing: the one in force and those kept beside it."""
    kept = [t.old_visit_id for t in encounter.transfers
            if t.undone_at is None and t.old_registration is OldRegistration.KEPT]
    return list(dict.fromkeys([encounter.visit_id, *kept]))


def _label(patient: Patient) -> str:
    """What a queue screen shows: the family name and a mask (张*, 欧阳**)."""
    name = patient.name or "?"
    return name[:1] + "*" * max(len(name) - 1, 1)


def _method(value: str, field_name: str) -> PaymentMethod:
    try:
        return PaymentMethod(value)
    except ValueError:
        raise ValidationFailed([FieldViolation(field_name, f"{excerpt(value)} is not one of "
                                                           f"{', '.join(m.value for m in PaymentMethod)}")]) from None


def _register_violations(cmd: RegisterEncounter) -> list[FieldViolation]:
    found = []
    if not cmd.patient_id:
        found.append(FieldViolation("patient_id", "is required"))
    if not cmd.clinic_code:
        found.append(FieldViolation("clinic_code", "is required"))
    if cmd.reg_type not in {t.value for t in RegistrationType}:
        found.append(FieldViolation("reg_type", f"must be one of {', '.join(t.value for t in RegistrationType)}"))
    if cmd.coverage not in {c.value for c in Coverage}:
        found.append(FieldViolation("coverage", f"must be one of {', '.join(c.value for c in Coverage)}"))
    elif cmd.coverage == Coverage.INSURED.value:
        for name in ("insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no"):
            if not getattr(cmd, name):
                found.append(FieldViolation(name, "is required for an insured registration"))
    else:
        for name in ("insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no"):
            if getattr(cmd, name):
                found.append(FieldViolation(name, "is for an insured registration only (coverage INSURED)"))
    return found


def _check_insurance(patient: Patient, cmd: RegisterEncounter) -> None:
    insurance = patient.insurance
    if insurance is None:
        raise ValidationFailed([FieldViolation("coverage", "the patient has no insurance read (1101): read it, "
                                                           "or register as SELF_PAY")])
    if insurance.insutypes and cmd.insutype not in insurance.insutypes:
        raise ValidationFailed([FieldViolation("insutype", f"the patient is not insured under {excerpt(cmd.insutype)} "
                                                           f"(has {', '.join(insurance.insutypes)})")])
