"""Shared fixtures. The database ones import the adapters lazily: unit tests never touch them.

One migrated database serves the whole run, so tests use unique ids (uuid4) and never assume
empty tables. HIS_TEST_DATABASE_URL=postgresql+psycopg://... runs them on PostgreSQL (its
`public` schema is wiped first); otherwise a fresh SQLite file is used.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

DATABASE_URL_ENV = "HIS_TEST_DATABASE_URL"
# The in-memory simulator commits before it answers or fails: once its reply is lost nothing more
# can arrive, so tests settle doubt at once unless they set a window themselves (the tests of the
# in-flight window do, and so does every test of a platform that commits late).
os.environ.setdefault("HIS_PLATFORM__IN_FLIGHT_MARGIN", "0")


def _register(name: str, path: Path) -> None:
    """A helper module of the tests under a name of its own: a bare `import fakes` would find
    whichever folder's fakes.py comes first on the path."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


_register("tests_shared_fakes", Path(__file__).with_name("fakes.py"))  # the storage ports' fakes
_register("tests_grpc_fakes", Path(__file__).parent / "grpc" / "fakes.py")  # the use cases' fakes, for the gRPC layer
_register("tests_doctor_station_fakes", Path(__file__).with_name("fakes_doctor_station.py"))  # the called contexts' fakes
_register("tests_fake_ris", Path(__file__).with_name("fake_ris.py"))  # a radiology system on a real MLLP socket
_register("tests_fake_pharmacy", Path(__file__).with_name("fake_pharmacy.py"))  # a pharmacy playing 处方流转


def _configured_url() -> str:
    return os.environ.get(DATABASE_URL_ENV, "").strip()


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if _is_postgres(_configured_url()):
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL: set {DATABASE_URL_ENV}")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _postgres_admin(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    from sqlalchemy.engine import make_url

    from adapters.db import migrate

    url = _configured_url()
    worker_db = None
    if _is_postgres(url):
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # pytest-xdist: a database per worker, so workers do not wipe each other's
            parsed = make_url(url)
            worker_db = f"{parsed.database}_{worker}"
            _postgres_admin(url, f'DROP DATABASE IF EXISTS "{worker_db}" WITH (FORCE)',
                            f'CREATE DATABASE "{worker_db}"')
            admin_url, url = url, parsed.set(database=worker_db).render_as_string(hide_password=False)
        else:
            _postgres_admin(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    elif not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'his.db'}"
    migrate.upgrade(url)
    yield url
    if worker_db:
        _postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{worker_db}" WITH (FORCE)')


@pytest.fixture(scope="session")
def engine(database_url):
    from adapters.db.engine import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def session_factory(engine):
    from adapters.db.engine import make_session_factory

    return make_session_factory(engine)


@pytest.fixture
def sql_uow(session_factory):
    from adapters.db.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork(session_factory)
