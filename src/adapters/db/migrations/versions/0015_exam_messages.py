"""The RIS outbox (HL7 messages of exam requests, sent in order and retried) and the results received.

Revision ID: 0015
Revises: 0014
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID, CONTROL_ID = 50, 64


def upgrade() -> None:
    op.create_table(
        "exam_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(ID), nullable=False),
        sa.Column("control_id", sa.String(CONTROL_ID), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("ack", sa.Text(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exam_messages"),
        sa.UniqueConstraint("control_id", name="uq_exam_messages_control_id"),
    )
    op.create_index("ix_exam_messages_state_next_attempt_at", "exam_messages", ["state", "next_attempt_at"])
    op.create_index("ix_exam_messages_request_id_id", "exam_messages", ["request_id", "id"])
    op.create_table(
        "exam_results_received",
        sa.Column("control_id", sa.String(CONTROL_ID), nullable=False),
        sa.Column("request_ids", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("control_id", name="pk_exam_results_received"),
    )


def downgrade() -> None:
    op.drop_table("exam_results_received")
    op.drop_index("ix_exam_messages_request_id_id", table_name="exam_messages")
    op.drop_index("ix_exam_messages_state_next_attempt_at", table_name="exam_messages")
    op.drop_table("exam_messages")
