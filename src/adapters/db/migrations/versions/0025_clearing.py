"""Clearing applications (清算申请, 3202a / 3203a / 1608) and the days each standing one holds.

Revision ID: 0025
Revises: 0022
Created: 2026-12-09

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0025"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clearing_applications",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearing_applications")),
    )
    with op.batch_alter_table("clearing_applications", schema=None) as batch_op:
        batch_op.create_index("ix_clearing_applications_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_clearing_applications_first_day", ["first_day"], unique=False)
    op.create_table(
        "clearing_claims",
        sa.Column("area", sa.String(length=10), nullable=False),
        sa.Column("clr_type", sa.String(length=30), nullable=False),
        sa.Column("clr_optins", sa.String(length=50), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("application_id", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("area", "clr_type", "clr_optins", "day", name=op.f("pk_clearing_claims")),
    )
    with op.batch_alter_table("clearing_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clearing_claims_application_id"), ["application_id"], unique=False)


def downgrade() -> None:
    op.drop_table("clearing_claims")
    op.drop_table("clearing_applications")
