"""Settlement lists (医疗保障基金结算清单, 4101a): one document row per settlement, found by its state and
deadline (the 医保办's worklist), its stay and its patient.

Revision ID: 0024
Revises: 0021
Created: 2026-12-08

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0024"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settlement_lists',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('stay_id', sa.String(length=50), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('setl_id', sa.String(length=50), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_lists'))
    )
    with op.batch_alter_table('settlement_lists', schema=None) as batch_op:
        batch_op.create_index('ix_settlement_lists_patient_id_created_at', ['patient_id', 'created_at'], unique=False)
        batch_op.create_index('ix_settlement_lists_setl_id', ['setl_id'], unique=True)
        batch_op.create_index('ix_settlement_lists_state_deadline', ['state', 'deadline'], unique=False)
        batch_op.create_index('ix_settlement_lists_stay_id', ['stay_id'], unique=False)


def downgrade() -> None:
    op.drop_table('settlement_lists')
