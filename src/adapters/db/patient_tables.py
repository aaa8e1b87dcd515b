"""The patient index's tables (migration 0010). Identity numbers, phones and addresses are held
only sealed (`*_sealed`, AES-GCM) with a keyed digest beside those looked up by equality; names and
birth dates are in clear, as every clinician sees them and lists are ordered by them."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table

from adapters.db.catalog_tables import _prefix_text as _name_text  # names are listed by prefix, like diagnoses
from adapters.db.tables import metadata

NAME = 200
DIGEST = 64  # HMAC-SHA256, hex


patients = Table(
    "patients", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", _name_text(NAME), nullable=False),
    Column("gender", String(2), nullable=False),
    Column("birth_date", Date, nullable=True),
    Column("phone_sealed", LargeBinary, nullable=True),
    Column("phone_digest", String(DIGEST), nullable=True),
    Column("address_sealed", LargeBinary, nullable=True),
    # the last 1101 read (none: a self-pay patient)
    Column("psn_no", String(50), nullable=True),
    Column("insutypes", String(200), nullable=True),
    Column("insuplc_admdvs", String(30), nullable=True),
    Column("insurance_read_at", DateTime, nullable=True),
    Column("merged_into", String(36), nullable=True),
    Column("version", Integer, nullable=False),
    Column("request_key", String(100), nullable=True, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_patients_name_id", "name", "id"),
    Index("ix_patients_name_birth_date", "name", "birth_date"),
    Index("ix_patients_merged_into", "merged_into"),
)

patient_identifiers = Table(
    "patient_identifiers", metadata,
    # one identifier, one patient: the key is the identifier itself (its digest)
    Column("kind", String(30), primary_key=True),
    Column("digest", String(DIGEST), primary_key=True),
    Column("patient_id", String(36), ForeignKey("patients.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
)

patient_revisions = Table(
    "patient_revisions", metadata,
    Column("patient_id", String(36), ForeignKey("patients.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("operator_code", String(50), nullable=False),
    Column("action", String(20), nullable=False),
    Column("detail", String(200), nullable=False),
    Column("changed", String(200), nullable=False),
    Column("snapshot_sealed", LargeBinary, nullable=False),  # the record as it stood, JSON, sealed
)
