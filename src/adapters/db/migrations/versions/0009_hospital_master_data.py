"""Hospital master data: every version of departments, clinics, staff and price lines; the change
counter caches poll; where each department stands on the platform (3401/3402/3403).

Revision ID: 0009
Revises: 0008
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hospital_records",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "code", "version", name="pk_hospital_records"),
    )
    generation = op.create_table(
        "hospital_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hospital_generation"),
    )
    op.bulk_insert(generation, [{"id": 1, "generation": 0}])
    op.create_table(
        "hospital_dept_uploads",
        sa.Column("dept_code", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("infno", sa.String(8), nullable=False),
        sa.Column("begntime", sa.String(19), nullable=False),
        sa.Column("yb_dept_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("msgid", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("dept_code", name="pk_hospital_dept_uploads"),
    )


def downgrade() -> None:
    op.drop_table("hospital_dept_uploads")
    op.drop_table("hospital_generation")
    op.drop_table("hospital_records")
