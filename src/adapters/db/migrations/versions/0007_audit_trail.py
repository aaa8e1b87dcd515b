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

_TEXT_COLUMNS = (("operator_code", 30), ("operator_name", 200), ("operator_role", 30), ("method", 100),
                 ("permission", 40), ("peer", 200), ("outcome", 30), ("message", 300), ("visit_id", 50),
                 ("mdtrt_id", 50), ("psn_no", 50), ("request_id", 64))
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
        *(sa.Column(name, sa.String(length), nullable=False) for name, length in _TEXT_COLUMNS),
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
