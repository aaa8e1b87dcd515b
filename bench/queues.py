"""./scripts/bench-queues: WatchQueue delivery latency, 200 concurrent streams, 50 queue changes/s.

Per backend: a fresh migrated database; the server (`his serve`'s wiring) in a process of its own;
`--clinics` clinics each with a queue filled in advance; `--streams` WatchQueue streams spread over
them (per clinic: whole-clinic screens and doctor stations), each read by a thread of this process;
one driver per clinic makes changes at `--rate` per second in all, for `--seconds`:
CallNext → StartConsultation → FinishConsultation through the server's RPCs (delivered through the
in-process commit notifier), and every fourth change a patient enqueued from this process straight
into the database, as another server process would (delivered through the poll of the events
table, `--poll` seconds). Latency: from the moment the change is issued to the moment a stream
hands the event to the client code, for every delivery; p50/p99/max per path. Then every stream is
checked: the whole-clinic streams got every seq of their clinic once, in order; none got one twice.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict

import grpc

from bench import env
from bench.stats import percentile

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "his_bench_queues"
TOKEN = "tok-bench-doctor"
DOCTORS = 4


def _args(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench-queues", description=__doc__.splitlines()[0])
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--rate", type=float, default=50.0, help="queue changes per second, all clinics together")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--clinics", type=int, default=10)
    ap.add_argument("--poll", type=float, default=0.5, help="queues.poll_interval of the server")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG))
    ap.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)  # internal: be the server process
    return ap.parse_args(argv)


def _settings(url: str, poll: float):
    from services.settings import OperatorToken, QueueSettings, Settings
    return Settings(database_url=url, grpc_workers=256, queues=QueueSettings(poll_interval=poll),
                    operators=[OperatorToken(token=TOKEN, code="BD1", name="bench doctor", role="doctor")])


def _serve(url: str, poll: float) -> int:
    """The server process: prints its port, serves until SIGTERM."""
    from services.bootstrap import bootstrap
    from services.grpc.server import serve_until_signalled

    app = bootstrap(_settings(url, poll))
    server, port = app.server(address="127.0.0.1:0", max_workers=256)
    server.start()
    print(port, flush=True)
    serve_until_signalled(server, on_stop=app.close, grace=2.0)
    return 0


class _Driver:
    """This process's side: enqueues into the database like another server would."""

    def __init__(self, url: str):
        from adapters.db.connections import Connections
        from adapters.db.engine import make_engine, make_session_factory
        from adapters.db.unit_of_work import SqlUnitOfWork
        from ports.clock import SystemClock
        from services.queues import ClinicQueues

        self.engine = make_engine(url, pool_size=32)
        self.clock = SystemClock("Asia/Shanghai")
        connections = Connections(make_session_factory(self.engine))
        self.uow = lambda: SqlUnitOfWork(connections, self.clock)
        self.queues = ClinicQueues(clock=self.clock)

    def enqueue(self, clinic: str, label: str) -> None:
        from domain.queues import PriorityFlags, QueueKey
        with self.uow() as uow:
            self.queues.enqueue(uow, QueueKey(self.clock.now().date(), clinic), encounter_id=uuid.uuid4().hex,
                                patient_id=uuid.uuid4().hex, patient_label=label, flags=PriorityFlags())
            uow.commit()


