"""Prescriptions (处方) and their circulation (处方流转): one row per prescription, the document whole.

Revision ID: 0016
Revises: 0015
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prescriptions',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('hi_rxno', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prescriptions'))
    )
    with op.batch_alter_table('prescriptions', schema=None) as batch_op:
        batch_op.create_index('ix_prescriptions_encounter_id_created_at', ['encounter_id', 'created_at'], unique=False)
        batch_op.create_index('ix_prescriptions_hi_rxno', ['hi_rxno'], unique=True)


def downgrade() -> None:
    op.drop_table('prescriptions')
