"""The encounters (门诊就诊 on the hospital's side), on the schema's one `metadata`: one row per
encounter, its legs, transfers, charges, payments and diagnoses in tables of their own (the reports
read them), and the per-day receipt counters."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table

from adapters.db.tables import CODE, ID, NAME, metadata
from adapters.db.types import EmptyAsNull, ExactDecimal, money, str_enum
from domain.encounters import (Coverage, EncounterState, LegState, OldRegistration, PaymentKind,
                               PaymentMethod)


def _text(name: str, length: int = CODE) -> Column:
    return Column(name, String(length), nullable=False, default="")


def _parent() -> Column:
    return Column("encounter_id", String(ID), ForeignKey("encounters.id", ondelete="CASCADE"), nullable=False)


encounters = Table(
    "encounters", metadata,
    Column("id", String(ID), primary_key=True),
    Column("patient_id", String(ID), nullable=False),
    Column("day", Date, nullable=False),
    Column("registered_at", DateTime, nullable=False),
    _text("registered_by"),
    _text("reg_type", 20),
    Column("coverage", str_enum(Coverage), nullable=False),
    Column("state", str_enum(EncounterState), nullable=False),
    _text("psn_no", ID),
    _text("insutype"),
    _text("med_type"),
    _text("mdtrt_cert_type"),
    _text("mdtrt_cert_no", 600),  # an e-credential token is long
    _text("visit_id", ID),
    _text("mdtrt_id", ID),
    Column("ipt_otp_no", EmptyAsNull(ID), nullable=True),  # unique when given; NULL for self-pay
    Column("cancelled_at", DateTime, nullable=True),
    Column("version", Integer, nullable=False),
)
# a patient's history, newest first, read from the index in order
Index("ix_encounters_patient_id_registered_at_id", encounters.c.patient_id, encounters.c.registered_at,
      encounters.c.id)
Index("ix_encounters_ipt_otp_no", encounters.c.ipt_otp_no, unique=True)
Index("ix_encounters_state", encounters.c.state)

encounter_legs = Table(
    "encounter_legs", metadata,
    _parent(),
    Column("seq", Integer, nullable=False),
    _text("clinic_code"),
    _text("dept_code"),
    _text("doctor_code"),
    _text("queue_entry_id", ID),
    Column("state", str_enum(LegState), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=True),
    _text("visit_id", ID),
    _text("mdtrt_id", ID),
    PrimaryKeyConstraint("encounter_id", "seq"),
)
Index("ix_encounter_legs_clinic_code_started_at", encounter_legs.c.clinic_code, encounter_legs.c.started_at)

encounter_transfers = Table(
    "encounter_transfers", metadata,
    _parent(),
    Column("seq", Integer, nullable=False),
    Column("from_leg", Integer, nullable=False),
    Column("to_leg", Integer, nullable=False),
    _text("sent_by"),
    _text("sent_by_name", NAME),
    _text("reason", 500),
    Column("at", DateTime, nullable=False),
    Column("new_registration", Boolean, nullable=False),
    _text("old_visit_id", ID),
    Column("old_registration", str_enum(OldRegistration), nullable=False),
    Column("undone_at", DateTime, nullable=True),
    _text("undone_by"),
    PrimaryKeyConstraint("encounter_id", "seq"),
)
Index("ix_encounter_transfers_at", encounter_transfers.c.at)

encounter_charges = Table(
    "encounter_charges", metadata,
    _parent(),
    Column("line_no", Integer, nullable=False),
    _text("item_code", ID),
    _text("item_name", NAME),
    _text("national_code", ID),
    Column("unit_price", ExactDecimal(16, 6), nullable=False),
    Column("quantity", ExactDecimal(16, 4), nullable=False),
    Column("amount", money(), nullable=False),
    Column("leg_seq", Integer, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("registration_fee", Boolean, nullable=False),
    _text("payment_id", ID),
    _text("order_id", ID),
    _text("order_item"),
    Column("withdrawn_at", DateTime, nullable=True),
    PrimaryKeyConstraint("encounter_id", "line_no"),
)

encounter_payments = Table(
    "encounter_payments", metadata,
    Column("id", String(ID), primary_key=True),
    _parent(),
    Column("receipt_no", String(CODE), nullable=False, unique=True),
    Column("kind", str_enum(PaymentKind), nullable=False),
    Column("method", str_enum(PaymentMethod), nullable=False),
    _text("reference", 100),
    Column("amount", money(), nullable=False),
    Column("at", DateTime, nullable=False),
    _text("operator_code"),
    _text("refund_of", ID),
    _text("reason", 500),
    _text("setl_id", ID),
    _text("visit_id", ID),
    Column("fund_amount", money(), nullable=False),
    _text("chrg_bchno", ID),
)
Index("ix_encounter_payments_encounter_id", encounter_payments.c.encounter_id)
Index("ix_encounter_payments_at", encounter_payments.c.at)

encounter_diagnoses = Table(
    "encounter_diagnoses", metadata,
    _parent(),
    Column("srt_no", Integer, nullable=False),
    _text("kind", 3),
    _text("code"),
    _text("name", NAME),
    Column("main", Boolean, nullable=False),
    Column("leg_seq", Integer, nullable=False),
    _text("doctor_code"),
    Column("at", DateTime, nullable=False),
    PrimaryKeyConstraint("encounter_id", "srt_no"),
)

receipt_counters = Table(
    "receipt_counters", metadata,
    Column("day", Date, primary_key=True),
    Column("last", Integer, nullable=False),
)
