"""The app of the master-data tests on the database: `his serve`'s composition with the simulator as the
platform (kept as `app.sim`, so a test reads what reached it)."""
from __future__ import annotations

import pytest

from adapters.yb_sim.platform import SimulatorPlatform
from services.bootstrap import bootstrap
from services.settings import Settings


@pytest.fixture(scope="module")
def app(database_url):
    sim = SimulatorPlatform()
    app = bootstrap(Settings(database_url=database_url), platform=sim)
    app.sim = sim
    yield app
    app.close()
