"""Fixtures for the simulator tests (helpers live in simkit.py)."""
from __future__ import annotations

import pytest
from simkit import Driver, FixedClock

from adapters.yb_sim import SimulatorPlatform


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def sim(clock) -> SimulatorPlatform:
    return SimulatorPlatform(clock=clock)


@pytest.fixture
def his(sim) -> Driver:
    driver = Driver(sim)
    driver.sign_in()
    return driver
