"""Settlement reports: settlements by settlement time (every report reads one period of it).

Revision ID: 0023
Revises: 0024
Created: 2026-12-08

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_settlements_setl_time", "settlements", ["setl_time"])


def downgrade() -> None:
    op.drop_index("ix_settlements_setl_time", table_name="settlements")
