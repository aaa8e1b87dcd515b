"""Inpatient stays (住院): admission orders (住院证) and stays as documents with their lookup columns,
wards, beds and waiting entries as versioned rows, the per-day counters of 住院号 and deposit receipts.

Revision ID: 0020
Revises: 0019
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_orders',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_orders'))
    )
    with op.batch_alter_table('admission_orders', schema=None) as batch_op:
        batch_op.create_index('ix_admission_orders_encounter_id_issued_at', ['encounter_id', 'issued_at'], unique=False)

    op.create_table('inpatient_counters',
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('counter', 'day', name=op.f('pk_inpatient_counters'))
    )
    op.create_table('inpatient_stays',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('ipt_no', sa.String(length=30), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('live_order_id', sa.String(50), nullable=True),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('ward_code', sa.String(length=30), nullable=False),
    sa.Column('admitted_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inpatient_stays'))
    )
    with op.batch_alter_table('inpatient_stays', schema=None) as batch_op:
        batch_op.create_index('ix_inpatient_stays_encounter_id', ['encounter_id'], unique=False)
        batch_op.create_index('ix_inpatient_stays_ipt_no', ['ipt_no'], unique=True)
        batch_op.create_index('ix_inpatient_stays_live_order_id', ['live_order_id'], unique=True)
        batch_op.create_index('ix_inpatient_stays_patient_id_admitted_at', ['patient_id', 'admitted_at'], unique=False)
        batch_op.create_index('ix_inpatient_stays_ward_code_state', ['ward_code', 'state'], unique=False)

    op.create_table('ward_beds',
    sa.Column('ward_code', sa.String(length=30), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('stay_id', sa.String(50), nullable=True),
    sa.Column('since', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('ward_code', 'code', name=op.f('pk_ward_beds'))
    )
    with op.batch_alter_table('ward_beds', schema=None) as batch_op:
        batch_op.create_index('ix_ward_beds_stay_id', ['stay_id'], unique=True)

    op.create_table('ward_waiting',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('ward_code', sa.String(length=30), nullable=False),
    sa.Column('stay_id', sa.String(length=50), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('condition', sa.String(20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_waiting'))
    )
    with op.batch_alter_table('ward_waiting', schema=None) as batch_op:
        batch_op.create_index('ix_ward_waiting_ward_code_state', ['ward_code', 'state'], unique=False)

    op.create_table('wards',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('dept_code', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wards'))
    )


def downgrade() -> None:
    op.drop_table('wards')
    with op.batch_alter_table('ward_waiting', schema=None) as batch_op:
        batch_op.drop_index('ix_ward_waiting_ward_code_state')

    op.drop_table('ward_waiting')
    with op.batch_alter_table('ward_beds', schema=None) as batch_op:
        batch_op.drop_index('ix_ward_beds_stay_id')

    op.drop_table('ward_beds')
    with op.batch_alter_table('inpatient_stays', schema=None) as batch_op:
        batch_op.drop_index('ix_inpatient_stays_ward_code_state')
        batch_op.drop_index('ix_inpatient_stays_patient_id_admitted_at')
        batch_op.drop_index('ix_inpatient_stays_live_order_id')
        batch_op.drop_index('ix_inpatient_stays_ipt_no')
        batch_op.drop_index('ix_inpatient_stays_encounter_id')

    op.drop_table('inpatient_stays')
    op.drop_table('inpatient_counters')
    with op.batch_alter_table('admission_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_admission_orders_encounter_id_issued_at')

    op.drop_table('admission_orders')
