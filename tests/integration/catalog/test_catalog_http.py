"""The sync over the platform's wire format: the simulator's HTTP front and the HTTP adapter."""
from __future__ import annotations

import pytest

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim.handlers.catalogs import seed_kind
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from ports.catalogue import load_catalogue
from services.bootstrap import bootstrap
from services.settings import Settings

PAASID, TOKEN = "his-catalog", "catalog-secret"


@pytest.fixture
def over_http(database_url, clean_catalog):
    simulator = SimulatorPlatform()
    front = SimulatorHttpFront(simulator, paasid=PAASID, token=TOKEN)
    front.start()
    settings = Settings(database_url=database_url)
    # a 1 KiB in-memory limit: every download takes the temporary-file path
    platform = HttpPlatform(HttpSettings(url=front.url, paasid=PAASID, token=TOKEN, download_in_memory=1024),
                            settings.institution.institution(), load_catalogue())
    bodies = []
    execute = platform.execute

    def spy(request):
        reply = execute(request)
        if request.infno == "9102":
            bodies.append(reply.output["file"])
        return reply

    platform.execute = spy
    app = bootstrap(settings, platform=platform)
    try:
        yield simulator, app, bodies
    finally:
        app.container.engine().dispose()
        platform.close()
        front.stop()


def test_a_download_streamed_to_a_temporary_file_is_imported_and_closed(over_http):
    simulator, app, bodies = over_http
    seed_kind(simulator._state, "chronic", [3000, 500])
    result = app.catalog_sync.sync("chronic")
    assert result.lines == 3500 and result.tally.added == 3500
    assert app.container.catalog_store().count("chronic") == 3500
    assert len(bodies) == 1 and not isinstance(bodies[0], bytes) and bodies[0].closed


def test_only_the_sync_streams_downloads_to_files(database_url):
    # the journal of the main gateway writes 9102 bodies as JSON: its platform keeps answering bytes
    settings = Settings(database_url=database_url, platform={"kind": "http", "url": "http://127.0.0.1:9/none"})
    app = bootstrap(settings)
    try:
        assert app.container.platform().settings.download_in_memory is None
        streaming = app.container.catalog_platform()
        assert streaming.settings.download_in_memory == 1 << 20
        assert streaming.transport is app.container.platform().transport  # one connection pool
    finally:
        app.close()
