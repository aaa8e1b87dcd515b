"""The platform contract runs against the in-memory simulator and against the HTTP adapter talking
to the simulator's HTTP front over a real socket: one suite, two adapters."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from domain.institution import Institution
from ports.catalogue import load_catalogue
from ports.platform import Platform

PAASID, TOKEN = "his-contract", "contract-secret"
READ_TIMEOUT = 1.0  # the HTTP adapter's patience; timeouts injected below are longer


@dataclass
class Rig:
    platform: Platform  # what the tests talk to
    simulator: SimulatorPlatform  # where faults are injected and state is inspected
    kind: str


@pytest.fixture(params=["memory", "http"])
def rig(request):
    simulator = SimulatorPlatform()
    if request.param == "memory":
        yield Rig(simulator, simulator, "memory")
        return
    front = SimulatorHttpFront(simulator, paasid=PAASID, token=TOKEN)
    front.start()
    platform = HttpPlatform(HttpSettings(url=front.url, paasid=PAASID, token=TOKEN, connect_timeout=1.0,
                                         read_timeout=READ_TIMEOUT), Institution(), load_catalogue())
    try:
        yield Rig(platform, simulator, "http")
    finally:
        platform.close()
        front.stop()
