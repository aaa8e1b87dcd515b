"""Settlements stored as the platform gave them: amounts it left out are NULL, and the sums that do
not hold are kept beside the settlement and its journal entry.

Revision ID: 0004
Revises: 0003
Created: 2026-12-06

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SETTLEMENT_AMOUNTS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay",
    "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
    "balc", "acct_mulaid_pay", "hifdm_pay",
)


def _decimal(precision: int, scale: int):
    return sa.Numeric(precision, scale).with_variant(sa.String(precision + 2), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("settlements") as batch:
        batch.alter_column("pool_prop_selfpay", existing_type=_decimal(5, 4), nullable=True)
        for name in SETTLEMENT_AMOUNTS:
            batch.alter_column(name, existing_type=_decimal(16, 2), nullable=True)
        batch.add_column(sa.Column("discrepancies", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("discrepancy", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("discrepancy")
    with op.batch_alter_table("settlements") as batch:
        batch.drop_column("discrepancies")
        for name in SETTLEMENT_AMOUNTS:
            batch.alter_column(name, existing_type=_decimal(16, 2), nullable=False)
        batch.alter_column("pool_prop_selfpay", existing_type=_decimal(5, 4), nullable=False)
