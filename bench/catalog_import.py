"""Child process of ./scripts/bench-catalog: one `his catalog sync` of a kind into a migrated database,
over HTTP, in a fresh interpreter so its peak RSS is its own. Prints one JSON line."""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from bench.catalog_sim import PAASID, TOKEN
from services.bootstrap import bootstrap
from services.settings import Settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.catalog_import")
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--platform", required=True, help="the simulator front's endpoint URL")
    ap.add_argument("--kind", required=True)
    ap.add_argument("--batch-rows", type=int, default=0)
    args = ap.parse_args(argv)
    settings = Settings(database_url=args.database_url, platform={
        "kind": "http", "url": args.platform, "paasid": PAASID, "token": TOKEN, "read_timeout": 600})
    app = bootstrap(settings)
    sync = app.catalog_sync
    if args.batch_rows:
        sync.batch_rows = args.batch_rows
    try:
        began = time.perf_counter()
        result = sync.sync(args.kind)  # sign-in, 13xx, 9102 (download), the streamed import
        seconds = time.perf_counter() - began
        stored = app.container.catalog_store().count(result.kind.name)
    finally:
        sync.close()
        app.close()
    t = result.tally
    print(json.dumps({"rows": result.lines, "stored": stored, "seconds": seconds, "added": t.added,
                      "changed": t.changed, "stopped": t.stopped, "skipped": t.skipped,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