def _run(backend: str, args) -> list[str]:
    from his.v1 import queues_pb2 as pb
    from his.v1 import queues_pb2_grpc

    lines = []
    with env.database(backend, args.pg_url, BENCH_DB) as url:
        driver = _Driver(url)
        clinics = [f"BQ{n:02d}" for n in range(args.clinics)]
        per_clinic = int(args.rate * args.seconds / args.clinics) + 10
        for clinic in clinics:  # a queue that lasts the run
            for n in range(per_clinic):
                driver.enqueue(clinic, f"预{n}")
        server = subprocess.Popen([sys.executable, "-m", "bench.queues", "--serve", url, "--poll", str(args.poll)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = queues_pb2_grpc.QueueServiceStub(channel)
            meta = (("authorization", f"Bearer {TOKEN}"),)
            issued: dict[tuple[str, str, str], float] = {}  # (clinic, label, kind) -> when issued
            got: list[list] = []  # per stream: (clinic, doctor, [(seq, label, kind, t)])
            ready = threading.Semaphore(0)
            calls = []

            def watch(clinic: str, doctor: str, into: list) -> None:
                call = stub.WatchQueue(pb.WatchQueueRequest(clinic_code=clinic, doctor_code=doctor), metadata=meta)
                calls.append(call)
                try:
                    for m in call:
                        if m.WhichOneof("change") == "snapshot":
                            into.append(("snapshot", m.snapshot.seq))
                            ready.release()
                        else:
                            e = m.event
                            into.append((e.seq, e.patient_label, e.kind, time.perf_counter()))
                except grpc.RpcError as err:
                    if err.code() is not grpc.StatusCode.CANCELLED:
                        into.append(("error", err.code().name))
            threads = []
            for n in range(args.streams):
                clinic = clinics[n % len(clinics)]
                doctor = "" if (n // len(clinics)) % (DOCTORS + 1) == 0 else f"D{(n // len(clinics)) % (DOCTORS + 1)}"
                into: list = []
                got.append([clinic, doctor, into])
                t = threading.Thread(target=watch, args=(clinic, doctor, into), daemon=True)
                t.start()
                threads.append(t)
            for _ in range(args.streams):
                ready.acquire(timeout=60)

            stop = time.perf_counter() + args.seconds
            interval = len(clinics) / args.rate
            done_changes = [0]
            rpc_ms: list[float] = []  # each change's own call (RPC, or the enqueue's commit), for comparison
            lock = threading.Lock()

            def drive(clinic: str, offset: float) -> None:
                step, doctor_turn, seen = 0, 0, []
                current = {}  # doctor -> (entry id, label, next move)
                next_at = time.perf_counter() + offset
                while next_at < stop:
                    time.sleep(max(0.0, next_at - time.perf_counter()))
                    next_at += interval
                    step += 1
                    began_at = time.perf_counter()
                    if step % 4 == 0:
                        label = f"新{uuid.uuid4().hex[:6]}"
                        issued[(clinic, label, "ENQUEUED")] = time.perf_counter()
                        driver.enqueue(clinic, label)
                    else:
                        doctor = f"D{doctor_turn % DOCTORS + 1}"
                        doctor_turn += 1
                        entry = current.get(doctor)
                        t0 = time.perf_counter()
                        if entry is None:
                            r = stub.CallNext(pb.CallNextRequest(clinic_code=clinic, doctor_code=doctor), metadata=meta)
                            current[doctor] = (r.entry.id, r.entry.patient_label, "start")
                            issued[(clinic, r.entry.patient_label, "CALLED")] = t0
                        elif entry[2] == "start":
                            stub.StartConsultation(pb.QueueEntryRequest(entry_id=entry[0]), metadata=meta)
                            issued[(clinic, entry[1], "STARTED")] = t0
                            current[doctor] = (entry[0], entry[1], "finish")
                        else:
                            stub.FinishConsultation(pb.QueueEntryRequest(entry_id=entry[0]), metadata=meta)
                            issued[(clinic, entry[1], "FINISHED")] = t0
                            del current[doctor]
                    took = (time.perf_counter() - began_at) * 1000
                    with lock:
                        done_changes[0] += 1
                        rpc_ms.append(took)
            began = time.perf_counter()
            drivers = [threading.Thread(target=drive, args=(c, i * interval / len(clinics)))
                       for i, c in enumerate(clinics)]
            for d in drivers:
                d.start()
            for d in drivers:
                d.join()
            elapsed = time.perf_counter() - began
            time.sleep(args.poll * 2 + 1)  # the last changes reach every stream
            for call in calls:
                call.cancel()
            for t in threads:
                t.join(timeout=10)
            channel.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        driver.engine.dispose()

    by_path: dict[str, list[float]] = defaultdict(list)
    doubled = missed = errors = 0
    for clinic, doctor, into in got:
        seqs = [x[0] for x in into if isinstance(x[0], int)]
        errors += sum(1 for x in into if x[0] == "error")
        doubled += len(seqs) - len(set(seqs))
        start = next((x[1] for x in into if x[0] == "snapshot"), 0)
        if not doctor and seqs:  # the whole clinic: every seq after the snapshot, in order
            missed += len(set(range(start + 1, max(seqs) + 1)) - set(seqs))
            if seqs != sorted(seqs):
                missed += 1
        for x in into:
            if isinstance(x[0], int):
                t0 = issued.get((clinic, x[1], x[2]))
                if t0 is not None:
                    by_path["other process (poll)" if x[2] == "ENQUEUED" else "RPC (notifier)"].append(
                        (x[3] - t0) * 1000)
    every = [v for vs in by_path.values() for v in vs]
    lines.append(f"{backend}: {args.streams} streams, {done_changes[0]} changes in {elapsed:.1f} s "
                 f"({done_changes[0] / elapsed:.1f}/s), {len(every)} deliveries; poll {args.poll} s")
    lines.append(f"{'path':<22} {'n':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in sorted(by_path.items()) + [("all", every)]:
        lines.append(f"{name:<22} {len(values):>7} {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f} "
                     f"{max(values, default=float('nan')):>8.1f}")
    lines.append(f"{'(the change itself)':<22} {len(rpc_ms):>7} {percentile(rpc_ms, 0.5):>8.1f} "
                 f"{percentile(rpc_ms, 0.99):>8.1f} {max(rpc_ms, default=float('nan')):>8.1f}")
    lines.append(f"{backend}: missed {missed}, doubled {doubled}, stream errors {errors}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.serve:
        return _serve(args.serve, args.poll)
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "postgres" and (problem := env.postgres_problem(args.pg_url)):
            print(f"postgres: skipped ({problem})")
            continue
        print("\n".join(_run(backend, args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
