"""Clinic queues: entries, their events (gap-free seq per clinic and day) and the per-clinic clocks.

Revision ID: 0011
Revises: 0010
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CODE, ID, LABEL, STATE = 30, 50, 100, 20


def upgrade() -> None:
    op.create_table(
        "queue_clocks",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clinic_code", sa.String(CODE), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "clinic_code", name="pk_queue_clocks"),
    )
    op.create_table(
        "queue_entries",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clinic_code", sa.String(CODE), nullable=False),
        sa.Column("doctor_code", sa.String(CODE), nullable=False),
        sa.Column("encounter_id", sa.String(ID), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("patient_label", sa.String(LABEL), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(STATE), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("returning_with_results", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("skips", sa.Integer(), nullable=False),
        sa.Column("called_by", sa.String(CODE), nullable=False),
        sa.Column("closed_from", sa.String(STATE), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_queue_entries"),
    )
    op.create_index("ix_queue_entries_encounter_id", "queue_entries", ["encounter_id"])
    op.create_index("ix_queue_entries_day_clinic_code_state", "queue_entries", ["day", "clinic_code", "state"])
    op.create_index("uq_queue_entries_day_clinic_code_number", "queue_entries", ["day", "clinic_code", "number"],
                    unique=True)
    op.create_table(
        "queue_events",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clinic_code", sa.String(CODE), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(STATE), nullable=False),
        sa.Column("entry_id", sa.String(ID), nullable=False),
        sa.Column("doctor_code", sa.String(CODE), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("patient_label", sa.String(LABEL), nullable=False),
        sa.Column("state", sa.String(STATE), nullable=False),
        sa.Column("called_by", sa.String(CODE), nullable=False),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("day", "clinic_code", "seq", name="pk_queue_events"),
    )


def downgrade() -> None:
    op.drop_table("queue_events")
    op.drop_index("uq_queue_entries_day_clinic_code_number", table_name="queue_entries")
    op.drop_index("ix_queue_entries_day_clinic_code_state", table_name="queue_entries")
    op.drop_index("ix_queue_entries_encounter_id", table_name="queue_entries")
    op.drop_table("queue_entries")
    op.drop_table("queue_clocks")
