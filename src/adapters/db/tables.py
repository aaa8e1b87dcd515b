"""The schema, as SQLAlchemy Core tables. Migrations create it; the app never calls create_all."""
from __future__ import annotations

from sqlalchemy import (
    CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint,
)

from adapters.db.types import EmptyAsNull, ExactDecimal, Lines, money, str_enum
from domain.journal import JournalState
from domain.settlement import AMOUNT_FIELDS, SettlementState
from domain.visit import FeeState, VisitState

# Fixed constraint names keep Alembic's comparisons and future migrations deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Lengths are generous: PostgreSQL enforces them and a platform value one character longer
# than guessed must not fail a settlement.
ID = 50
CODE = 30
NAME = 200


def _text(name: str, length: int = CODE) -> Column:
    return Column(name, String(length), nullable=False, default="")


persons = Table(
    "persons", metadata,
    Column("psn_no", String(ID), primary_key=True),
    _text("psn_name", NAME),
    _text("psn_cert_type"),
    _text("certno", ID),
    _text("gend"),
    Column("brdy", Date, nullable=True),
    Column("age", ExactDecimal(5, 1), nullable=True),
    _text("naty"),
    Column("updated_at", DateTime, nullable=False),  # the hospital's time of the last 1101 read
)

insurances = Table(
    "insurances", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("psn_no", String(ID), ForeignKey("persons.psn_no", ondelete="CASCADE"), nullable=False, index=True),
    _text("insutype"),
    Column("balc", money(), nullable=False),
    _text("psn_type"),
    _text("insuplc_admdvs"),
    _text("psn_insu_stas"),
    _text("cvlserv_flag"),
    _text("emp_name", NAME),
)

visits = Table(
    "visits", metadata,
    Column("id", String(ID), primary_key=True),
    Column("mdtrt_id", EmptyAsNull(ID), nullable=True, unique=True),  # NULL until 2201 returns
    Column("psn_no", String(ID), nullable=False),
    _text("insutype"),
    _text("med_type"),
    _text("mdtrt_cert_type"),
    _text("mdtrt_cert_no", NAME),
    _text("ipt_otp_no", ID),
    Column("begntime", DateTime, nullable=False),
    _text("dept_code", ID),
    _text("dept_name", NAME),
    _text("caty"),
    _text("atddr_no", ID),
    _text("dr_name", NAME),
    _text("insuplc_admdvs"),
    _text("psn_name", NAME),
    Column("state", str_enum(VisitState), nullable=False),
    _text("settling_batch", ID),
    Column("settling_since", DateTime, nullable=True),
    Column("version", Integer, nullable=False),  # optimistic lock, see mapping.py
)
# ListVisits reads newest first, (begntime, id) descending, and continues after a (begntime, id)
# cursor: each index serves that order for one equality filter (none, psn_no, dept_code), so a page
# is read straight from it, without sorting all matching visits.
Index("ix_visits_begntime_id", visits.c.begntime, visits.c.id)
Index("ix_visits_psn_no_begntime_id", visits.c.psn_no, visits.c.begntime, visits.c.id)
Index("ix_visits_dept_code_begntime_id", visits.c.dept_code, visits.c.begntime, visits.c.id)
# One visit per 门诊号: claimed (state REGISTERING) before its 2201 leaves, so two registrations with
# the same number can never both reach the platform.
Index("ix_visits_ipt_otp_no", visits.c.ipt_otp_no, unique=True)

diagnoses = Table(
    "diagnoses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("visit_id", String(ID), ForeignKey("visits.id", ondelete="CASCADE"), nullable=False, index=True),
    _text("diag_type"),
    Column("diag_srt_no", Integer, nullable=False),
    _text("diag_code", ID),
    _text("diag_name", NAME),
    _text("diag_dept", NAME),
    _text("dise_dor_no", ID),
    _text("dise_dor_name", NAME),
    Column("diag_time", DateTime, nullable=False),
    _text("vali_flag"),
    _text("maindiag_flag"),
)


