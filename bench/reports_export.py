"""Child process of ./scripts/bench-reports: one full-period export (the report use case, as `his report`
runs it) into a file, measured on its own: seconds, the RSS before the export began (imports, the app)
and the peak RSS during the export. The peak is the kernel's high-water mark (VmHWM) reset just before
the export (writing 5 to /proc/self/clear_refs), so the start-up's own peak (the catalogue, the app)
does not hide the export's; where the reset is refused, ru_maxrss of the whole process. Prints one JSON line."""
from __future__ import annotations

import argparse
import json
import os
import resource
import time


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:  # pages resident now
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _high_water_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_high_water() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reports_export")
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--month", required=True)
    ap.add_argument("--kind", default="detail")
    ap.add_argument("--format", default="xlsx")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    from domain.reports import report_query
    from services.bootstrap import bootstrap
    from services.settings import Settings

    app = bootstrap(Settings(database_url=args.database_url))
    query = report_query(month=args.month)
    app.reports.summary(report_query(day=f"{args.month}-01"))  # first query: connections, compiled SQL
    before = _rss_mb()
    reset = _reset_high_water()
    began = time.perf_counter()
    with open(args.out, "wb") as out:
        rows = app.reports.export(query, args.kind, args.format, out)
    seconds = time.perf_counter() - began
    app.container.engine().dispose()
    print(json.dumps({"rows": rows, "seconds": seconds, "bytes": os.path.getsize(args.out),
                      "rss_before_mb": before,
                      "peak_rss_mb": _high_water_mb(), "peak_is_export_only": reset}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
