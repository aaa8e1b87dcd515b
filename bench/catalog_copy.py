"""Child process of ./scripts/bench-catalog: the baseline. The rows the sync stores (same parser, same
columns and values) COPYed with psycopg's cursor.copy from the same zip into a scratch table with
catalog_items' columns, in one transaction: without key or index, or with `--keyed` the same
primary key (kind, code). Prints one JSON line."""
from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
import zipfile
from datetime import datetime

import psycopg
from sqlalchemy.engine import make_url

from ports.catalogue import load_catalogue
from services.catalog_sync import catalog_kind, file_columns, row_parser

SCRATCH = "catalog_copy_scratch"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.catalog_copy")
    ap.add_argument("--database-url", required=True, help="SQLAlchemy URL of the PostgreSQL database")
    ap.add_argument("--zip", required=True, help="the downloaded file")
    ap.add_argument("--kind", required=True)
    ap.add_argument("--keyed", action="store_true", help="give the scratch table catalog_items' primary key")
    args = ap.parse_args(argv)
    kind = catalog_kind(args.kind)
    parse = row_parser(kind, file_columns(load_catalogue(), kind))
    conninfo = make_url(args.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        # LIKE copies the columns and NOT NULLs; INCLUDING INDEXES adds the primary key
        conn.execute(f"CREATE TABLE {SCRATCH} (LIKE catalog_items{' INCLUDING INDEXES' if args.keyed else ''})")
        conn.commit()
        now, rows = datetime.now(), 0
        began = time.perf_counter()
        with zipfile.ZipFile(args.zip) as archive, archive.open(archive.infolist()[0]) as raw, conn.cursor() as cur:
            with cur.copy(f"COPY {SCRATCH} (kind, code, name, version, vali_flag, updated_at, data, synced_at)"
                          " FROM STDIN") as copy:
                for line in io.TextIOWrapper(raw, encoding="utf-8-sig", newline="\n"):
                    row = parse(line.rstrip("\r\n"))
                    if row is not None:
                        copy.write_row((kind.name, row.code, row.name, row.version, row.valid, row.updated,
                                        row.line, now))
                        rows += 1
        conn.commit()
        seconds = time.perf_counter() - began
        stored = conn.execute(f"SELECT count(*) FROM {SCRATCH}").fetchone()[0]
        conn.execute(f"DROP TABLE {SCRATCH}")
        conn.commit()
    print(json.dumps({"rows": rows, "stored": stored, "seconds": seconds,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
