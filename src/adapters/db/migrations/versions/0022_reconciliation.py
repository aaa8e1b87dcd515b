"""Reconciliation with the platform: runs (one scheduled run per day, by a unique day), the 单边账
worklist, which entries each run found, and settlements found by their time.

Revision ID: 0022
Revises: 0024
Created: 2026-12-08

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_runs")),
    )
    with op.batch_alter_table("reconciliation_runs", schema=None) as batch_op:
        batch_op.create_index("ix_reconciliation_runs_started_at_id", ["started_at", "id"], unique=False)
        batch_op.create_index("ix_reconciliation_runs_scheduled_for", ["scheduled_for"], unique=True)

    op.create_table(
        "reconciliation_entries",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("setl_time", sa.DateTime(), nullable=True),
        sa.Column("last_run_id", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_entries")),
    )
    with op.batch_alter_table("reconciliation_entries", schema=None) as batch_op:
        batch_op.create_index("ix_reconciliation_entries_kind_key", ["kind", "key"], unique=True)
        batch_op.create_index("ix_reconciliation_entries_state_id", ["state", "id"], unique=False)
        batch_op.create_index("ix_reconciliation_entries_record_id", ["record_id"], unique=False)

    op.create_table(
        "reconciliation_findings",
        sa.Column("run_id", sa.String(length=50), nullable=False),
        sa.Column("entry_id", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "entry_id", name=op.f("pk_reconciliation_findings")),
    )
    with op.batch_alter_table("reconciliation_findings", schema=None) as batch_op:
        batch_op.create_index("ix_reconciliation_findings_entry_id", ["entry_id"], unique=False)

    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index("ix_settlements_setl_time", ["setl_time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_index("ix_settlements_setl_time")
    op.drop_table("reconciliation_findings")
    op.drop_table("reconciliation_entries")
    op.drop_table("reconciliation_runs")
