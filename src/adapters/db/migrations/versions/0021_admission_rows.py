"""The fee rows and settlements of insured hospital stays (insured_admissions) move out of the stay's
JSON body into fee_items, settlements and setl_details, beside the outpatient ones: each of those
rows names its owner in visit_id (门诊) or admission_id (住院), exactly one of the two.

Upgrade adds the columns and constraints, then moves every stay's JSON fees and settlements into
rows (a stay's settlements in list order, so their ids keep it) and rewrites its body without them.
Downgrade is the plain reverse of the schema change and refuses while any stay owns rows: moving
them back into JSON is not done.

Revision ID: 0021
Revises: 0020
Created: 2026-12-08

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_ONE_OWNER = "(visit_id IS NULL) <> (admission_id IS NULL)"

# The columns as of this revision: name -> (kind, default when the JSON lacks the key). Kinds: "s" text,
# "t" time, "l" lines (a list as text), (precision, scale) a decimal.
_MONEY = (16, 2)
_FEE_COLUMNS = {
    "feedetl_sn": ("s", ""), "chrg_bchno": ("s", ""), "med_list_codg": ("s", ""), "medins_list_codg": ("s", ""),
    "det_item_fee_sumamt": (_MONEY, "0"), "cnt": ((16, 4), "0"), "pric": ((16, 6), "0"),
    "fee_ocur_time": ("t", None), "bilg_dept_codg": ("s", ""), "bilg_dept_name": ("s", ""),
    "bilg_dr_codg": ("s", ""), "bilg_dr_name": ("s", ""), "medins_list_name": ("s", ""),
    "rx_circ_flag": ("s", "0"), "hosp_appr_flag": ("s", "1"), "state": ("s", "UPLOADED"),
    "chrgitm_lv": ("s", ""), "med_chrgitm_type": ("s", ""), "fulamt_ownpay_amt": (_MONEY, "0"),
    "overlmt_amt": (_MONEY, "0"), "preselfpay_amt": (_MONEY, "0"), "inscp_scp_amt": (_MONEY, "0"),
}
_AMOUNTS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay",
    "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
    "balc", "acct_mulaid_pay", "hifdm_pay",
)
_SETTLEMENT_COLUMNS = {
    **{name: ("s", "") for name in ("mdtrt_id", "psn_no", "chrg_bchno", "setl_id", "medins_setl_id")},
    "setl_time": ("t", None),
    **{name: ("s", "") for name in ("insutype", "med_type", "clr_type", "clr_way", "clr_optins")},
    "pool_prop_selfpay": ((5, 4), None),
    **{name: (_MONEY, None) for name in _AMOUNTS},
    "state": ("s", "ACTIVE"), "cancel_setl_id": ("s", ""), "discrepancies": ("l", []),
}
_DETAIL_COLUMNS = {
    "fund_pay_type": ("s", ""), "fund_payamt": (_MONEY, "0"), "inscp_scp_amt": (_MONEY, "0"),
    "crt_payb_lmt_amt": (_MONEY, None), "fund_pay_type_name": ("s", ""), "setl_proc_info": ("s", ""),
}
_MOVED = ("fees", "settlements")  # what leaves the body; diagnoses stay in it


def _owner(batch, table: str) -> None:
    batch.add_column(sa.Column("admission_id", sa.String(50), nullable=True))
    batch.alter_column("visit_id", existing_type=sa.String(50), nullable=True)
    batch.create_index(op.f(f"ix_{table}_admission_id"), ["admission_id"], unique=False)
    batch.create_foreign_key(op.f(f"fk_{table}_admission_id_insured_admissions"), "insured_admissions",
                             ["admission_id"], ["id"], ondelete="CASCADE")
    batch.create_check_constraint(op.f(f"ck_{table}_one_owner"), _ONE_OWNER)


def upgrade() -> None:
    with op.batch_alter_table("fee_items") as batch:
        _owner(batch, "fee_items")
        batch.create_unique_constraint(op.f("uq_fee_items_admission_id_feedetl_sn"), ["admission_id", "feedetl_sn"])
    with op.batch_alter_table("settlements") as batch:
        _owner(batch, "settlements")
    _move_bodies(op.get_bind())


# ---- the data: JSON bodies into rows -----------------------------------------------------------------
def _table(name: str, columns: dict, owner: str, sqlite: bool) -> sa.TableClause:
    def column_type(kind):
        if kind == "t":
            return sa.DateTime()
        if isinstance(kind, tuple):  # the application keeps decimals as text on SQLite
            return sa.String(kind[0] + 2) if sqlite else sa.Numeric(*kind)
        return sa.Text()
    owner_type = sa.Integer() if owner == "settlement_id" else sa.String()
    return sa.table(name, sa.column("id", sa.Integer()), sa.column(owner, owner_type),
                    *(sa.column(c, column_type(kind)) for c, (kind, _d) in columns.items()))


def _row(values: dict, columns: dict, sqlite: bool) -> dict:
    row = {}
    for name, (kind, default) in columns.items():
        value = values.get(name, default)
        if value is None:
            row[name] = None
        elif kind == "t":
            row[name] = datetime.fromisoformat(value)
        elif kind == "l":
            row[name] = "\n".join(value or ())
        elif isinstance(kind, tuple):
            number = Decimal(str(value)).quantize(Decimal(1).scaleb(-kind[1]), ROUND_HALF_UP)
            row[name] = format(number, "f") if sqlite else number
        else:
            row[name] = str(value)
    return row


def _move_bodies(conn) -> None:
    sqlite = conn.dialect.name == "sqlite"
    admissions = sa.table("insured_admissions", sa.column("id", sa.String()), sa.column("body", sa.Text()))
    fees = _table("fee_items", _FEE_COLUMNS, "admission_id", sqlite)
    settlements = _table("settlements", _SETTLEMENT_COLUMNS, "admission_id", sqlite)
    details = _table("setl_details", _DETAIL_COLUMNS, "settlement_id", sqlite)
    for admission_id, text in conn.execute(sa.select(admissions.c.id, admissions.c.body)
                                           .order_by(admissions.c.id)).all():
        body = json.loads(text)
        if not any(name in body for name in _MOVED):
            continue
        fee_rows = [{**_row(f, _FEE_COLUMNS, sqlite), "admission_id": admission_id} for f in body.get("fees") or []]
        if fee_rows:
            conn.execute(sa.insert(fees), fee_rows)
        for settlement in body.get("settlements") or []:  # one at a time: ids in list order
            settlement_id = conn.execute(
                sa.insert(settlements).returning(settlements.c.id),
                {**_row(settlement, _SETTLEMENT_COLUMNS, sqlite), "admission_id": admission_id}).scalar_one()
            detail_rows = [{**_row(d, _DETAIL_COLUMNS, sqlite), "settlement_id": settlement_id}
                           for d in settlement.get("details") or []]
            if detail_rows:
                conn.execute(sa.insert(details), detail_rows)
        kept = {name: value for name, value in body.items() if name not in _MOVED}
        conn.execute(sa.update(admissions).where(admissions.c.id == admission_id)
                     .values(body=json.dumps(kept, ensure_ascii=False, sort_keys=True)))


def downgrade() -> None:
    conn = op.get_bind()
    for table in ("fee_items", "settlements"):
        owned = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE admission_id IS NOT NULL")).scalar_one()
        if owned:
            raise RuntimeError(f"{table} holds {owned} rows of hospital stays: downgrading below 0021 would lose "
                               "them (they are not moved back into the stays' JSON)")
    with op.batch_alter_table("settlements") as batch:
        _drop_owner(batch, "settlements")
    with op.batch_alter_table("fee_items") as batch:
        batch.drop_constraint(op.f("uq_fee_items_admission_id_feedetl_sn"), type_="unique")
        _drop_owner(batch, "fee_items")


def _drop_owner(batch, table: str) -> None:
    batch.drop_constraint(op.f(f"ck_{table}_one_owner"), type_="check")
    batch.drop_constraint(op.f(f"fk_{table}_admission_id_insured_admissions"), type_="foreignkey")
    batch.drop_index(op.f(f"ix_{table}_admission_id"))
    batch.alter_column("visit_id", existing_type=sa.String(50), nullable=False)
    batch.drop_column("admission_id")
