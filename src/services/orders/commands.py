"""What callers ask of the orders context."""
from __future__ import annotations

from dataclasses import dataclass, field

from domain.orders import ContrastAnswers


@dataclass(frozen=True)
class PartInput:
    part_code: str  # the exam-item table's body part (HEAD, CHEST ...)
    method: str  # domain.orders.ExamMethod value: PLAIN 平扫, CONTRAST 增强, PLAIN_AND_CONTRAST 平扫+增强


@dataclass(frozen=True)
class RequestExam:
    """检查申请: one exam type over several body parts, signed by the doctor who sends it."""

    encounter_id: str
    exam_type: str
    parts: list[PartInput] = field(default_factory=list)
    clinical_summary: str = ""  # 病史摘要 / 临床所见
    purpose: str = ""  # 检查目的
    diagnosis_code: str = ""  # "" = the encounter's main diagnosis
    diagnosis_name: str = ""
    urgency: str = "ROUTINE"  # domain.orders.Urgency value
    contrast: ContrastAnswers | None = None  # an enhanced part needs it answered, consent signed
