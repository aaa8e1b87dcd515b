"""Alembic environment, driven by adapters.db.migrate (no alembic.ini)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from adapters.db.engine import make_engine
from adapters.db.tables import metadata
from adapters.db.types import EmptyAsNull, ExactDecimal, Lines


def _render_type(type_, obj, _autogen_context):
    """Autogenerate writes the application's own types as plain SQLAlchemy ones, so a revision
    stays valid whatever later happens to adapters.db.types."""
    if type_ != "type":
        return False
    if isinstance(obj, ExactDecimal):
        return (f"sa.Numeric({obj.precision}, {obj.scale})"
                f'.with_variant(sa.String({obj.precision + 2}), "sqlite")')
    if isinstance(obj, Lines):
        return "sa.Text()"
    if isinstance(obj, EmptyAsNull):
        return f"sa.String({obj.impl.length})"
    if isinstance(obj, sa.Enum) and not obj.native_enum:
        return f"sa.String({obj.length})"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_item=_render_type,
        # SQLite cannot ALTER most things: Alembic rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")
run_online()
