"""Retries with one effect: idempotency keys of mutating RPCs, and one visit per 门诊号.

Revision ID: 0005
Revises: 0004
Created: 2026-12-06

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_ids",
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name="pk_request_ids"),
    )
    op.create_index("ix_request_ids_created_at", "request_ids", ["created_at"])
    op.create_index("ix_visits_ipt_otp_no", "visits", ["ipt_otp_no"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_visits_ipt_otp_no", table_name="visits")
    op.drop_index("ix_request_ids_created_at", table_name="request_ids")
    op.drop_table("request_ids")
