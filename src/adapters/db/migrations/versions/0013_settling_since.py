"""When a visit's 2207 claim was taken, so the resolver tells this claim's 2207 from an earlier one.

Revision ID: 0013
Revises: 0012
Created: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("settling_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("settling_since")
