"""./scripts/bench-reports: the monthly settlement summary against the raw SQL aggregate, and the peak
memory of a full-month xlsx export at two sizes.

Per backend: a fresh migrated database and N generated settlements in 2026-03 (bench/reports_data.py:
realistic 险种, funds, ~15 % 异地, ~2 % cancellations, departments, doctors, days), N/10 in 2026-02.

- **summary**: for each report shape (by 险种; by 本地/异地 and 险种; by department and doctor) the report
  use case (ReportService.summary: validation, the SQL it builds, exact Decimal rows) and the hand-written
  SQL aggregate giving the same figures, sent through the bare DBAPI cursor, in turn, R times each;
  medians, and ours ÷ raw (goal ≤ 2). The figures of both are compared (count and net 医疗费总额).
- **export**: the detail list of the month as xlsx, in a child process each (bench/reports_export.py):
  N/10 rows, then N rows; seconds, peak RSS and its growth over the RSS before the export (goal: flat).

    ./scripts/bench-reports                          # 20,000 settlements, SQLite and PostgreSQL, a few minutes
    ./scripts/bench-reports --rows 1000000           # the full figure: 100k against 1M rows exported
    ./scripts/bench-reports --backends sqlite --rows 2000 --repeat 1
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from adapters.db.engine import make_engine
from bench import env
from bench.reports_data import generate
from domain.reports import report_query
from services.bootstrap import bootstrap
from services.settings import Settings

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = f"{env.BENCH_DB}_reports"  # HIS_BENCH_PG_DB names another (bench/env.py)
MONTH, SMALL_MONTH = (2026, 3), (2026, 2)
SHAPES = (("insutype",), ("place", "insutype"), ("dept", "doctor"))
FUNDS_SQL = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "hifob_pay", "cvlserv_pay", "maf_pay",
             "oth_pay", "acct_pay", "acct_mulaid_pay", "psn_cash_pay", "hosp_part_amt")
HOSPITAL_CITY = Settings().institution.mdtrtarea_admvs[:4]


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench-reports", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000, help="settlements in the month (default 20000)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each summary per path (default 5)")
    ap.add_argument("--no-export", action="store_true", help="skip the export memory measurement")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help="a PostgreSQL server URL to create the bench database from")
    return ap.parse_args(argv)


def raw_sql(shape: tuple[str, ...], postgres: bool) -> str:
    """The aggregate a DBA would write for the report: same groups, standings and exact sums."""
    def owner(visit_col: str, stay_col: str) -> str:
        return f"COALESCE(v.{visit_col}, a.{stay_col}, '')"

    place = owner("insuplc_admdvs", "insuplc_admdvs")
    keys = {"insutype": ["s.insutype"],
            "place": [f"CASE WHEN {place} = '' OR SUBSTR({place}, 1, 4) = '{HOSPITAL_CITY}' THEN 'LOCAL' "
                      "ELSE 'NONLOCAL' END"],
            "dept": [owner("dept_code", "dept_code")], "doctor": [owner("atddr_no", "atddr_no")]}
    names = {"dept": owner("dept_name", "dept_name"), "doctor": owner("dr_name", "chfpdr_name")}
    groups = [k for dim in shape for k in keys[dim]]
    standing = ("CASE WHEN s.state = 'ACTIVE' THEN 0 WHEN s.state = 'CANCELLED' AND s.cancel_setl_id <> '' THEN 1 "
                "WHEN s.state = 'CANCELLED' THEN 2 ELSE 3 END")
    sums = [f"SUM(s.{f})" if postgres else f"SUM(CAST(ROUND(s.{f} * 100) AS INTEGER))" for f in FUNDS_SQL]
    joined = any(d in shape for d in ("place", "dept", "doctor"))
    source = "settlements s" + (" LEFT JOIN visits v ON v.id = s.visit_id"
                                " LEFT JOIN insured_admissions a ON a.id = s.admission_id" if joined else "")
    mark = "%s" if postgres else "?"
    positions = ", ".join(str(i + 1) for i in range(len(groups) + 1))
    return (f"SELECT {', '.join(groups)}, {standing}, COUNT(*), "
            f"{', '.join(f'MAX({names[d]})' for d in shape if d in names) + ', ' if any(d in names for d in shape) else ''}"
            f"{', '.join(sums)} FROM {source} WHERE s.setl_time >= {mark} AND s.setl_time < {mark} "
            f"GROUP BY {positions} ORDER BY {positions}")


def _bounds(postgres: bool):
    start, end = datetime(*MONTH, 1), datetime(MONTH[0], MONTH[1] + 1, 1)
    if postgres:
        return start, end
    return start.strftime("%Y-%m-%d %H:%M:%S.000000"), end.strftime("%Y-%m-%d %H:%M:%S.000000")


def _time_summaries(app, engine, repeat: int) -> list[tuple]:
    postgres = engine.dialect.name == "postgresql"
    month = f"{MONTH[0]:04d}-{MONTH[1]:02d}"
    results = []
    raw = engine.raw_connection()
    try:
        for shape in SHAPES:
            sql, bounds = raw_sql(shape, postgres), _bounds(postgres)
            query = report_query(month=month, group_by=list(shape))
            ours_times, raw_times = [], []
            summary = raw_rows = None
            app.reports.summary(query)  # not timed: the first calls compile the statement and warm the caches
            cur = raw.cursor()
            cur.execute(sql, bounds)
            cur.fetchall()
            cur.close()
            raw.rollback()
            for _ in range(repeat):
                began = time.perf_counter()
                cur = raw.cursor()
                cur.execute(sql, bounds)
                raw_rows = cur.fetchall()
                cur.close()
                raw.rollback()
                raw_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                summary = app.reports.summary(query)
                ours_times.append(time.perf_counter() - began)
            width = len(shape)
            raw_count = sum(r[width + 1] for r in raw_rows if r[width] in (0, 1, 2))
            raw_medfee = sum(Decimal(r[-len(FUNDS_SQL)] or 0) for r in raw_rows if r[width] in (0, 1, 2))
            if not postgres:
                raw_medfee = raw_medfee.scaleb(-2)
            net = summary.totals()[-1]  # the net figure: settled, cancelled and their negative rows
            agree = (net.count, net.amount("medfee_sumamt")) == (raw_count, raw_medfee)
            results.append(("+".join(shape), len(summary.rows), statistics.median(raw_times) * 1000,
                            statistics.median(ours_times) * 1000, agree))
    finally:
        raw.close()
    return results


def _export(url: str, month: tuple[int, int], tmp: str) -> dict:
    out = Path(tmp) / f"export-{month[0]}-{month[1]:02d}.xlsx"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.reports_export", "--database-url", url,
                           "--month", f"{month[0]:04d}-{month[1]:02d}", "--out", str(out)],
                          capture_output=True, text=True, cwd=root, check=False,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))})
    if done.returncode != 0:
        raise RuntimeError(f"export failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    small = max(1, args.rows // 10)
    print(f"settlements: {args.rows} in {MONTH[0]}-{MONTH[1]:02d}, {small} in {SMALL_MONTH[0]}-{SMALL_MONTH[1]:02d}; "
          f"{args.repeat} timed runs per summary and path (medians)")
    summary_lines, export_lines, verdicts = [], [], []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "postgres" and (problem := env.postgres_problem(args.pg_url)):
            print(f"{backend}: skipped ({problem})")
            continue
        with env.database(backend, args.pg_url, BENCH_DB) as url, tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(url)
            began = time.perf_counter()
            made = generate(engine, *MONTH, args.rows)
            before = generate(engine, *SMALL_MONTH, small, seed=13)
            seconds = time.perf_counter() - began
            print(f"{backend}: generated {made.settlements + before.settlements} settlement rows ({made.stays} "
                  f"inpatient, {made.cancelled} cancelled, {made.nonlocal_} 异地 in the month) in {seconds:.1f} s "
                  f"({(args.rows + small) / seconds:,.0f} settled visits and stays/s)")
            app = bootstrap(Settings(database_url=url))
            try:
                worst = 0.0
                for shape, groups, raw_ms, ours_ms, agree in _time_summaries(app, engine, args.repeat):
                    ratio = ours_ms / raw_ms if raw_ms else float("inf")
                    worst = max(worst, ratio)
                    summary_lines.append(f"{backend:<9}| {args.rows:>9} | {shape:<16}| {groups:>6} | {raw_ms:>9.1f} | "
                                         f"{ours_ms:>9.1f} | {ratio:>6.2f}x | {'yes' if agree else 'NO'}")
                verdicts.append(f"{backend}: summary ours/raw worst {worst:.2f}x (goal <= 2x)")
            finally:
                app.container.engine().dispose()
                engine.dispose()
            if not args.no_export:
                figures = [(n, _export(url, month, tmp)) for n, month in ((small, SMALL_MONTH), (args.rows, MONTH))]
                for n, f in figures:
                    export_lines.append(f"{backend:<9}| {f['rows']:>9} | {f['seconds']:>8.1f} | {f['bytes'] / 2**20:>8.1f} | "
                                        f"{f['rss_before_mb']:>9.1f} | {f['peak_rss_mb']:>9.1f} | "
                                        f"{f['peak_rss_mb'] - f['rss_before_mb']:>8.1f}")
                growth = [f["peak_rss_mb"] - f["rss_before_mb"] for _n, f in figures]
                verdicts.append(f"{backend}: export peak RSS growth {growth[0]:.1f} MB at {figures[0][1]['rows']} rows, "
                                f"{growth[1]:.1f} MB at {figures[1][1]['rows']} rows (goal: flat)")
    print()
    print("backend  |      rows | summary         | groups |    raw ms |   ours ms |  ratio | same figures")
    print("---------+-----------+-----------------+--------+-----------+-----------+--------+-------------")
    print("\n".join(summary_lines))
    if export_lines:
        print()
        print("backend  |  rows out |  seconds |  file MB | RSS before | peak RSS | growth MB   (detail xlsx, full month)")
        print("---------+-----------+----------+----------+-----------+-----------+---------")
        print("\n".join(export_lines))
    print()
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
