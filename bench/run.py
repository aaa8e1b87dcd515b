"""./scripts/bench: run both paths on each backend and print the comparison tables."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable

from adapters.db.engine import make_engine
from bench import data, env
from bench.bare import BareShared, BareWorker
from bench.bare_sql import BareStore
from bench.clients import ClientProcess, ClientRun
from bench.ours import GrpcWorker
from bench.report import report
from bench.stats import PhaseResult, SqlCounter, drive

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "demo-token"


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    ap.add_argument("--flows", type=int, default=200, help="measured flows per path and backend (default 200)")
    ap.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--warmup", type=int, default=None, help="unmeasured flows first (default: one per thread)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="run bare and ours this many times in turn on each backend (same stack) and print "
                         "each round's ratio and their median (default 3: on a busy machine one round is noise)")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help=f"an existing PostgreSQL database to connect to for CREATE/DROP DATABASE {env.BENCH_DB}")
    ap.add_argument("--clients-in-process", action="store_true",
                    help="run our path's gRPC client threads inside the server's process (default: a process "
                         "of their own, as the HIS front-ends are); their work then competes for its GIL")
    ap.add_argument("--sim-nagle", action="store_true",
                    help="keep Nagle on the simulator front's sockets (adds a ~40 ms stall to every platform call)")
    ap.add_argument("--breakdown", action="store_true",
                    help="also time the layers of both paths (ms per flow) and print a third table")
    ap.add_argument("--profile", metavar="FILE", default="",
                    help="instead of the comparison, run our path under cProfile (all threads); "
                         "print the hotspots and write pstats to FILE.<backend>")
    ap.add_argument("--profile-path", choices=("ours", "bare"), default="ours",
                    help="with --profile: the path to profile (bare: the baseline, for comparison)")
    args = ap.parse_args(argv)
    if not 1 <= args.flows <= 100_000 or not 1 <= args.concurrency <= 64 or not 1 <= args.rounds <= 20:
        ap.error("--flows must be 1..100000, --concurrency 1..64 and --rounds 1..20")
    args.layer_timer = None
    if args.breakdown:
        from bench.breakdown import Breakdown
        args.layer_timer = Breakdown()
        args.layer_timer.install()
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgres"}
    if unknown:
        ap.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if args.warmup is None:
        args.warmup = args.concurrency
    return args


def _phase(backend: str, path: str, workers: list, args, engine) -> PhaseResult:
    """Flows on client threads of this process."""
    drive(args.warmup, workers, start=args.flows)  # sign-ins, pools and caches filled before timing
    return _measured(backend, path, args, engine, lambda: ClientRun(*drive(args.flows, workers), 0.0))


def _measured(backend: str, path: str, args, engine, run: Callable[[], ClientRun]) -> PhaseResult:
    """Runs the measured flows with the SQL counter, the layer timers and this process's CPU clock on."""
    counter = SqlCounter(engine)
    if args.layer_timer:
        args.layer_timer.take()  # drop the warm-up's share
    cpu = time.process_time()
    try:
        got = run()
        statements, commits = counter.snapshot()
    finally:
        counter.close()
    result = PhaseResult(backend, path, got.ok, args.flows, got.seconds, got.recorder, statements, commits,
                         time.process_time() - cpu, client_cpu_seconds=got.cpu_seconds)
    if args.layer_timer:
        result.layers = args.layer_timer.take()
    return result


def run_backend(backend: str, args, run: str) -> list[PhaseResult]:
    """Bare and ours, `args.rounds` times; each round's results carry their round number. Odd
    rounds run bare first, even rounds ours first: the database grows and the machine warms up as
    a run goes on, and neither path should always be the one that meets the bigger tables."""
    results = []
    with env.database(backend, args.pg_url) as url, env.stack(url, nagle=args.sim_nagle) as st:
        for n in range(1, args.rounds + 1):
            tag = run if args.rounds == 1 else f"{run}{n:02d}"  # batch ids stay unique across rounds
            if n % 2:
                bare = _bare(st, url, backend, args, tag)
                ours = _ours(st, backend, args, tag)
            else:
                ours = _ours(st, backend, args, tag)
                bare = _bare(st, url, backend, args, tag)
            bare.round = ours.round = n
            results += [bare, ours]
    return results


def _bare(st: env.Stack, url: str, backend: str, args, run: str) -> PhaseResult:
    engine = make_engine(url)  # the same engine settings (pool, SQLite pragmas) as the app's
    shared = BareShared(st.front.url, env.PAASID, env.GATEWAY_TOKEN, st.settings.institution.institution(),
                        st.settings.operators[0].operator(), BareStore(engine))
    try:
        return _phase(backend, "bare", [BareWorker(shared, data.patients(), backend, run)
                                        for _ in range(args.concurrency)], args, engine)
    finally:
        shared.close()
        engine.dispose()


def _ours(st: env.Stack, backend: str, args, run: str) -> PhaseResult:
    if args.clients_in_process:
        workers = [GrpcWorker(st.target, TOKEN, data.patients(), backend, run) for _ in range(args.concurrency)]
        try:
            return _phase(backend, "ours", workers, args, st.app.container.engine())
        finally:
            for w in workers:
                w.close()
    with ClientProcess(st.target, TOKEN, backend, run, args.concurrency, args.warmup, args.flows) as clients:
        clients.warm()
        return _measured(backend, "ours", args, st.app.container.engine(), clients.run)


def profile_backend(backend: str, args, run: str) -> PhaseResult:
    """One path alone (ours unless --profile-path bare), every thread under cProfile (which slows
    it: figures are not comparable)."""
    from bench.profiling import all_threads

    with env.database(backend, args.pg_url) as url, all_threads(f"{args.profile}.{backend}"), \
            env.stack(url, nagle=args.sim_nagle) as st:
        if args.profile_path == "ours":
            return _ours(st, backend, args, run)
        return _bare(st, url, backend, args, run)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("services.grpc.interceptors").setLevel(logging.ERROR)  # refusals are counted instead
    run = uuid.uuid4().hex[:4].upper()
    results, notes, failed = [], [], False
    began = time.perf_counter()
    for backend in args.backends:
        if backend == "postgres":
            problem = env.postgres_problem(args.pg_url)
            if problem:
                notes.append(f"postgres: skipped, not reachable ({problem})")
                continue
        print(f"... {backend}", file=sys.stderr, flush=True)
        try:
            if args.profile:
                profile_backend(backend, args, run)
            else:
                results += run_backend(backend, args, run)
        except Exception as exc:  # noqa: BLE001 - one broken backend must not hide the other's figures
            logging.getLogger("bench").exception("%s failed", backend)
            notes.append(f"{backend}: FAILED ({type(exc).__name__}: {exc})")
            failed = True
    notes.append(f"total run time {time.perf_counter() - began:.1f}s")
    print("\n".join(notes) if args.profile else report(results, args, notes))
    return 1 if failed else 0  # a PostgreSQL that is not there is a note, not a failure
