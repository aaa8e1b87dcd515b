"""Outpatient encounters for every patient: legs (the visit's path), transfers, charges, payments,
diagnoses, and the per-day receipt counters.

Revision ID: 0012
Revises: 0011
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('encounters',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('patient_id', sa.String(length=50), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('registered_by', sa.String(length=30), nullable=False),
    sa.Column('reg_type', sa.String(length=20), nullable=False),
    sa.Column('coverage', sa.String(20), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('psn_no', sa.String(length=50), nullable=False),
    sa.Column('insutype', sa.String(length=30), nullable=False),
    sa.Column('med_type', sa.String(length=30), nullable=False),
    sa.Column('mdtrt_cert_type', sa.String(length=30), nullable=False),
    sa.Column('mdtrt_cert_no', sa.String(length=600), nullable=False),
    sa.Column('visit_id', sa.String(length=50), nullable=False),
    sa.Column('mdtrt_id', sa.String(length=50), nullable=False),
    sa.Column('ipt_otp_no', sa.String(50), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounters'))
    )
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.create_index('ix_encounters_ipt_otp_no', ['ipt_otp_no'], unique=True)
        batch_op.create_index('ix_encounters_patient_id_registered_at_id', ['patient_id', 'registered_at', 'id'], unique=False)
        batch_op.create_index('ix_encounters_state', ['state'], unique=False)

    op.create_table('receipt_counters',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_receipt_counters'))
    )
    op.create_table('encounter_charges',
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=50), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('national_code', sa.String(length=50), nullable=False),
    sa.Column('unit_price', sa.Numeric(16, 6).with_variant(sa.String(18), "sqlite"), nullable=False),
    sa.Column('quantity', sa.Numeric(16, 4).with_variant(sa.String(18), "sqlite"), nullable=False),
    sa.Column('amount', sa.Numeric(16, 2).with_variant(sa.String(18), "sqlite"), nullable=False),
    sa.Column('leg_seq', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('registration_fee', sa.Boolean(), nullable=False),
    sa.Column('payment_id', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_charges_encounter_id_encounters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'line_no', name=op.f('pk_encounter_charges'))
    )
    op.create_table('encounter_diagnoses',
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('srt_no', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('main', sa.Boolean(), nullable=False),
    sa.Column('leg_seq', sa.Integer(), nullable=False),
    sa.Column('doctor_code', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_diagnoses_encounter_id_encounters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'srt_no', name=op.f('pk_encounter_diagnoses'))
    )
    op.create_table('encounter_legs',
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('clinic_code', sa.String(length=30), nullable=False),
    sa.Column('dept_code', sa.String(length=30), nullable=False),
    sa.Column('doctor_code', sa.String(length=30), nullable=False),
    sa.Column('queue_entry_id', sa.String(length=50), nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('visit_id', sa.String(length=50), nullable=False),
    sa.Column('mdtrt_id', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_legs_encounter_id_encounters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'seq', name=op.f('pk_encounter_legs'))
    )
    with op.batch_alter_table('encounter_legs', schema=None) as batch_op:
        batch_op.create_index('ix_encounter_legs_clinic_code_started_at', ['clinic_code', 'started_at'], unique=False)

    op.create_table('encounter_payments',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('receipt_no', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(20), nullable=False),
    sa.Column('method', sa.String(20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.Numeric(16, 2).with_variant(sa.String(18), "sqlite"), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('operator_code', sa.String(length=30), nullable=False),
    sa.Column('refund_of', sa.String(length=50), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('setl_id', sa.String(length=50), nullable=False),
    sa.Column('fund_amount', sa.Numeric(16, 2).with_variant(sa.String(18), "sqlite"), nullable=False),
    sa.Column('chrg_bchno', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_payments_encounter_id_encounters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_payments')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_encounter_payments_receipt_no'))
    )
    with op.batch_alter_table('encounter_payments', schema=None) as batch_op:
        batch_op.create_index('ix_encounter_payments_at', ['at'], unique=False)
        batch_op.create_index('ix_encounter_payments_encounter_id', ['encounter_id'], unique=False)

    op.create_table('encounter_transfers',
    sa.Column('encounter_id', sa.String(length=50), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('from_leg', sa.Integer(), nullable=False),
    sa.Column('to_leg', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.String(length=30), nullable=False),
    sa.Column('sent_by_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('new_registration', sa.Boolean(), nullable=False),
    sa.Column('old_visit_id', sa.String(length=50), nullable=False),
    sa.Column('old_registration', sa.String(20), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_transfers_encounter_id_encounters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('encounter_id', 'seq', name=op.f('pk_encounter_transfers'))
    )
    with op.batch_alter_table('encounter_transfers', schema=None) as batch_op:
        batch_op.create_index('ix_encounter_transfers_at', ['at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('encounter_transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_encounter_transfers_at')

    op.drop_table('encounter_transfers')
    with op.batch_alter_table('encounter_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_encounter_payments_encounter_id')
        batch_op.drop_index('ix_encounter_payments_at')

    op.drop_table('encounter_payments')
    with op.batch_alter_table('encounter_legs', schema=None) as batch_op:
        batch_op.drop_index('ix_encounter_legs_clinic_code_started_at')

    op.drop_table('encounter_legs')
    op.drop_table('encounter_diagnoses')
    op.drop_table('encounter_charges')
    op.drop_table('receipt_counters')
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.drop_index('ix_encounters_state')
        batch_op.drop_index('ix_encounters_patient_id_registered_at_id')
        batch_op.drop_index('ix_encounters_ipt_otp_no')

    op.drop_table('encounters')
