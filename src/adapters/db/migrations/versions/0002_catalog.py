"""Downloaded catalogues (1307-1311, 1313-1315) and their sync checkpoints.

Revision ID: 0002
Revises: 0001
Created: 2026-11-28

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _s(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _n(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _t(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "catalog_items",
        _s("kind", 20),
        _s("code", 50),
        _s("name", 500, nullable=True),
        _s("version", 20),
        _s("vali_flag", 3),
        _t("updated_at", nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        _t("synced_at"),
        sa.PrimaryKeyConstraint("kind", "code", name="pk_catalog_items"),
    )
    op.create_table(
        "catalog_sync_state",
        _s("kind", 20),
        _s("infno", 10),
        _s("synced_ver", 20),
        sa.Column("column_names", sa.Text(), nullable=False),
        _s("file_qury_no", 50, nullable=True),
        _s("filename", 200, nullable=True),
        _t("dld_endtime", nullable=True),
        _n("data_cnt", nullable=True),
        _s("base_ver", 20, nullable=True),
        _n("rows_done"),
        _s("newest_ver", 20),
        _n("added"),
        _n("changed"),
        _n("stopped"),
        _n("skipped"),
        _t("started_at", nullable=True),
        _t("updated_at"),
        _t("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("kind", name="pk_catalog_sync_state"),
    )


def downgrade() -> None:
    op.drop_table("catalog_sync_state")
    op.drop_table("catalog_items")
