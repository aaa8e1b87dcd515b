"""Schema migrations, run in code: the migration scripts ship inside this package.

    python -m adapters.db.migrate upgrade URL
    python -m adapters.db.migrate current URL
    python -m adapters.db.migrate revision URL "what changed"   # autogenerate; review the result
"""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from adapters.db.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser interpolation
    if connection is not None:
        config.attributes["connection"] = connection  # env.py uses it instead of its own engine
    return config


@contextmanager
def _migration_connection(url: str) -> Iterator[Connection]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Batch migrations rebuild a table by copy, drop and rename; with foreign keys
                # enforced the drop would cascade into the child rows. The engine is private to
                # this call, so the setting dies with it.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            yield conn
            conn.commit()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    with _migration_connection(url) as conn:
        command.upgrade(_config(url, conn), revision)


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config("sqlite://")).get_current_head()


def is_up_to_date(url: str) -> bool:
    return current_revision(url) == head_revision()


def make_revision(url: str, message: str) -> None:
    """Autogenerate a new script by comparing `url` (at head) with tables.metadata."""
    with _migration_connection(url) as conn:
        command.revision(_config(url, conn), message=message, autogenerate=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m adapters.db.migrate")
    parser.add_argument("action", choices=["upgrade", "current", "revision"])
    parser.add_argument("url")
    parser.add_argument("message", nargs="?", default="")
    args = parser.parse_args(argv)
    if args.action == "upgrade":
        upgrade(args.url)
    elif args.action == "current":
        print(current_revision(args.url) or "(empty)")
    else:
        make_revision(args.url, args.message or "change")


if __name__ == "__main__":
    main()
