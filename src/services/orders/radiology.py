"""The exam request's journey to the examining department's system (RIS) and its results back.

Outbound: the ORM^O01 (new / cancel) of a request is written into the outbox (uow.exam_messages) in
the same commit as the request, then the dispatcher is woken to send it; what the message says about
the patient, the clinic and the doctor is read before that commit (`prepare`), so the unit of work
holds no other reads. Inbound: an ORU^R01's results are applied as reports of the parts."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from domain.orders import ExamRequest
from ports.clock import Clock
from ports.exam_link import ExamMessage
from ports.unit_of_work import UnitOfWork
from services.encounters import EncounterService
from services.hospital import HospitalDirectory
from services.orders.exam_tables import ExamTables
from services.orders.names import name_of
from services.orders.radiology_hl7 import ExamOrderContext, ExamResult, orm_o01
from services.patients import PatientRegistry

log = logging.getLogger(__name__)

_SEX = {"1": "M", "2": "F"}  # GB/T 2261.1 -> HL7 table 0001; anything else "U"
FINAL_STATUSES = frozenset({"F", "C"})  # final, corrected; P (preliminary) waits for the final report


@dataclass(frozen=True)
class RisConfig:
    sending_app: str = "HIS"
    receiving_app: str = "RIS"
    hospital_code: str = ""  # the facility (MSH-4 / MSH-6): the institution's fixmedins_code


class RadiologyOrders:
    def __init__(self, encounters: EncounterService, patients: PatientRegistry, hospital: HospitalDirectory,
                 tables: ExamTables, clock: Clock, config: RisConfig = RisConfig(),
                 wake: Callable[[], None] = lambda: None):
        self.encounters, self.patients, self.hospital, self.tables = encounters, patients, hospital, tables
        self.clock, self.config, self.wake = clock, config, wake

    def prepare(self, request: ExamRequest) -> ExamOrderContext:
        encounter = self.encounters.get(request.encounter_id)
        patient = self.patients.get(encounter.patient_id)
        leg = encounter.current_leg()
        table = self.tables.version(request.exam_type, request.table_version).table
        return ExamOrderContext(
            patient_id=patient.id, patient_name=patient.name, sex=_SEX.get(patient.gender, "U"),
            birth_date=patient.birth_date, encounter_id=encounter.id, clinic_code=leg.clinic_code,
            clinic_name=name_of(self.hospital.clinic, leg.clinic_code), doctor_code=request.requested_by,
            doctor_name=name_of(self.hospital.staff, request.requested_by),
            part_names={p.part_code: p.part_name for p in table.parts}, exam_type_name=table.name,
            hospital_code=self.config.hospital_code)

    def enqueue(self, uow: UnitOfWork, request: ExamRequest, action: str, parts: list[int],
                ctx: ExamOrderContext) -> None:
        control_id = uuid.uuid4().hex[:20]
        now = self.clock.now()
        text = orm_o01(request, ctx, control_id, action, parts, at=now, sending_app=self.config.sending_app,
                       receiving_app=self.config.receiving_app)
        uow.exam_messages.add(ExamMessage.new(request.id, control_id, f"ORM_{action}", text, now))


def report_applier(record_report: Callable[..., object]) -> Callable[[ExamResult], None]:
    """What the RIS's results do: a final (or corrected) result reports its part; a preliminary one
    is acknowledged and waits for the final."""
    def apply(result: ExamResult) -> None:
        if result.result_status and result.result_status not in FINAL_STATUSES:
            log.info("exam request %s part %s: %s result noted, waiting for the final report", result.request_id,
                     result.part_no, result.result_status)
            return
        record_report(result.request_id, result.part_no, result.report_text, result.reported_at)
    return apply
