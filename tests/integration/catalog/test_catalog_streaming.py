"""The import streams: a file's rows never sit in memory together, whatever its size."""
from __future__ import annotations

import tracemalloc

from catalogkit import service

from adapters.yb_sim.handlers.catalogs import seed_kind

ROWS = 50_000
BATCH = 1_000


def test_a_50000_row_import_keeps_python_memory_to_a_few_batches(app, simulator, store):
    seed_kind(simulator._state, "disease", [ROWS])
    sync = service(app, batch_rows=BATCH)
    seed_kind(simulator._state, "tcm_syndrome", [10])
    sync.sync("tcm_syndrome")  # sign-in, statement caches, lazy imports: not part of the measure
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = sync.sync("disease")
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert result.lines == ROWS and store.count("disease") == ROWS
    # 50,000 rows as Python objects would take about 50 MB; three batches of 1,000 are in flight
    # (parsed ahead, being written, being built), plus the simulator's 1.4 MB zip in this process
    assert peak < 10 * 2**20, f"peak {peak / 2**20:.1f} MB above the baseline"
