"""The whole stack as a user runs it: gRPC server from the composition root, the HTTP platform
adapter, the simulator's HTTP front on a real socket, the test database."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import grpc
import pytest
from dependency_injector import providers

from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from services.bootstrap import App, bootstrap
from services.settings import PlatformSettings, Settings

TOKEN = "demo-token"


@dataclass
class Stack:
    app: App
    simulator: SimulatorPlatform
    channel: grpc.Channel
    metadata: tuple


@pytest.fixture
def stack(database_url):
    with running_stack(database_url) as running:
        yield running


@pytest.fixture
def start_stack(database_url):
    """start_stack(simulator=None, read_timeout=1.0): a context manager running the whole stack (around
    that simulator), for a test that must see it torn down too."""
    return lambda simulator=None, read_timeout=1.0, clock=None, **settings: running_stack(
        database_url, simulator, read_timeout, clock, **settings)


@contextmanager
def running_stack(database_url: str, simulator: SimulatorPlatform | None = None,
                  read_timeout: float = 1.0, clock=None, **more) -> Iterator[Stack]:
    """The whole stack, torn down (signed out, closed) when the block ends; `clock`: the server's
    (give the simulator the same); `more`: further Settings (operators, encounters ...)."""
    simulator = simulator or SimulatorPlatform()
    front = SimulatorHttpFront(simulator, paasid="e2e", token="e2e-secret")
    front.start()
    settings = Settings(database_url=database_url, platform=PlatformSettings(
        kind="http", url=front.url, paasid="e2e", token="e2e-secret", read_timeout=read_timeout, connect_timeout=1.0,
        in_flight_margin=0.0), **more)  # these faults commit before the reply is lost: nothing arrives later
    app = bootstrap(settings)
    if clock is not None:
        app.container.clock.override(providers.Object(clock))
    server, port = app.server(address="127.0.0.1:0", max_workers=8)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield Stack(app, simulator, channel, (("authorization", f"Bearer {TOKEN}"),))
    finally:
        channel.close()
        server.stop(grace=None)
        app.close()
        front.stop()
