"""bench-queues stays runnable: a short run on SQLite, its server in a process of its own. The
figures are not looked at (speed lives in the benchmark); every stream must get every event once."""
from __future__ import annotations

from pathlib import Path

import pytest

bench_queues = pytest.importorskip("bench.queues", reason="run from the repository root")


def test_bench_queues_runs_and_delivers_every_event_once(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[3])
    code = bench_queues.main(["--streams", "6", "--clinics", "2", "--rate", "10", "--seconds", "2",
                              "--poll", "0.1", "--backends", "sqlite"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "sqlite: missed 0, doubled 0, stream errors 0" in out
    rpc = next(line for line in out.splitlines() if line.startswith("RPC (notifier)"))
    assert int(rpc.split()[2]) > 0  # deliveries were measured
