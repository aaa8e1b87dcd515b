"""The printed 检查申请单 of an exam request: what goes on the page, in the hospital's words (the
parts' methods and states, the patient's sex and age, the coverage), laid out by the renderer port."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from domain.orders import ExamMethod, ExamRequest, PartState, Urgency
from domain.patients import IdentifierKind
from ports.catalogue import Catalogue, load_catalogue
from ports.clock import Clock
from ports.documents import DocumentRenderer, ExamRequestForm, PrintedExamPart, PrintedPatient
from services.encounters import EncounterService
from services.hospital import HospitalDirectory
from services.orders.exam_tables import ExamTables
from services.orders.names import name_of
from services.patients import PatientRegistry

METHODS = {ExamMethod.PLAIN: "平扫", ExamMethod.CONTRAST: "增强", ExamMethod.PLAIN_AND_CONTRAST: "平扫+增强"}
STATES = {PartState.REQUESTED: "已申请", PartState.SCHEDULED: "已预约", PartState.PERFORMED: "已检查",
          PartState.REPORTED: "已报告", PartState.CANCELLED: "已取消"}
URGENCY = {Urgency.ROUTINE: "普通", Urgency.URGENT: "急"}
SEX = {"1": "男", "2": "女"}


class ExamForms:
    def __init__(self, requests: Callable[[str], ExamRequest], encounters: EncounterService,
                 patients: PatientRegistry, hospital: HospitalDirectory, tables: ExamTables,
                 renderer: DocumentRenderer, clock: Clock, hospital_name: str,
                 catalogue: Catalogue | None = None):
        self.requests, self.encounters, self.patients, self.hospital = requests, encounters, patients, hospital
        self.tables, self.renderer, self.clock, self.hospital_name = tables, renderer, clock, hospital_name
        self.catalogue = catalogue or load_catalogue()

    def pdf(self, request_id: str) -> bytes:
        return self.renderer.exam_request_form(self.form(request_id))

    def form(self, request_id: str) -> ExamRequestForm:
        request = self.requests(request_id)
        encounter = self.encounters.get(request.encounter_id)
        patient = self.patients.get(encounter.patient_id)
        table = self.tables.version(request.exam_type, request.table_version).table
        names = {p.part_code: p.part_name for p in table.parts}
        lines = encounter.order_lines(request.id)
        now = self.clock.now()
        coverage = "自费"
        if encounter.insured:
            insutype = self.catalogue.dictionaries["insutype"].codes.get(encounter.insutype, encounter.insutype)
            coverage = f"医保 {insutype}"
        leg = encounter.current_leg()
        parts = tuple(PrintedExamPart(p.no, names.get(p.part_code, p.part_code), METHODS[p.method], STATES[p.state],
                                      sum((c.amount for c in lines if c.order_item == str(p.no)), Decimal(0)))
                      for p in request.parts)
        contrast = None
        if request.contrast is not None:
            c = request.contrast
            contrast = (f"过敏史：{'有' if c.allergy_history else '无'}",
                        f"既往对比剂反应：{'有' if c.previous_reaction else '无'}",
                        f"知情同意书：{'已签' if c.consent_signed else '未签'}")
        return ExamRequestForm(
            hospital_name=self.hospital_name, title=f"{table.name}申请单", request_no=request.id, printed_at=now,
            patient=PrintedPatient(name=patient.name, sex=SEX.get(patient.gender, "未知"),
                                   age=_age(patient.birth_date, now.date()), patient_id=patient.id,
                                   card_no=encounter.ipt_otp_no or patient.identifier(IdentifierKind.VISIT_CARD) or "",
                                   coverage=coverage),
            department=name_of(self.hospital.clinic, leg.clinic_code),
            doctor=name_of(self.hospital.staff, request.requested_by) or request.requested_by,
            requested_at=request.requested_at, urgency=URGENCY[request.urgency], exam_type=request.exam_type,
            parts=parts, clinical_summary=request.clinical_summary, purpose=request.purpose,
            diagnosis_code=request.diagnosis_code, diagnosis_name=request.diagnosis_name,
            contrast_answers=contrast, total_amount=sum((c.amount for c in lines), Decimal(0)))


def _age(born: date | None, today: date) -> str:
    """As a clinic writes it: years from 3 on, years and months below, days in the first month."""
    if born is None:
        return ""
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if months >= 36:
        return f"{months // 12}岁"
    if months >= 12:
        return f"{months // 12}岁{months % 12}月" if months % 12 else f"{months // 12}岁"
    if months >= 1:
        return f"{months}月"
    return f"{(today - born).days}天"
