"""Inpatient stays over the real composition root's storage and EncounterService (`app` of
tests/integration/conftest.py), with fakes of the directory, patients and queues."""
from __future__ import annotations

import pytest
from inpatientkit import World


@pytest.fixture
def world(app):
    return World(app)
