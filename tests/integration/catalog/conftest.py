"""The catalogue sync wired by the composition root, on the test database, against the simulator.

The run shares one database, and the catalogue kinds are a fixed set: every test starts from
empty catalogue tables (only these tests write them)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from adapters.yb_sim.platform import SimulatorPlatform
from ports.clock import Clock
from services.bootstrap import bootstrap
from services.settings import Settings


class MovableClock(Clock):
    """The simulator's time, moved by tests (a download expires one day after it was answered)."""

    def __init__(self):
        self.offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now().replace(microsecond=0) + self.offset


@pytest.fixture
def sim_clock():
    return MovableClock()


@pytest.fixture
def simulator(sim_clock):
    return SimulatorPlatform(clock=sim_clock)


@pytest.fixture
def clean_catalog(engine):
    from adapters.db.catalog_tables import catalog_items, catalog_sync_state, diagnosis_keys

    with engine.begin() as conn:
        conn.execute(delete(diagnosis_keys))
        conn.execute(delete(catalog_items))
        conn.execute(delete(catalog_sync_state))


@pytest.fixture
def app(database_url, simulator, clean_catalog):
    application = bootstrap(Settings(database_url=database_url), platform=simulator)
    yield application
    application.container.engine().dispose()


@pytest.fixture
def store(app):
    return app.container.catalog_store()
