"""Inpatient stays, on the schema's one `metadata`. An admission order and a stay are each one row:
the columns they are found by, and the record whole as a JSON document (the stay's charges and
deposits travel with it, as the prescriptions' lines do). Beds and waiting entries are rows of their
own, each with its version: they are what two nurses race for."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from adapters.db.tables import CODE, ID, NAME, metadata
from adapters.db.types import EmptyAsNull, str_enum
from domain.inpatient import BedState, Condition, OrderState, StayState, WaitingState

admission_orders = Table(
    "admission_orders", metadata,
    Column("id", String(ID), primary_key=True),
    Column("encounter_id", String(ID), nullable=False),
    Column("patient_id", String(ID), nullable=False),
    Column("state", str_enum(OrderState), nullable=False),
    Column("planned_date", Date, nullable=False),
    Column("issued_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_admission_orders_encounter_id_issued_at", "encounter_id", "issued_at"),
)

inpatient_stays = Table(
    "inpatient_stays", metadata,
    Column("id", String(ID), primary_key=True),
    Column("ipt_no", String(CODE), nullable=False),
    Column("patient_id", String(ID), nullable=False),
    Column("encounter_id", String(ID), nullable=False),
    # the order while the stay is live; NULL once cancelled, so an order serves one live admission
    Column("live_order_id", EmptyAsNull(ID), nullable=True),
    Column("state", str_enum(StayState), nullable=False),
    Column("ward_code", String(CODE), nullable=False),
    Column("admitted_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_inpatient_stays_ipt_no", "ipt_no", unique=True),
    Index("ix_inpatient_stays_live_order_id", "live_order_id", unique=True),
    Index("ix_inpatient_stays_patient_id_admitted_at", "patient_id", "admitted_at"),
    Index("ix_inpatient_stays_encounter_id", "encounter_id"),
    Index("ix_inpatient_stays_ward_code_state", "ward_code", "state"),
)

wards = Table(
    "wards", metadata,
    Column("code", String(CODE), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("dept_code", String(CODE), nullable=False),
)

ward_beds = Table(
    "ward_beds", metadata,
    Column("ward_code", String(CODE), nullable=False),
    Column("code", String(CODE), nullable=False),
    Column("state", str_enum(BedState), nullable=False),
    Column("stay_id", EmptyAsNull(ID), nullable=True),  # one bed per stay: unique when set
    Column("since", DateTime, nullable=True),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("ward_code", "code"),
    Index("ix_ward_beds_stay_id", "stay_id", unique=True),
)

ward_waiting = Table(
    "ward_waiting", metadata,
    Column("id", String(ID), primary_key=True),
    Column("ward_code", String(CODE), nullable=False),
    Column("stay_id", String(ID), nullable=False),
    Column("patient_id", String(ID), nullable=False),
    Column("condition", str_enum(Condition), nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("state", str_enum(WaitingState), nullable=False),
    Column("closed_at", DateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_ward_waiting_ward_code_state", "ward_code", "state"),
)

inpatient_counters = Table(
    "inpatient_counters", metadata,
    Column("counter", String(20), nullable=False),
    Column("day", Date, nullable=False),
    Column("last", Integer, nullable=False),
    PrimaryKeyConstraint("counter", "day"),
)
