"""Doubtful outcomes settled for real: who sent each journal entry, its in-flight window and retry
schedule; the processes that send (heartbeats) and leases (one acting resolver per database).

Revision ID: 0006
Revises: 0005
Created: 2026-12-06

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("owner", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("in_flight_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "his_instances",
        sa.Column("instance_id", sa.String(40), nullable=False),
        sa.Column("host", sa.String(200), nullable=False, server_default=""),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("instance_id", name="pk_his_instances"),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("holder", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("his_instances")
    with op.batch_alter_table("journal") as batch:
        for name in ("attempts", "retry_at", "in_flight_until", "owner"):
            batch.drop_column(name)
