"""Prescriptions, on the schema's one `metadata`: one row per prescription, the columns it is found
by, and the prescription whole as a JSON document (its lines keep the formulary's data of the day
it was written, so the document, not a join, is the record)."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import CODE, ID, metadata
from adapters.db.types import EmptyAsNull, str_enum
from domain.prescriptions import RxState

prescriptions = Table(
    "prescriptions", metadata,
    Column("id", String(ID), primary_key=True),
    Column("encounter_id", String(ID), nullable=False),
    Column("patient_id", String(ID), nullable=False),
    Column("state", str_enum(RxState), nullable=False),
    Column("hi_rxno", EmptyAsNull(CODE), nullable=True),  # unique once the platform gave one
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_prescriptions_encounter_id_created_at", "encounter_id", "created_at"),
    Index("ix_prescriptions_hi_rxno", "hi_rxno", unique=True),
)
