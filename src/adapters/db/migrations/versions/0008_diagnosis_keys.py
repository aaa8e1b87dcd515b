"""Search keys of the diagnosis catalogues (code, pinyin initials, full pinyin, name), prefix-indexed.

Revision ID: 0008
Revises: 0007
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports. The searched columns take collation "C" on
PostgreSQL and NOCASE on SQLite: the collations under which each database's btree serves LIKE 'x%'.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SEARCHED = (("code_key", 50), ("initials", 500), ("pinyin", 2000), ("name", 500))


def _prefix_text(length: int) -> sa.String:
    return (sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")
            .with_variant(sa.String(length, collation="NOCASE"), "sqlite"))


def upgrade() -> None:
    op.create_table(
        "diagnosis_keys",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(50), nullable=False),
        *(sa.Column(name, _prefix_text(length), nullable=False) for name, length in _SEARCHED),
        sa.PrimaryKeyConstraint("kind", "code", name="pk_diagnosis_keys"),
    )
    for name, _ in _SEARCHED:
        op.create_index(f"ix_diagnosis_keys_{name}", "diagnosis_keys", [name])


def downgrade() -> None:
    for name, _ in reversed(_SEARCHED):
        op.drop_index(f"ix_diagnosis_keys_{name}", table_name="diagnosis_keys")
    op.drop_table("diagnosis_keys")
