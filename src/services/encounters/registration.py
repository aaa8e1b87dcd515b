"""挂号 and 退号: a self-pay encounter registered locally, an insured one after its 2201A; queued in
the same unit of work as the encounter is stored."""
from __future__ import annotations

import uuid

from domain.encounters import Charge, Coverage, Encounter, EncounterState, Leg, LegState, OldRegistration
from domain.errors import FieldViolation, ValidationFailed
from domain.hospital import RegistrationType
from domain.money import money
from domain.operator import Operator
from domain.patients import Patient
from domain.queues import PriorityFlags, QueueKey
from domain.text import excerpt
from domain.visit import VisitState
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.encounters import insurance_translation as yb
from services.encounters.commands import RegisterEncounter
from services.encounters.core import CANCELLABLE_ENTRY, REGISTERED_STATES, EncounterCore, link_visit, queue_label
from services.errors import PlatformUnavailable

class RegistrationUseCases(EncounterCore):
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
        link_visit(encounter, leg, visit.id, visit.mdtrt_id)
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
            if visit is None or visit.state not in REGISTERED_STATES:
                encounter.state, encounter.cancelled_at = EncounterState.CANCELLED, now
                leg.ended_at = now
            else:
                patient = self.patients.get(encounter.patient_id)
                link_visit(encounter, leg, visit.id, visit.mdtrt_id)
                encounter.state = EncounterState.OPEN
                flags = PriorityFlags(emergency=encounter.reg_type == RegistrationType.EMERGENCY.value,
                                      age=patient.age_on(encounter.day))
                leg.queue_entry_id = self.queues.enqueue(
                    uow, QueueKey(now.date(), leg.clinic_code, leg.doctor_code), encounter_id=encounter.id,
                    patient_id=patient.id, patient_label=queue_label(patient), flags=flags).id
            uow.commit()
            return encounter

    def _commit_new(self, encounter: Encounter, patient: Patient, flags: PriorityFlags) -> None:
        leg = encounter.legs[0]
        with self.uow() as uow:
            entry = self.queues.enqueue(uow, QueueKey(encounter.day, leg.clinic_code, leg.doctor_code),
                                        encounter_id=encounter.id, patient_id=patient.id,
                                        patient_label=queue_label(patient), flags=flags)
            leg.queue_entry_id = entry.id
            uow.encounters.add(encounter)
            uow.commit()

    def cancel(self, op: Operator, encounter_id: str) -> Encounter:
        """退号, before the consultation and with nothing paid left (refund first). Insured: 2202 first."""
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
            encounter.require_open("cancel")
            leg = encounter.current_leg()
            self._require_entry(uow, leg, CANCELLABLE_ENTRY, "cancel the registration")
            encounter.cancel(self.clock.now())  # checked here, before 2202: the rule holds or nothing is sent
        if encounter.insured:
            for visit_id in _active_registrations(encounter):
                self._cancel_registration(op, visit_id)
        return self._apply(encounter_id, lambda e, uow: self._cancel_now(e, uow))

    def _cancel_now(self, encounter: Encounter, uow: UnitOfWork) -> None:
        leg = encounter.current_leg()
        encounter.cancel(self.clock.now())
        self.queues.withdraw(uow, leg.queue_entry_id)


def _active_registrations(encounter: Encounter) -> list[str]:
    """The encounter's 医保 registrations still standing: the one in force and those kept beside it."""
    kept = [t.old_visit_id for t in encounter.transfers
            if t.undone_at is None and t.old_registration is OldRegistration.KEPT]
    return list(dict.fromkeys([encounter.visit_id, *kept]))


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
