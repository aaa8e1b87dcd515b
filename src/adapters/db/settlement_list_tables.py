"""Settlement lists (结算清单), on the schema's one `metadata` (migration 0024): one row per list, the
columns it is found by and the list whole as a JSON document. One list per settlement: setl_id is
unique, so two builders of the same list cannot both commit."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import ID, metadata
from adapters.db.types import str_enum
from domain.settlement_lists import ListState

settlement_lists = Table(
    "settlement_lists", metadata,
    Column("id", String(ID), primary_key=True),
    Column("stay_id", String(ID), nullable=False),
    Column("patient_id", String(ID), nullable=False),
    Column("setl_id", String(ID), nullable=False),
    Column("state", str_enum(ListState), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_settlement_lists_setl_id", "setl_id", unique=True),
    Index("ix_settlement_lists_state_deadline", "state", "deadline"),
    Index("ix_settlement_lists_stay_id", "stay_id"),
    Index("ix_settlement_lists_patient_id_created_at", "patient_id", "created_at"),
)
