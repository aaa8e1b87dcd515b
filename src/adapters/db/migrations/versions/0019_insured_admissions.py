"""The 医保 side of hospital stays (住院): 2401 admission to 2304 settlement, one row per stay.

Revision ID: 0019
Revises: 0017
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def _s(name: str, length: int = 30) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "insured_admissions",
        sa.Column("id", sa.String(50), nullable=False),
        _s("psn_no", 50), _s("insutype"), _s("med_type"), _s("mdtrt_cert_type"), _s("mdtrt_cert_no", 50),
        _s("ipt_no", 50),
        sa.Column("begntime", sa.DateTime(), nullable=False),
        _s("dept_code", 50), _s("dept_name", 200), _s("caty"), _s("atddr_no", 50), _s("chfpdr_name", 200),
        _s("adm_bed", 50), _s("adm_diag_dscr", 200), _s("dise_codg", 50), _s("dise_name", 500),
        _s("insuplc_admdvs"), _s("psn_name", 200),
        sa.Column("mdtrt_id", sa.String(50), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("endtime", sa.DateTime(), nullable=True),
        _s("dscg_dept_code", 50), _s("dscg_dept_name", 200), _s("dscg_way"),
        sa.Column("settling_since", sa.DateTime(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_insured_admissions"),
    )
    with op.batch_alter_table("insured_admissions") as batch:
        batch.create_index("ix_insured_admissions_ipt_no", ["ipt_no"], unique=True)
        batch.create_index("ix_insured_admissions_mdtrt_id", ["mdtrt_id"], unique=True)
        batch.create_index("ix_insured_admissions_state", ["state"], unique=False)
        batch.create_index("ix_insured_admissions_psn_no", ["psn_no"], unique=False)


def downgrade() -> None:
    op.drop_table("insured_admissions")
