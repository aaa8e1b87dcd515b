"""Building blocks of the catalogue tests: the simulator's rows and a sync service with test knobs."""
from __future__ import annotations

from adapters.yb_sim.catalog_data import generate, kind as sim_kind
from services.catalog_sync import CatalogSyncService


def code_of(kind: str, i: int, version: str) -> str:
    """The code of synthetic row i of a kind (codes do not depend on the version)."""
    spec = sim_kind(kind)
    return next(generate(kind, 1, i, version))[spec.code_key]


def service(app, store=None, batch_rows: int = 500) -> CatalogSyncService:
    """The app's sync wiring, with another store or batch size."""
    c = app.container
    return CatalogSyncService(c.catalog_gateway(), store or c.catalog_store(), c.clock(), c.catalogue(),
                              app.settings.institution.fixmedins_code, app.settings.system_operator.operator(),
                              batch_rows=batch_rows)
