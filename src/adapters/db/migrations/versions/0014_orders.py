"""The doctor's orders: exam requests over several body parts and the exam-item tables pricing them;
encounter charges that name the order (and piece of it) they came from, withdrawn lines kept; the 医保
registration each insured payment was settled under.

Revision ID: 0014
Revises: 0013
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exam_tables",
        sa.Column("exam_type", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("exam_type", "version", name=op.f("pk_exam_tables")),
    )
    op.create_table(
        "exam_requests",
        sa.Column("id", sa.String(50), nullable=False),
        sa.Column("encounter_id", sa.String(50), nullable=False),
        sa.Column("exam_type", sa.String(30), nullable=False),
        sa.Column("table_version", sa.Integer(), nullable=False),
        sa.Column("clinical_summary", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("diagnosis_code", sa.String(30), nullable=False),
        sa.Column("diagnosis_name", sa.String(200), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(30), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("has_contrast", sa.Boolean(), nullable=False),
        sa.Column("allergy_history", sa.Boolean(), nullable=False),
        sa.Column("previous_reaction", sa.Boolean(), nullable=False),
        sa.Column("consent_signed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_requests")),
    )
    with op.batch_alter_table("exam_requests") as batch:
        batch.create_index("ix_exam_requests_encounter_id", ["encounter_id"], unique=False)
    op.create_table(
        "exam_parts",
        sa.Column("request_id", sa.String(50), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("part_code", sa.String(30), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=True),
        sa.Column("performed_at", sa.DateTime(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("report_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["exam_requests.id"], name=op.f("fk_exam_parts_request_id_exam_requests"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("request_id", "no", name=op.f("pk_exam_parts")),
    )
    with op.batch_alter_table("encounter_charges") as batch:
        batch.add_column(sa.Column("order_id", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("order_item", sa.String(30), nullable=False, server_default=""))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("encounter_payments") as batch:
        batch.add_column(sa.Column("visit_id", sa.String(50), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("encounter_payments") as batch:
        batch.drop_column("visit_id")
    with op.batch_alter_table("encounter_charges") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("order_item")
        batch.drop_column("order_id")
    op.drop_table("exam_parts")
    op.drop_table("exam_requests")
    op.drop_table("exam_tables")
