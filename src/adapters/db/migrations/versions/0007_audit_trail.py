"""The audit trail: one row per authenticated RPC, append-only (triggers refuse UPDATE and DELETE).

Revision ID: 0007
Revises: 0006
Created: 2026-12-07

Frozen on purpose, like 0001: no application imports.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_REFUSAL = "audit_events is append-only"
_SQLITE_TRIGGERS = {
    name: f"CREATE TRIGGER {name} BEFORE {what} ON audit_events BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
    for name, what in (("audit_events_no_update", "UPDATE"), ("audit_events_no_delete", "DELETE"))
}
_PG_FUNCTION = (f"CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$")
_PG_TRIGGER = ("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_code", sa.String(30), nullable=False),
        sa.Column("operator_name", sa.String(200), nullable=False),
        sa.Column("operator_role", sa.String(30), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("permission", sa.String(40), nullable=False),
        sa.Column("peer", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("message", sa.String(300), nullable=False),
        sa.Column("visit_id", sa.String(50), nullable=False),
        sa.Column("mdtrt_id", sa.String(50), nullable=False),
        sa.Column("psn_no", sa.String(50), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_visit_id", "audit_events", ["visit_id"])
    op.create_index("ix_audit_events_mdtrt_id", "audit_events", ["mdtrt_id"])
    op.create_index("ix_audit_events_operator_code_id", "audit_events", ["operator_code", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        for statement in _SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_audit_events_operator_code_id", table_name="audit_events")
    op.drop_index("ix_audit_events_mdtrt_id", table_name="audit_events")
    op.drop_index("ix_audit_events_visit_id", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
