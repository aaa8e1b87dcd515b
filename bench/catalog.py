"""./scripts/bench-catalog: one big catalogue version through the real `his catalog sync` (HTTP front,
9102 download, streamed import) on SQLite and PostgreSQL, beside a PostgreSQL COPY of the same rows.

Each import and the COPY run in a fresh child process (bench.catalog_import, bench.catalog_copy), so
each peak RSS is that process's own; the simulator and its front stay in this one.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import catalog_sim, env

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "his_bench_catalog"  # not the flow benchmark's his_bench: both may run at once
GOAL_VS_COPY, GOAL_RSS_MB = 0.5, 200
ROOT = Path(__file__).resolve().parent.parent


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench-catalog", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the version (default 1,000,000)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--kind", default="disease", help="the simulator kind to download (default disease, 1307)")
    ap.add_argument("--batch-rows", type=int, default=0, help="rows per committed batch (default: the service's)")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help=f"an existing PostgreSQL database to connect to for CREATE/DROP DATABASE {BENCH_DB}")
    args = ap.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if set(args.backends) - {"sqlite", "postgres"} or not args.backends:
        ap.error("--backends takes sqlite and/or postgres")
    if not 1 <= args.rows <= 50_000_000:
        ap.error("--rows must be 1..50000000")
    return args


def _child(module: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:  # the first column left, the figures right
        return " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores; "
          f"kind {args.kind}, {args.rows:,} rows in one version", flush=True)
    results: list[tuple[str, dict]] = []
    notes: list[str] = []
    with catalog_sim.platform(args.kind, args.rows) as (url, zip_path, prepared):
        print(f"simulator: zip of {zip_path.stat().st_size / 2**20:.1f} MB written and downloaded once in "
              f"{prepared:.1f} s (not part of any timing below)", flush=True)
        for backend in args.backends:
            try:
                with env.database(backend, args.pg_url, BENCH_DB) as db_url:
                    # msgids restart with each fresh database and carry the second: a second run
                    # within the second of the last one's sign-out would repeat one
                    time.sleep(1.1)
                    extra = ["--batch-rows", str(args.batch_rows)] if args.batch_rows else []
                    results.append((backend, _child("bench.catalog_import", "--database-url", db_url,
                                                    "--platform", url, "--kind", args.kind, *extra)))
                    print(f"{backend}: sync done", flush=True)
                    if backend == "postgres":
                        for name, extra in (("postgres COPY", []), ("postgres COPY keyed", ["--keyed"])):
                            results.append((name, _child("bench.catalog_copy", "--database-url", db_url,
                                                         "--zip", str(zip_path), "--kind", args.kind, *extra)))
                            print(f"{name}: done", flush=True)
            except Exception as exc:  # noqa: BLE001 - an unreachable backend is a note, not a crash
                notes.append(f"{backend}: skipped or failed: {str(exc).strip().splitlines()[-1]}")
    print()
    print(_report(results, args.rows))
    for note in notes:
        print(f"note: {note}")
    return 0 if results and not notes else 1


def _report(results: list[tuple[str, dict]], rows: int) -> str:
    copy = next((r for name, r in results if name == "postgres COPY"), None)
    copy_rate = copy["rows"] / copy["seconds"] if copy else 0
    table = []
    for name, r in results:
        rate = r["rows"] / r["seconds"]
        table.append([name, f"{r['rows']:,}", f"{r['seconds']:.1f}", f"{rate:,.0f}", f"{r['rss_mb']:.0f}",
                      f"{rate / copy_rate:.2f}x" if copy_rate else "-"])
    out = [_table(["backend", "rows", "seconds", "rows/s", "peak RSS MB", "vs COPY"], table), ""]
    for name, r in results:
        if "added" in r and (r["stored"] != rows or r["added"] != rows):
            out.append(f"CHECK {name}: {r['stored']:,} rows stored, {r['added']:,} counted added; expected {rows:,}")
    sync = next((r for name, r in results if name == "postgres"), None)
    keyed = next((r for name, r in results if name == "postgres COPY keyed"), None)
    if sync and copy_rate:
        ratio = sync["rows"] / sync["seconds"] / copy_rate
        out.append(f"goal: postgres sync >= {GOAL_VS_COPY:.2f}x COPY rows/s: {ratio:.2f}x "
                   f"({'met' if ratio >= GOAL_VS_COPY else 'missed'})")
    if sync and keyed:
        out.append(f"postgres sync vs COPY into a table with the same primary key: "
                   f"{sync['rows'] / sync['seconds'] / (keyed['rows'] / keyed['seconds']):.2f}x")
    worst = max((r["rss_mb"] for name, r in results if "added" in r), default=0)
    out.append(f"goal: peak RSS of an import <= {GOAL_RSS_MB} MB: {worst:.0f} MB "
               f"({'met' if worst <= GOAL_RSS_MB else 'missed'})")
    out.append("seconds: the sync from sign-in to the last commit (13xx, the 9102 download over HTTP, the import); "
               "COPY: reading and parsing the same zip and COPYing the same values into a table without a key "
               "(keyed: with catalog_items' primary key). 'vs COPY' divides by the keyless COPY's rows/s, "
               "also for SQLite.")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
