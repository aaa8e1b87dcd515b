"""The doctor's orders: exam requests (检查申请单) with their parts, and the exam-item tables that
price them (versioned master data: a new version is a new row, nothing is overwritten)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from adapters.db.tables import CODE, ID, NAME, metadata
from adapters.db.types import str_enum
from domain.orders import ExamMethod, PartState, Urgency


def _text(name: str, length: int = CODE) -> Column:
    return Column(name, String(length), nullable=False, default="")


exam_tables = Table(
    "exam_tables", metadata,
    Column("exam_type", String(CODE), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # the table as its JSON document (domain.orders.exam_table_from_dict)
    Column("valid_from", DateTime, nullable=False),
    _text("changed_by"),
    _text("reason", 500),
    PrimaryKeyConstraint("exam_type", "version"),
)

exam_requests = Table(
    "exam_requests", metadata,
    Column("id", String(ID), primary_key=True),
    Column("encounter_id", String(ID), nullable=False),
    _text("exam_type"),
    Column("table_version", Integer, nullable=False),  # the exam-item table version it was priced by
    Column("clinical_summary", Text, nullable=False),
    _text("purpose", 500),
    _text("diagnosis_code"),
    _text("diagnosis_name", NAME),
    Column("urgency", str_enum(Urgency), nullable=False),
    _text("requested_by"),
    Column("requested_at", DateTime, nullable=False),
    Column("has_contrast", Boolean, nullable=False),
    Column("allergy_history", Boolean, nullable=False),
    Column("previous_reaction", Boolean, nullable=False),
    Column("consent_signed", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_exam_requests_encounter_id", exam_requests.c.encounter_id)

exam_parts = Table(
    "exam_parts", metadata,
    Column("request_id", String(ID), ForeignKey("exam_requests.id", ondelete="CASCADE"), nullable=False),
    Column("no", Integer, nullable=False),
    _text("part_code"),
    Column("method", str_enum(ExamMethod), nullable=False),
    Column("state", str_enum(PartState), nullable=False),
    Column("scheduled_for", DateTime, nullable=True),
    Column("performed_at", DateTime, nullable=True),
    Column("reported_at", DateTime, nullable=True),
    Column("report_text", Text, nullable=False),
    PrimaryKeyConstraint("request_id", "no"),
)
