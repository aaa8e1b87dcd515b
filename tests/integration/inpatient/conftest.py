"""Inpatient stays over the real composition root's storage and EncounterService (`app` of
tests/integration/conftest.py), with fakes of the directory, patients and queues."""
from __future__ import annotations

import pytest
from inpatientkit import World

from services.inpatient import PlatformStayInsurance


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def insured_world(app):
    """A World whose insured stays go to the platform (the in-memory simulator) through the 医保 side."""
    world = World(app)
    world.service.insurance = PlatformStayInsurance(app.inpatient_insurance, world.encounters, world.directory,
                                                    app.clock)
    return world
