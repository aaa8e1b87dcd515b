"""The patient index: patients, their identifiers (sealed, with keyed digests) and revisions.

Revision ID: 0010
Revises: 0009
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _name_text(length: int) -> sa.String:
    return (sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")
            .with_variant(sa.String(length, collation="NOCASE"), "sqlite"))


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", _name_text(200), nullable=False),
        sa.Column("gender", sa.String(2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("phone_digest", sa.String(64), nullable=True),
        sa.Column("address_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("psn_no", sa.String(50), nullable=True),
        sa.Column("insutypes", sa.String(200), nullable=True),
        sa.Column("insuplc_admdvs", sa.String(30), nullable=True),
        sa.Column("insurance_read_at", sa.DateTime(), nullable=True),
        sa.Column("merged_into", sa.String(36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_key", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("request_key", name="uq_patients_request_key"),
    )
    op.create_index("ix_patients_name_id", "patients", ["name", "id"])
    op.create_index("ix_patients_name_birth_date", "patients", ["name", "birth_date"])
    op.create_index("ix_patients_merged_into", "patients", ["merged_into"])
    op.create_table(
        "patient_identifiers",
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("patient_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "digest", name="pk_patient_identifiers"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_patient_identifiers_patient_id_patients"),
    )
    op.create_index("ix_patient_identifiers_patient_id", "patient_identifiers", ["patient_id"])
    op.create_table(
        "patient_revisions",
        sa.Column("patient_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_code", sa.String(50), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("changed", sa.String(200), nullable=False),
        sa.Column("snapshot_sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", "version", name="pk_patient_revisions"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_patient_revisions_patient_id_patients"),
    )


def downgrade() -> None:
    op.drop_table("patient_revisions")
    op.drop_index("ix_patient_identifiers_patient_id", table_name="patient_identifiers")
    op.drop_table("patient_identifiers")
    op.drop_index("ix_patients_merged_into", table_name="patients")
    op.drop_index("ix_patients_name_birth_date", table_name="patients")
    op.drop_index("ix_patients_name_id", table_name="patients")
    op.drop_table("patients")
