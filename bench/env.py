"""Backends and the running stack: database, simulator HTTP front, app, gRPC server — all local."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.db import migrate
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from services.bootstrap import App, bootstrap
from services.settings import PlatformSettings, Settings

# HIS_BENCH_PG_DB: another name, so that benchmarks of several checkouts can share one server
BENCH_DB = os.environ.get("HIS_BENCH_PG_DB", "") or "his_bench"
PAASID, GATEWAY_TOKEN = "bench", "bench-secret"


def postgres_problem(admin_url: str) -> str:
    """Why PostgreSQL cannot be used ("" when it can)."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return ""
    except Exception as exc:  # noqa: BLE001 - any failure means "skip with a note"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        engine.dispose()


@contextmanager
def database(backend: str, admin_url: str, name: str = BENCH_DB):
    """A fresh, migrated database URL for `backend` (PostgreSQL database `name`); removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"{name.replace('_', '-')}-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            migrate.upgrade(url)
            yield url
        return
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def admin_sql(statement: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(statement))
    try:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_sql(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        yield url
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class Stack:
    app: App
    simulator: SimulatorPlatform
    front: SimulatorHttpFront
    target: str  # the gRPC server, host:port
    settings: Settings


def _without_nagle(front: SimulatorHttpFront) -> None:
    """The front writes a reply's headers and body in two sends; with Nagle on, the body waits for
    the client's delayed ACK (~40 ms on Linux loopback) and that stall would swamp every figure.
    A subclass for this instance only: the simulator's module is left as it is."""
    server = front._server  # noqa: SLF001 - the bench's own instance
    base = server.RequestHandlerClass
    server.RequestHandlerClass = type(f"{base.__name__}NoDelay", (base,), {"disable_nagle_algorithm": True})


@contextmanager
def stack(database_url: str, nagle: bool = False):
    """What scripts/serve runs, on ephemeral 127.0.0.1 ports, with the platform behind real HTTP."""
    simulator = SimulatorPlatform()
    front = SimulatorHttpFront(simulator, host="127.0.0.1", port=0, paasid=PAASID, token=GATEWAY_TOKEN)
    if not nagle:
        _without_nagle(front)
    front.start()
    settings = Settings(database_url=database_url, platform=PlatformSettings(
        kind="http", url=front.url, paasid=PAASID, token=GATEWAY_TOKEN))
    app = bootstrap(settings)
    server, port = app.server(address="127.0.0.1:0")  # wired as `his serve` wires it
    if settings.resolver.enabled:  # and, as there, with the resolver of doubtful calls in the background
        app.start_resolver()
    server.start()
    try:
        yield Stack(app, simulator, front, f"127.0.0.1:{port}", settings)
    finally:
        server.stop(grace=None).wait()
        try:
            app.close()
        finally:
            front.stop()
