"""One exam request over several body parts (检查申请单多部位) and the life of each part.

Each part moves on its own: REQUESTED → SCHEDULED → PERFORMED → REPORTED, or CANCELLED before it is
performed. A request with an enhanced part carries the contrast questions (allergy history, consent):
they are answered before it is sent, not discovered at the scanner.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.orders.exam_pricing import ExamCharge, ExamMethod, ExamTable, RequestedPart, price_exam


class PartState(str, Enum):
    REQUESTED = "REQUESTED"
    SCHEDULED = "SCHEDULED"
    PERFORMED = "PERFORMED"
    REPORTED = "REPORTED"
    CANCELLED = "CANCELLED"


class Urgency(str, Enum):
    ROUTINE = "ROUTINE"  # 普通
    URGENT = "URGENT"  # 急


# part state -> the moves allowed from it (move name -> the state it leads to)
_MOVES: dict[PartState, dict[str, PartState]] = {
    PartState.REQUESTED: {"schedule": PartState.SCHEDULED, "perform": PartState.PERFORMED,
                          "cancel": PartState.CANCELLED},
    PartState.SCHEDULED: {"schedule": PartState.SCHEDULED, "perform": PartState.PERFORMED,
                          "cancel": PartState.CANCELLED},
    PartState.PERFORMED: {"report": PartState.REPORTED},
    PartState.REPORTED: {"report": PartState.REPORTED},  # a corrected report replaces the text
    PartState.CANCELLED: {},
}


@dataclass
class ExamPart:
    no: int  # 1, 2 ... in request order; stays the part's number whatever happens to the others
    part_code: str
    method: ExamMethod
    state: PartState = PartState.REQUESTED
    scheduled_for: datetime | None = None
    performed_at: datetime | None = None
    reported_at: datetime | None = None
    report_text: str = ""


@dataclass
class ContrastAnswers:
    """对比剂 questions of an enhanced study."""

    allergy_history: bool  # 过敏史
    previous_reaction: bool = False  # 既往对比剂反应
    consent_signed: bool = False  # 知情同意书已签


@dataclass
class ExamRequest:
    id: str
    encounter_id: str
    exam_type: str
    parts: list[ExamPart]
    clinical_summary: str
    purpose: str
    diagnosis_code: str
    urgency: Urgency
    requested_by: str
    requested_at: datetime
    contrast: ContrastAnswers | None = None
    diagnosis_name: str = ""
    table_version: int = 0  # the version of the exam-item table that priced it
    version: int = 0

    @staticmethod
    def create(id: str, encounter_id: str, table: ExamTable, parts: list[RequestedPart], *, clinical_summary: str,
               purpose: str, diagnosis_code: str, urgency: Urgency, requested_by: str, requested_at: datetime,
               contrast: ContrastAnswers | None = None, diagnosis_name: str = "",
               table_version: int = 0) -> ExamRequest:
        """A request, checked whole: every part priced by the table (so it can be charged), the
        clinical fields given, and for an enhanced part the contrast questions answered and consent signed."""
        violations: list[FieldViolation] = []
        try:
            price_exam(table, parts)
        except ValidationFailed as err:
            violations += err.violations
        for name, value in (("clinical_summary", clinical_summary), ("purpose", purpose),
                            ("diagnosis_code", diagnosis_code)):
            if not value.strip():
                violations.append(FieldViolation(name, "is required"))
        if any(p.method.enhanced for p in parts):
            if contrast is None:
                violations.append(FieldViolation("contrast", "an enhanced part needs the contrast questions answered"))
            elif not contrast.consent_signed:
                violations.append(FieldViolation("contrast.consent_signed", "an enhanced study needs the signed consent"))
        if violations:
            raise ValidationFailed(violations)
        return ExamRequest(id, encounter_id, table.exam_type,
                           [ExamPart(i + 1, p.part_code, p.method) for i, p in enumerate(parts)],
                           clinical_summary.strip(), purpose.strip(), diagnosis_code.strip(), urgency, requested_by,
                           requested_at, contrast, diagnosis_name.strip(), table_version)

    def part(self, no: int) -> ExamPart:
        found = next((p for p in self.parts if p.no == no), None)
        if found is None:
            raise NotFound(f"exam request {self.id} has no part {no}")
        return found

    def schedule(self, no: int, when: datetime) -> ExamPart:
        part = self._move(no, "schedule")
        part.scheduled_for = when
        return part

    def perform(self, no: int, at: datetime) -> ExamPart:
        part = self._move(no, "perform")
        part.performed_at = at
        return part

    def report(self, no: int, text: str, at: datetime) -> ExamPart:
        if not text.strip():
            raise ValidationFailed([FieldViolation("report_text", "is required")])
        part = self._move(no, "report")
        part.report_text, part.reported_at = text, at
        return part

    def cancel(self, no: int) -> ExamPart:
        """A part not yet performed; its charges are then those of the parts that remain."""
        return self._move(no, "cancel")

    def open_parts(self) -> list[ExamPart]:
        return [p for p in self.parts if p.state is not PartState.CANCELLED]

    def charges(self, table: ExamTable) -> list[tuple[int | None, ExamCharge]]:
        """What the request costs now, over its parts not cancelled: each line with the number of the
        part it belongs to (None: the request's own)."""
        remaining = self.open_parts()
        if not remaining:
            return []
        priced = price_exam(table, [RequestedPart(p.part_code, p.method) for p in remaining])
        return [(None if c.part_index is None else remaining[c.part_index].no, c) for c in priced]

    def _move(self, no: int, move: str) -> ExamPart:
        part = self.part(no)
        target = _MOVES[part.state].get(move)
        if target is None:
            raise IllegalTransition(f"cannot {move} part {no} of exam request {self.id}: it is {part.state.value}")
        part.state = target
        return part
