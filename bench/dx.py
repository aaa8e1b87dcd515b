"""./scripts/bench-dx: diagnosis search over a full-size catalogue on SQLite and PostgreSQL.

Per backend: a fresh migrated database, ~40,000 valid 1307-shaped rows (the simulator's ICD-10
shaped codes and names) written into catalog_items, the search keys rebuilt (timed: what a sync
adds), then a mixed stream of queries as clinicians type them (initials, full pinyin, code prefixes,
name fragments), each through the use case and the SQL index, one at a time. Prints p50/p99/max
per query type and over all; the goal is p99 < 50 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import time
from datetime import datetime

from sqlalchemy import insert

from adapters.db.catalog_tables import catalog_items
from adapters.db.diagnosis_index import SqlDiagnosisIndex
from adapters.db.engine import make_engine
from adapters.pinyin import PinyinKeys
from adapters.yb_sim.catalog_dise import disease_code
from bench import env
from bench.stats import percentile
from services.diagnoses import DiagnosisSearchService

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "his_bench_dx"
GOAL_MS = 50.0
# names a clinician types daily, beside the generated ones
CLINICAL = ("高血压", "原发性高血压", "2型糖尿病", "急性上呼吸道感染", "冠状动脉粥样硬化性心脏病", "急性阑尾炎", "慢性胃炎",
            "社区获得性肺炎", "IgA肾病", "高脂血症")


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench-dx", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=40_000, help="diagnosis rows (default 40,000)")
    ap.add_argument("--queries", type=int, default=2_000, help="timed queries per backend (default 2,000)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help="a PostgreSQL server URL to create the bench database from")
    return ap.parse_args(argv)


def _rows(count: int) -> list[tuple[str, str]]:
    rows = [(f"Z99.{i:03d}x900", name) for i, name in enumerate(CLINICAL)]
    rows += [disease_code(i)[:2] for i in range(count - len(rows))]
    return rows


def _queries(rows: list[tuple[str, str]], count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(type, query): what is typed, drawn from the catalogue itself so that most queries find rows."""
    keys, rnd = PinyinKeys(), random.Random(seed)
    made: list[tuple[str, str]] = []
    while len(made) < count:
        code, name = rnd.choice(rows)
        k = keys.keys(name)
        kind = rnd.choice(("initials", "pinyin", "code", "name", "substring"))
        if kind == "initials":
            made.append((kind, k.initials[:rnd.randint(2, 5)]))
        elif kind == "pinyin":
            made.append((kind, k.pinyin[:rnd.randint(4, 12)]))
        elif kind == "code":
            made.append((kind, code[:rnd.randint(1, 6)].lower()))
        elif kind == "name":
            made.append((kind, name[:rnd.randint(1, 4)]))
        else:
            at = rnd.randrange(max(1, len(name) - 2))
            made.append((kind, name[at:at + 2]))
    return made


def _run(backend: str, pg_url: str, rows: list[tuple[str, str]], queries: list[tuple[str, str]]) -> list[str]:
    lines = []
    with env.database(backend, pg_url, BENCH_DB) as url:
        engine = make_engine(url)
        try:
            stamp = datetime(2026, 12, 7)
            with engine.begin() as conn:
                conn.execute(insert(catalog_items), [
                    {"kind": "disease", "code": code, "name": name, "version": "20260101001", "vali_flag": "1",
                     "updated_at": stamp, "data": "", "synced_at": stamp} for code, name in rows])
            service = DiagnosisSearchService(SqlDiagnosisIndex(engine, PinyinKeys()))
            began = time.perf_counter()
            indexed = service.reindex(["disease"])["disease"]
            lines.append(f"{backend}: {indexed} rows indexed in {time.perf_counter() - began:.1f} s")
            for _, query in queries[:100]:  # warm the caches and the pool
                service.search(query)
            times: dict[str, list[float]] = {}
            found = 0
            for kind, query in queries:
                t0 = time.perf_counter()
                hits = service.search(query)
                times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
                found += bool(hits)
            every = [t for ts in times.values() for t in ts]
            lines.append(f"{'query':<10} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
            for kind, ts in sorted(times.items()) + [("all", every)]:
                lines.append(f"{kind:<10} {len(ts):>5} {percentile(ts, 0.5):>8.2f} {percentile(ts, 0.99):>8.2f} "
                             f"{max(ts):>8.2f}")
            p99 = percentile(every, 0.99)
            lines.append(f"{backend}: {found}/{len(queries)} queries found rows; p99 {p99:.2f} ms "
                         f"({'meets' if p99 < GOAL_MS else 'MISSES'} the {GOAL_MS:.0f} ms goal)")
        finally:
            engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    rows = _rows(args.rows)
    queries = _queries(rows, args.queries)
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "postgres" and (problem := env.postgres_problem(args.pg_url)):
            print(f"postgres: skipped ({problem})")
            continue
        print("\n".join(_run(backend, args.pg_url, rows, queries)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
