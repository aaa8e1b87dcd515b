"""Encounters over the real composition root's storage and OutpatientService (the simulator as the
platform, the test database), with fakes of the contexts built in parallel (directory, patients, queues)."""
from __future__ import annotations

import pytest
from encounterkit import World

from adapters.yb_sim.platform import SimulatorPlatform
from domain.encounters import OldRegistration
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


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def keeping_world(app):
    return World(app, OldRegistration.KEPT)
