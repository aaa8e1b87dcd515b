"""What the encounter use cases share: configuration, collaborators, loading and changing an
encounter in one unit of work, and places (clinic, department, doctor) read from the directory."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.encounters import Encounter, Leg, TransferRules
from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import Clinic, Department, StaffKind, StaffMember
from domain.operator import Operator
from domain.patients import Patient
from domain.queues import QueueState
from domain.text import excerpt
from domain.visit import VisitState
from ports.clock import Clock
from ports.unit_of_work import UnitOfWork
from services.hospital import HospitalDirectory
from services.outpatient import OutpatientService
from services.patients import PatientRegistry
from services.queues import ClinicQueues

log = logging.getLogger(__name__)

# a leg whose queue entry is in one of these has been seen, or left: it sends nobody on
_CLOSED_ENTRY = frozenset({QueueState.FINISHED, QueueState.NO_SHOW, QueueState.TRANSFERRED, QueueState.WITHDRAWN})
# 退号 only before the consultation
CANCELLABLE_ENTRY = frozenset({QueueState.WAITING, QueueState.CALLED, QueueState.NO_SHOW})
REGISTERED_STATES = (VisitState.REGISTERED, VisitState.SETTLING, VisitState.SETTLED)


UPLOAD_AT_SIGNING = "SIGN"  # an insured encounter's order lines go to the platform (2204) when signed
UPLOAD_AT_PAYMENT = "PAYMENT"  # ... or only when paid


@dataclass(frozen=True)
class EncounterConfig:
    transfer: TransferRules = field(default_factory=TransferRules)
    psn_setlway: str = "01"  # 2207 按项目结算
    upload_at: str = UPLOAD_AT_SIGNING


@dataclass(frozen=True)
class Place:
    clinic: Clinic
    dept: Department
    doctor: StaffMember | None


class EncounterCore:
    """What every use case of an encounter shares: its collaborators, reading and changing an encounter
    in one unit of work, places (clinic, department, doctor) from the directory."""

    def __init__(self, uow: Callable[[], UnitOfWork], outpatient: OutpatientService, hospital: HospitalDirectory,
                 patients: PatientRegistry, queues: ClinicQueues, clock: Clock,
                 config: EncounterConfig = EncounterConfig()):
        self.uow, self.outpatient, self.hospital = uow, outpatient, hospital
        self.patients, self.queues, self.clock, self.config = patients, queues, clock, config

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
               needs_doctor: bool = False) -> Place:
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
        return Place(clinic, dept, doctor)

    def _place_of(self, leg: Leg) -> Place:
        clinic = self.hospital.clinic(leg.clinic_code)
        return Place(clinic, self.hospital.department(clinic.dept_code),
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


def link_visit(encounter: Encounter, leg: Leg, visit_id: str, mdtrt_id: str) -> None:
    leg.visit_id, leg.mdtrt_id = visit_id, mdtrt_id
    encounter.visit_id, encounter.mdtrt_id = visit_id, mdtrt_id


def queue_label(patient: Patient) -> str:
    """What a queue screen shows: the family name and a mask (张*, 欧阳**)."""
    name = patient.name or "?"
    return name[:1] + "*" * max(len(name) - 1, 1)
