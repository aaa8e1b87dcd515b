"""Reconciliation runs and the 单边账 worklist, on the schema's one `metadata`: each a JSON document
beside the columns it is found by."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import ID, metadata, settlements
from adapters.db.types import str_enum
from domain.reconciliation import EntryState, FindingKind, RunState

reconciliation_runs = Table(
    "reconciliation_runs", metadata,
    Column("id", String(ID), primary_key=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("state", str_enum(RunState), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("scheduled_for", Date, nullable=True),  # one scheduled run per day: its claim
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_reconciliation_runs_started_at_id", "started_at", "id"),
    Index("ix_reconciliation_runs_scheduled_for", "scheduled_for", unique=True),
)

reconciliation_entries = Table(
    "reconciliation_entries", metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", str_enum(FindingKind), nullable=False),
    Column("key", String(ID), nullable=False),  # setl_id; a record's id for UNSETTLED
    Column("state", str_enum(EntryState), nullable=False),
    Column("setl_time", DateTime, nullable=True),
    Column("last_run_id", String(ID), nullable=False),
    Column("record_id", String(ID), nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_reconciliation_entries_kind_key", "kind", "key", unique=True),
    Index("ix_reconciliation_entries_state_id", "state", "id"),
    Index("ix_reconciliation_entries_record_id", "record_id"),
)

# which worklist entries each run found (a later run may find an entry an earlier one did)
reconciliation_findings = Table(
    "reconciliation_findings", metadata,
    Column("run_id", String(ID), primary_key=True),
    Column("entry_id", String(ID), primary_key=True),
    Index("ix_reconciliation_findings_entry_id", "entry_id"),
)

# reconciliation reads a day's settlements by their time
Index("ix_settlements_setl_time", settlements.c.setl_time)  # reconciliation and reports read one period
