"""The clinic queues' tables, on the schema's one `metadata` (migration 0011).

queue_clocks holds one row per clinic and day: the last event seq. Every change bumps it inside
its own transaction, so the row is also the lock that orders the clinic's changes: sequence numbers
are gap-free and commit in order (a reader never sees seq 10 before 9).
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table

from adapters.db.tables import CODE, ID, metadata
from adapters.db.types import str_enum
from domain.queues import EventKind, QueueState

LABEL = 100

queue_clocks = Table(
    "queue_clocks", metadata,
    Column("day", Date, nullable=False),
    Column("clinic_code", String(CODE), nullable=False),
    Column("seq", Integer, nullable=False),
    PrimaryKeyConstraint("day", "clinic_code", name="pk_queue_clocks"),
)

queue_entries = Table(
    "queue_entries", metadata,
    Column("id", String(ID), primary_key=True),
    Column("day", Date, nullable=False),
    Column("clinic_code", String(CODE), nullable=False),
    Column("doctor_code", String(CODE), nullable=False),
    Column("encounter_id", String(ID), nullable=False, index=True),
    Column("patient_id", String(ID), nullable=False),
    Column("patient_label", String(LABEL), nullable=False),
    Column("number", Integer, nullable=False),
    Column("state", str_enum(QueueState), nullable=False),
    Column("emergency", Boolean, nullable=False),
    Column("age", Integer, nullable=True),
    Column("returning_with_results", Boolean, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("recalls", Integer, nullable=False),
    Column("skips", Integer, nullable=False),
    Column("called_by", String(CODE), nullable=False),
    Column("closed_from", str_enum(QueueState), nullable=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=True),
)
Index("ix_queue_entries_day_clinic_code_state", queue_entries.c.day, queue_entries.c.clinic_code,
      queue_entries.c.state)
Index("uq_queue_entries_day_clinic_code_number", queue_entries.c.day, queue_entries.c.clinic_code,
      queue_entries.c.number, unique=True)

queue_events = Table(
    "queue_events", metadata,
    Column("day", Date, nullable=False),
    Column("clinic_code", String(CODE), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", str_enum(EventKind), nullable=False),
    Column("entry_id", String(ID), nullable=False),
    Column("doctor_code", String(CODE), nullable=False),
    Column("number", Integer, nullable=False),
    Column("patient_label", String(LABEL), nullable=False),
    Column("state", str_enum(QueueState), nullable=False),
    Column("called_by", String(CODE), nullable=False),
    Column("recalls", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("at", DateTime, nullable=True),
    PrimaryKeyConstraint("day", "clinic_code", "seq", name="pk_queue_events"),
)
