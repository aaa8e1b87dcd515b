"""Encounters over the real composition root's storage and OutpatientService (`app` of
tests/integration/conftest.py: the simulator as the platform, the test database), with fakes of the
contexts they call (directory, patients, queues)."""
from __future__ import annotations

import pytest
from encounterkit import World

from domain.encounters import OldRegistration


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def keeping_world(app):
    return World(app, OldRegistration.KEPT)