def _owner_columns() -> tuple:
    """Fee rows and settlements belong to an outpatient visit (门诊) or to the 医保 side of a hospital
    stay (住院, insured_admissions): exactly one of the two columns is set."""
    return (
        Column("visit_id", String(ID), ForeignKey("visits.id", ondelete="CASCADE"), nullable=True, index=True),
        Column("admission_id", String(ID), ForeignKey("insured_admissions.id", ondelete="CASCADE"), nullable=True,
               index=True),
        CheckConstraint("(visit_id IS NULL) <> (admission_id IS NULL)", name="one_owner"),
    )


fee_items = Table(
    "fee_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_owner_columns(),
    _text("feedetl_sn", ID),
    _text("chrg_bchno", ID),
    _text("med_list_codg", ID),
    _text("medins_list_codg", NAME),
    Column("det_item_fee_sumamt", money(), nullable=False),
    Column("cnt", ExactDecimal(16, 4), nullable=False),
    Column("pric", ExactDecimal(16, 6), nullable=False),
    Column("fee_ocur_time", DateTime, nullable=False),
    _text("bilg_dept_codg", ID),
    _text("bilg_dept_name", NAME),
    _text("bilg_dr_codg", ID),
    _text("bilg_dr_name", NAME),
    _text("medins_list_name", NAME),
    _text("rx_circ_flag"),
    _text("hosp_appr_flag"),
    Column("state", str_enum(FeeState), nullable=False),
    _text("chrgitm_lv"),
    _text("med_chrgitm_type"),
    Column("fulamt_ownpay_amt", money(), nullable=False),
    Column("overlmt_amt", money(), nullable=False),
    Column("preselfpay_amt", money(), nullable=False),
    Column("inscp_scp_amt", money(), nullable=False),
    # Backs the domain's "feedetl_sn already used" rule against two concurrent uploads.
    UniqueConstraint("visit_id", "feedetl_sn"),
    UniqueConstraint("admission_id", "feedetl_sn"),
)

settlements = Table(
    "settlements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # a stay's settlements are in id order
    *_owner_columns(),
    _text("mdtrt_id", ID),
    _text("psn_no", ID),
    _text("chrg_bchno", ID),
    _text("setl_id", ID),
    _text("medins_setl_id", ID),
    Column("setl_time", DateTime, nullable=True),
    _text("insutype"),
    _text("med_type"),
    _text("clr_type"),
    _text("clr_way"),
    _text("clr_optins"),
    # NULL where the platform gave no value: a settlement is stored as the platform answered it
    Column("pool_prop_selfpay", ExactDecimal(5, 4), nullable=True),
    *(Column(name, money(), nullable=True) for name in AMOUNT_FIELDS),
    Column("state", str_enum(SettlementState), nullable=False),
    _text("cancel_setl_id", ID),
    Column("discrepancies", Lines, nullable=False, default=""),  # sums of the reply that do not hold
)
Index(None, settlements.c.setl_id)

setl_details = Table(
    "setl_details", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("settlement_id", Integer, ForeignKey("settlements.id", ondelete="CASCADE"), nullable=False,
           index=True),
    _text("fund_pay_type"),
    Column("fund_payamt", money(), nullable=False),
    Column("inscp_scp_amt", money(), nullable=False),
    Column("crt_payb_lmt_amt", money(), nullable=True),
    _text("fund_pay_type_name", NAME),
    Column("setl_proc_info", Text, nullable=False, default=""),
)

