"""Indexes for ListVisits: newest first by (begntime, id), alone or after psn_no or dept_code.

Revision ID: 0003
Revises: 0002
Created: 2026-12-06

The listing continues after a (begntime, id) cursor in that order; an index ending in
(begntime, id) hands out a page without sorting every matching visit. The two single-column
indexes they replace are prefixes of the new ones. Frozen on purpose, like 0001: no application
imports.
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visits_begntime_id", "visits", ["begntime", "id"])
    op.create_index("ix_visits_psn_no_begntime_id", "visits", ["psn_no", "begntime", "id"])
    op.create_index("ix_visits_dept_code_begntime_id", "visits", ["dept_code", "begntime", "id"])
    op.drop_index("ix_visits_begntime", table_name="visits")
    op.drop_index("ix_visits_psn_no", table_name="visits")


def downgrade() -> None:
    op.create_index("ix_visits_psn_no", "visits", ["psn_no"])
    op.create_index("ix_visits_begntime", "visits", ["begntime"])
    op.drop_index("ix_visits_dept_code_begntime_id", table_name="visits")
    op.drop_index("ix_visits_psn_no_begntime_id", table_name="visits")
    op.drop_index("ix_visits_begntime_id", table_name="visits")
