"""./scripts/bench: run both paths on each backend and print the comparison tables."""
from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
import uuid

from adapters.db.engine import make_engine
from bench import data, env
from bench.bare import CALLS, BareShared, BareWorker
from bench.bare_sql import BareStore
from bench.ours import RPCS, GrpcWorker
from bench.stats import FLOW, PhaseResult, Recorder, drive, ms, table

GOAL = 1.5  # our time per flow may be at most this many times the baseline's
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "demo-token"


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    ap.add_argument("--flows", type=int, default=200, help="measured flows per path and backend (default 200)")
    ap.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--warmup", type=int, default=None, help="unmeasured flows first (default: one per thread)")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help=f"an existing PostgreSQL database to connect to for CREATE/DROP DATABASE {env.BENCH_DB}")
    ap.add_argument("--profile", metavar="FILE", default="",
                    help="cProfile every thread during our path's measured flows; write pstats to FILE")
    args = ap.parse_args(argv)
    if not 1 <= args.flows <= 100_000 or not 1 <= args.concurrency <= 64:
        ap.error("--flows must be 1..100000 and --concurrency 1..64")
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgres"}
    if unknown:
        ap.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if args.warmup is None:
        args.warmup = args.concurrency
    return args


def _phase(backend: str, path: str, workers: list, args, profile_to: str = "") -> PhaseResult:
    drive(args.warmup, workers, start=args.flows)  # sign-ins, pools and caches filled before timing
    if profile_to:
        from bench.profiling import all_threads
        with all_threads(profile_to):
            recorder, ok, seconds = drive(args.flows, workers)
    else:
        recorder, ok, seconds = drive(args.flows, workers)
    return PhaseResult(backend, path, ok, args.flows, seconds, recorder)


def run_backend(backend: str, args, run: str) -> list[PhaseResult]:
    patients = data.patients()
    with env.database(backend, args.pg_url) as url, env.stack(url) as st:
        settings = st.settings
        engine = make_engine(url)  # the same engine settings (pool, SQLite pragmas) as the app's
        shared = BareShared(st.front.url, env.PAASID, env.GATEWAY_TOKEN, settings.institution.institution(),
                            settings.operators[0].operator(), BareStore(engine))
        try:
            bare = _phase(backend, "bare", [BareWorker(shared, patients, backend, run)
                                            for _ in range(args.concurrency)], args)
        finally:
            shared.close()
            engine.dispose()
        workers = [GrpcWorker(st.target, TOKEN, patients, backend, run) for _ in range(args.concurrency)]
        try:
            ours = _phase(backend, "ours", workers, args, profile_to=args.profile and f"{args.profile}.{backend}")
        finally:
            for w in workers:
                w.close()
    return [bare, ours]


def _ratio(ours: PhaseResult, bare: PhaseResult) -> float:
    """Time per flow, ours over bare, from throughput (what a busy hospital feels)."""
    return bare.flows_per_s / ours.flows_per_s if ours.flows_per_s else float("inf")


def report(results: list[PhaseResult], args, notes: list[str]) -> str:
    out = [f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()} "
           f"{platform.machine()}, {os.cpu_count()} cores; {args.flows} flows per path, "
           f"{args.concurrency} client threads, {args.warmup} warm-up flows", ""]
    by_key = {(r.backend, r.path): r for r in results}
    rows = []
    for r in results:
        bare = by_key.get((r.backend, "bare"))
        ratio = "1.00x" if r.path == "bare" else f"{_ratio(r, bare):.2f}x" if bare else "-"
        flows = str(r.flows_ok) if r.flows_ok == r.flows_total else f"{r.flows_ok}/{r.flows_total}"
        rows.append([r.backend, r.path, flows, f"{r.flows_per_s:.1f}", ms(r.p(FLOW, .5)), ms(r.p(FLOW, .99)), ratio])
    out += [table(["backend", "path", "flows", "flows/s", "p50 flow ms", "p99 flow ms", "ratio vs bare"], rows), ""]

    rows = []
    for backend in dict.fromkeys(r.backend for r in results):
        ours, bare = by_key.get((backend, "ours")), by_key.get((backend, "bare"))
        if not (ours and bare):
            continue
        for rpc, call in zip((*RPCS, FLOW), (*CALLS, FLOW)):
            o50, b50 = ours.p(rpc, .5), bare.p(call, .5)
            rows.append([backend, rpc, ms(o50), ms(ours.p(rpc, .99)), call, ms(b50), ms(bare.p(call, .99)),
                         f"{o50 / b50:.2f}x" if b50 else "-"])
    out += [table(["backend", "our RPC", "p50 ms", "p99 ms", "bare call", "p50 ms", "p99 ms", "p50 ratio"], rows), ""]

    for backend in dict.fromkeys(r.backend for r in results):
        ours, bare = by_key.get((backend, "ours")), by_key.get((backend, "bare"))
        if ours and bare:
            ratio = _ratio(ours, bare)
            verdict = "meets" if ratio <= GOAL else "MISSES"
            out.append(f"{backend}: ours/bare time per flow = {ratio:.2f}x -> {verdict} the goal (<= {GOAL}x)")
    for r in results:
        for what, count in sorted(r.recorder.errors.items()):
            out.append(f"{r.backend}/{r.path}: {count} failed flow(s): {what}")
    out += notes
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("services.grpc.interceptors").setLevel(logging.ERROR)  # refusals are counted instead
    run = uuid.uuid4().hex[:4].upper()
    results, notes = [], []
    began = time.perf_counter()
    for backend in args.backends:
        if backend == "postgres":
            problem = env.postgres_problem(args.pg_url)
            if problem:
                notes.append(f"postgres: skipped, not reachable ({problem})")
                continue
        print(f"... {backend}", file=sys.stderr, flush=True)
        results += run_backend(backend, args, run)
    notes.append(f"total run time {time.perf_counter() - began:.1f}s")
    print(report(results, args, notes))
    return 0 if results else 1