journal = Table(
    "journal", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("msgid", String(ID), nullable=False, unique=True),
    Column("infno", String(10), nullable=False),
    _text("psn_no", ID),
    _text("mdtrt_id", ID),
    Column("visit_id", String(ID), nullable=False, default="", index=True),
    _text("operator_code", ID),
    Column("state", str_enum(JournalState), nullable=False, index=True),
    Column("infcode", Integer, nullable=True),
    Column("err_msg", Text, nullable=False, default=""),
    Column("request", Text, nullable=False),  # ports.jsoncodec text: exact decimals
    Column("reply", Text, nullable=True),
    _text("inf_refmsgid", ID),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("resolution", Text, nullable=False, default=""),
    _text("reversal_msgid", ID),
    # what did not hold together in an accepted reply (sums, unreadable values): kept, never doubted
    Column("discrepancy", Text, nullable=False, default=""),
    _text("owner", 40),  # his_instances.instance_id of the process that sent it
    Column("in_flight_until", DateTime, nullable=True),  # before it, the original may still arrive
    Column("retry_at", DateTime, nullable=True),  # when the resolver looks at an UNCERTAIN entry next
    Column("attempts", Integer, nullable=False, default=0),
)

# Every process that sends to the platform (each `his serve` replica, each CLI run): its heartbeat
# tells the resolver whether a PENDING entry it owns may still get its reply.
his_instances = Table(
    "his_instances", metadata,
    Column("instance_id", String(40), primary_key=True),
    _text("host", NAME),
    Column("pid", Integer, nullable=False),
    _text("kind", CODE),  # serve | cli
    Column("started_at", DateTime, nullable=False),
    Column("heartbeat_at", DateTime, nullable=False),
    Column("stopped_at", DateTime, nullable=True),
)

# Leases: one holder at a time per name (e.g. "resolver": one acting resolver per database).
leases = Table(
    "leases", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(40), nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("acquired_at", DateTime, nullable=False),
)

# Idempotency keys (AIP-155 request_id) of mutating RPCs: the first outcome of a request, replayed to
# its retries. See services.grpc.idempotency.
request_ids = Table(
    "request_ids", metadata,
    Column("request_id", String(64), primary_key=True),
    Column("method", String(100), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of operator, method and request
    Column("state", String(20), nullable=False),  # RUNNING | DONE | FAILED
    Column("response", LargeBinary, nullable=True),  # the serialized response of a DONE request
    Column("status", LargeBinary, nullable=True),  # the serialized google.rpc.Status of a FAILED one
    Column("created_at", DateTime, nullable=False, index=True),
    Column("finished_at", DateTime, nullable=True),
)

# The audit trail (ports.audit): one row per authenticated RPC. Append-only: the store only inserts
# and selects, and triggers (migration 0007) refuse UPDATE and DELETE in the database itself.
audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),  # the hospital's wall time of the call
    _text("operator_code"),
    _text("operator_name", NAME),
    _text("operator_role"),
    Column("method", String(100), nullable=False),
    Column("permission", String(40), nullable=False),
    Column("peer", String(NAME), nullable=False),
    Column("outcome", String(CODE), nullable=False),  # OK or the gRPC status code's name
    Column("message", String(300), nullable=False, default=""),
    Column("visit_id", String(ID), nullable=False, default="", index=True),
    Column("mdtrt_id", String(ID), nullable=False, default="", index=True),
    _text("psn_no", ID),
    Column("request_id", String(64), nullable=False, default=""),
)
Index("ix_audit_events_operator_code_id", audit_events.c.operator_code, audit_events.c.id)

msgid_counters = Table(
    "msgid_counters", metadata,
    Column("prefix", String(40), primary_key=True),
    Column("last_seq", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),  # lets old counters be purged
)

from adapters.db import catalog_tables  # noqa: E402,F401
from adapters.db import encounter_tables  # noqa: E402,F401
from adapters.db import hospital_tables  # noqa: E402,F401
from adapters.db import patient_tables  # noqa: E402,F401
from adapters.db import queue_tables  # noqa: E402,F401
from adapters.db import order_tables  # noqa: E402,F401
from adapters.db import exam_message_tables  # noqa: E402,F401
from adapters.db import prescription_tables  # noqa: E402,F401
from adapters.db import admission_tables  # noqa: E402,F401
from adapters.db import inpatient_tables  # noqa: E402,F401
from adapters.db import reconciliation_tables  # noqa: E402,F401
from adapters.db import settlement_list_tables  # noqa: E402,F401
from adapters.db import clearing_tables  # noqa: E402,F401
