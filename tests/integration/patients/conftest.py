"""The patient index wired by the real composition root on the test database, with the in-memory
simulator answering 1101 and a clock that moves one second per reading."""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta

import pytest
from dependency_injector import providers

from adapters.yb_sim.platform import SimulatorPlatform
from domain.operator import Operator
from domain.patients import id_card_check_digit
from services.bootstrap import bootstrap
from services.settings import Settings

StepClock = sys.modules["tests_shared_fakes"].StepClock
REGISTRAR = Operator(code="R01", name="挂号甲", role="registrar")
_random = random.Random()


@pytest.fixture
def app(database_url):
    application = bootstrap(Settings(database_url=database_url), platform=SimulatorPlatform())
    application.container.clock.override(providers.Object(StepClock()))
    yield application
    application.container.engine().dispose()


@pytest.fixture
def registry(app):
    return app.patients


@pytest.fixture
def op():
    return REGISTRAR


def new_id_number(gender: str = "1") -> str:
    """A valid 身份证 number not used before in this run (the database is shared by every test)."""
    born = date(1950, 1, 1) + timedelta(days=_random.randrange(20000))
    sequence = f"{_random.randrange(100):02d}{_random.choice('13579' if gender == '1' else '02468')}"
    first17 = f"4201{_random.randrange(10, 99)}{born:%Y%m%d}{sequence}"
    return first17 + id_card_check_digit(first17)


def new_phone() -> str:
    return f"139{_random.randrange(10 ** 8):08d}"


def new_card() -> str:
    return f"MZ{_random.randrange(10 ** 12):012d}"


@pytest.fixture
def kit():
    class Kit:
        id_number = staticmethod(new_id_number)
        phone = staticmethod(new_phone)
        card = staticmethod(new_card)
    return Kit
