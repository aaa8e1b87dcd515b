from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.db import migrate
from adapters.db.tables import metadata


def test_migrated_database_matches_the_tables(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_database_is_at_head_and_upgrading_again_changes_nothing(database_url):
    assert migrate.head_revision() == "0025"
    assert migrate.current_revision(database_url) == migrate.head_revision()
    migrate.upgrade(database_url)
    assert migrate.is_up_to_date(database_url)


def test_migration_scripts_sit_in_the_package():
    names = {p.name for p in migrate.MIGRATIONS_DIR.rglob("*") if "__pycache__" not in p.parts}
    assert {"env.py", "script.py.mako", "__init__.py", "0001_initial.py"} <= names
