"""Where each 院内收费项目's 目录对照 stands on the platform (3301 uploaded / 3302 revoked), with the
national code and list_type as sent. The items themselves are hospital_records of kind charge_item.

Revision ID: 0017
Revises: 0016
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hospital_item_mappings",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("national_code", sa.String(50), nullable=False),
        sa.Column("list_type", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("begndate", sa.String(10), nullable=False),
        sa.Column("msgid", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_hospital_item_mappings"),
    )


def downgrade() -> None:
    op.drop_table("hospital_item_mappings")
