"""Initial schema: persons, visits and their children, the platform journal, msgid counters.

Revision ID: 0001
Revises:
Created: 2026-11-28

Frozen on purpose: no application imports, so later changes to tables.py cannot alter what
this revision creates. Decimals are NUMERIC on PostgreSQL and text on SQLite (see
adapters.db.types.ExactDecimal); enums are plain VARCHAR(20).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _decimal(precision: int, scale: int):
    return sa.Numeric(precision, scale).with_variant(sa.String(precision + 2), "sqlite")


def _money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, _decimal(16, 2), nullable=nullable)


def _s(name: str, length: int = 30) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False)


def _pk() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _fk(column: str, target: str, table: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=f"fk_{table}_{column}_{ref_table}", ondelete="CASCADE")


SETTLEMENT_AMOUNTS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay",
    "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
    "balc", "acct_mulaid_pay", "hifdm_pay",
)


def upgrade() -> None:
    op.create_table(
        "persons",
        _s("psn_no", 50), _s("psn_name", 200), _s("psn_cert_type"), _s("certno", 50), _s("gend"),
        sa.Column("brdy", sa.Date(), nullable=True),
        sa.Column("age", _decimal(5, 1), nullable=True),
        _s("naty"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("psn_no", name="pk_persons"),
    )
    op.create_table(
        "insurances",
        _pk(), _s("psn_no", 50), _s("insutype"), _money("balc"), _s("psn_type"), _s("insuplc_admdvs"),
        _s("psn_insu_stas"), _s("cvlserv_flag"), _s("emp_name", 200),
        _fk("psn_no", "persons.psn_no", "insurances"),
        sa.PrimaryKeyConstraint("id", name="pk_insurances"),
    )
    op.create_index("ix_insurances_psn_no", "insurances", ["psn_no"])

    op.create_table(
        "visits",
        _s("id", 50),
        sa.Column("mdtrt_id", sa.String(50), nullable=True),
        _s("psn_no", 50), _s("insutype"), _s("med_type"), _s("mdtrt_cert_type"), _s("mdtrt_cert_no", 200),
        _s("ipt_otp_no", 50),
        sa.Column("begntime", sa.DateTime(), nullable=False),
        _s("dept_code", 50), _s("dept_name", 200), _s("caty"), _s("atddr_no", 50), _s("dr_name", 200),
        _s("insuplc_admdvs"), _s("psn_name", 200), _s("state", 20), _s("settling_batch", 50),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
        sa.UniqueConstraint("mdtrt_id", name="uq_visits_mdtrt_id"),
    )
    op.create_index("ix_visits_begntime", "visits", ["begntime"])
    op.create_index("ix_visits_psn_no", "visits", ["psn_no"])

    op.create_table(
        "diagnoses",
        _pk(), _s("visit_id", 50), _s("diag_type"),
        sa.Column("diag_srt_no", sa.Integer(), nullable=False),
        _s("diag_code", 50), _s("diag_name", 200), _s("diag_dept", 200), _s("dise_dor_no", 50),
        _s("dise_dor_name", 200),
        sa.Column("diag_time", sa.DateTime(), nullable=False),
        _s("vali_flag"), _s("maindiag_flag"),
        _fk("visit_id", "visits.id", "diagnoses"),
        sa.PrimaryKeyConstraint("id", name="pk_diagnoses"),
    )
    op.create_index("ix_diagnoses_visit_id", "diagnoses", ["visit_id"])

    op.create_table(
        "fee_items",
        _pk(), _s("visit_id", 50), _s("feedetl_sn", 50), _s("chrg_bchno", 50), _s("med_list_codg", 50),
        _s("medins_list_codg", 200), _money("det_item_fee_sumamt"),
        sa.Column("cnt", _decimal(16, 4), nullable=False),
        sa.Column("pric", _decimal(16, 6), nullable=False),
        sa.Column("fee_ocur_time", sa.DateTime(), nullable=False),
        _s("bilg_dept_codg", 50), _s("bilg_dept_name", 200), _s("bilg_dr_codg", 50), _s("bilg_dr_name", 200),
        _s("medins_list_name", 200), _s("rx_circ_flag"), _s("hosp_appr_flag"), _s("state", 20),
        _s("chrgitm_lv"), _s("med_chrgitm_type"),
        _money("fulamt_ownpay_amt"), _money("overlmt_amt"), _money("preselfpay_amt"), _money("inscp_scp_amt"),
        _fk("visit_id", "visits.id", "fee_items"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_items"),
        sa.UniqueConstraint("visit_id", "feedetl_sn", name="uq_fee_items_visit_id_feedetl_sn"),
    )
    op.create_index("ix_fee_items_visit_id", "fee_items", ["visit_id"])

    op.create_table(
        "settlements",
        _pk(), _s("visit_id", 50), _s("mdtrt_id", 50), _s("psn_no", 50), _s("chrg_bchno", 50),
        _s("setl_id", 50), _s("medins_setl_id", 50),
        sa.Column("setl_time", sa.DateTime(), nullable=True),
        _s("insutype"), _s("med_type"), _s("clr_type"), _s("clr_way"), _s("clr_optins"),
        sa.Column("pool_prop_selfpay", _decimal(5, 4), nullable=False),
        *(_money(name) for name in SETTLEMENT_AMOUNTS),
        _s("state", 20), _s("cancel_setl_id", 50),
        _fk("visit_id", "visits.id", "settlements"),
        sa.PrimaryKeyConstraint("id", name="pk_settlements"),
    )
    op.create_index("ix_settlements_setl_id", "settlements", ["setl_id"])
    op.create_index("ix_settlements_visit_id", "settlements", ["visit_id"])

    op.create_table(
        "setl_details",
        _pk(),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        _s("fund_pay_type"), _money("fund_payamt"), _money("inscp_scp_amt"),
        _money("crt_payb_lmt_amt", nullable=True), _s("fund_pay_type_name", 200),
        sa.Column("setl_proc_info", sa.Text(), nullable=False),
        _fk("settlement_id", "settlements.id", "setl_details"),
        sa.PrimaryKeyConstraint("id", name="pk_setl_details"),
    )
    op.create_index("ix_setl_details_settlement_id", "setl_details", ["settlement_id"])

    op.create_table(
        "journal",
        _pk(), _s("msgid", 50), _s("infno", 10), _s("psn_no", 50), _s("mdtrt_id", 50), _s("visit_id", 50),
        _s("operator_code", 50), _s("state", 20),
        sa.Column("infcode", sa.Integer(), nullable=True),
        sa.Column("err_msg", sa.Text(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        _s("inf_refmsgid", 50),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        _s("reversal_msgid", 50),
        sa.PrimaryKeyConstraint("id", name="pk_journal"),
        sa.UniqueConstraint("msgid", name="uq_journal_msgid"),
    )
    op.create_index("ix_journal_state", "journal", ["state"])
    op.create_index("ix_journal_visit_id", "journal", ["visit_id"])

    op.create_table(
        "msgid_counters",
        _s("prefix", 40),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name="pk_msgid_counters"),
    )


def downgrade() -> None:
    for table in ("msgid_counters", "journal", "setl_details", "settlements", "fee_items", "diagnoses",
                  "visits", "insurances", "persons"):
        op.drop_table(table)  # indexes go with their table
