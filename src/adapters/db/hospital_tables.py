"""The hospital master data, on the schema's one `metadata`.

hospital_records holds every version of every record (kind, code, version): appended, never
updated. `data` is the record as JSON text (master data is read whole into memory, never searched
by its fields in SQL). hospital_generation is one row whose counter every append advances, in the
same transaction: the cheap question "has anything changed?" of every process's cache.
hospital_dept_uploads: where each department stands on the platform (3401/3402/3403);
hospital_item_mappings: where each charge item's 目录对照 stands (3301/3302).
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Integer, PrimaryKeyConstraint, String, Table,
                        Text)

from adapters.db.tables import metadata

hospital_records = Table(
    "hospital_records", metadata,
    Column("kind", String(16), nullable=False),
    Column("code", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("valid_from", DateTime, nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("retired", Boolean, nullable=False),
    Column("data", Text, nullable=False),
    # two writers of the same next version: the second insert fails (ConcurrencyConflict)
    PrimaryKeyConstraint("kind", "code", "version"),
)

hospital_generation = Table(
    "hospital_generation", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # the one row: 1
    Column("generation", BigInteger, nullable=False),
)

hospital_dept_uploads = Table(
    "hospital_dept_uploads", metadata,
    Column("dept_code", String(32), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("infno", String(8), nullable=False),
    Column("begntime", String(19), nullable=False),
    Column("yb_dept_code", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("msgid", String(40), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("by", String(64), nullable=False),
)

hospital_item_mappings = Table(
    "hospital_item_mappings", metadata,
    Column("code", String(32), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("national_code", String(50), nullable=False),
    Column("list_type", String(8), nullable=False),
    Column("name", String(200), nullable=False),
    Column("begndate", String(10), nullable=False),
    Column("msgid", String(40), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("by", String(64), nullable=False),
)
