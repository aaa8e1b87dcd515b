"""The service layer wired by the real composition root, on the test database, with the
simulator as the platform (in memory; the HTTP path is covered by the contract and e2e suites).
A folder that needs another wiring defines its own `app`."""
from __future__ import annotations

import pytest

from adapters.yb_sim.platform import SimulatorPlatform
from services.bootstrap import bootstrap
from services.settings import Settings


@pytest.fixture
def simulator():
    return SimulatorPlatform()


@pytest.fixture
def app(database_url, simulator):
    application = bootstrap(Settings(database_url=database_url), platform=simulator)
    yield application
    application.container.engine().dispose()
