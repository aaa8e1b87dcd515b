"""Latency samples, percentiles, the thread driver and plain-text tables."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

FLOW = "flow"


class Recorder:
    """One per thread, merged at the end, so recording never takes a lock."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def timed(self, name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.samples[name].append((time.perf_counter() - start) * 1000.0)
        return result

    def merge(self, other: Recorder) -> None:
        for name, values in other.samples.items():
            self.samples[name].extend(values)
        for name, count in other.errors.items():
            self.errors[name] += count


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks; NaN when there is nothing to rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class SqlCounter:
    """Statements and commits an engine runs: how much database work a flow costs."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.statements = self.commits = 0
        self._engine, self._event = engine, event
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *_args) -> None:
        self.statements += 1  # a lost increment under threads would be a rounding error here

    def _commit(self, *_args) -> None:
        self.commits += 1

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.commits

    def close(self) -> None:
        self._event.remove(self._engine, "before_cursor_execute", self._statement)
        self._event.remove(self._engine, "commit", self._commit)


@dataclass
class PhaseResult:
    backend: str
    path: str
    flows_ok: int
    flows_total: int
    seconds: float
    recorder: Recorder = field(default_factory=Recorder)
    statements: int = 0  # SQL statements during the measured flows
    commits: int = 0
    cpu_seconds: float = 0.0  # this process: server and simulator (and the clients, if they run in it)
    client_cpu_seconds: float = 0.0  # our path's client process, when the clients run in one
    layers: dict[str, float] = field(default_factory=dict)  # --breakdown: seconds per layer
    round: int = 1  # --rounds: which round of its backend

    @property
    def total_cpu_seconds(self) -> float:
        return self.cpu_seconds + self.client_cpu_seconds

    @property
    def flows_per_s(self) -> float:
        return self.flows_ok / self.seconds if self.seconds else 0.0

    def p(self, name: str, q: float) -> float:
        return percentile(self.recorder.samples.get(name, []), q)


def drive(flows: int, workers: list, start: int = 0) -> tuple[Recorder, int, float]:
    """Run flows start..start+flows-1, one thread per worker; returns (samples, ok count, wall seconds).

    A worker has flow(index, recorder) -> bool. Work is handed out by a counter under a lock, so
    the run ends after exactly `flows` flows whatever fails."""
    lock = threading.Lock()
    next_index = [start]
    end = start + flows
    recorders = [Recorder() for _ in workers]
    ok = [0] * len(workers)

    def loop(k: int) -> None:
        while True:
            with lock:
                i = next_index[0]
                if i >= end:
                    return
                next_index[0] = i + 1
            if workers[k].flow(i, recorders[k]):
                ok[k] += 1

    threads = [threading.Thread(target=loop, args=(k,), name=f"bench-{k}") for k in range(len(workers))]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    total = Recorder()
    for r in recorders:
        total.merge(r)
    return total, sum(ok), seconds


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns separated by " | "; the first left-aligned (names), the rest right-aligned (numbers)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)])


def ms(value: float) -> str:
    return "-" if value != value else f"{value:.1f}"  # NaN -> "-"
