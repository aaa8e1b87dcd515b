"""Our path's client threads in a process of their own, as the HIS front-ends that call the server are.

The parent (server, simulator, database) and this process talk over a pipe: the child warms up,
says so, waits for the word to start (so the parent can read its counters first), runs the
measured flows and sends back the samples, the count, the wall time and its own CPU time.
"""
from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass

from bench import data
from bench.ours import GrpcWorker
from bench.stats import Recorder, drive

_READY, _GO = "ready", "go"


@dataclass
class ClientRun:
    recorder: Recorder
    ok: int
    seconds: float
    cpu_seconds: float  # a client process's own CPU; 0 when the clients are threads of the bench process


def _child(conn, target: str, token: str, backend: str, run: str, concurrency: int, warmup: int,
           flows: int) -> None:
    workers = [GrpcWorker(target, token, data.patients(), backend, run) for _ in range(concurrency)]
    try:
        drive(warmup, workers, start=flows)  # sign-ins, pools and caches filled before timing
        conn.send(_READY)
        if conn.recv() != _GO:
            return
        cpu = time.process_time()
        recorder, ok, seconds = drive(flows, workers)
        conn.send(ClientRun(recorder, ok, seconds, time.process_time() - cpu))
    finally:
        for w in workers:
            w.close()
        conn.close()


class ClientProcess:
    """`with ClientProcess(...) as clients: clients.warm(); <read counters>; run = clients.run()`."""

    def __init__(self, target: str, token: str, backend: str, run: str, concurrency: int, warmup: int,
                 flows: int):
        # spawn, not fork: the parent runs gRPC and database threads that a fork would copy half-way
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._process = ctx.Process(target=_child, name="bench-clients", daemon=True,
                                    args=(child_conn, target, token, backend, run, concurrency, warmup, flows))
        self._child_conn = child_conn

    def __enter__(self) -> ClientProcess:
        self._process.start()
        self._child_conn.close()  # the child holds its end now
        return self

    def warm(self) -> None:
        """Returns once the child's warm-up flows are done."""
        if self._receive() != _READY:
            raise RuntimeError("client process did not warm up")

    def run(self) -> ClientRun:
        self._conn.send(_GO)
        result = self._receive()
        if not isinstance(result, ClientRun):
            raise RuntimeError(f"client process sent {result!r}")
        return result

    def _receive(self):
        try:
            return self._conn.recv()
        except EOFError:
            raise RuntimeError(f"client process ended (exit code {self._process.exitcode})") from None

    def __exit__(self, *exc) -> None:
        self._conn.close()
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
