"""The benchmark stays runnable: two flows per path on SQLite, clients in their own process.

Nothing here looks at the figures (speed goals live in the benchmark, not in tests); it checks
that both paths complete every flow and that the report says so."""
from __future__ import annotations

from pathlib import Path

import pytest

bench_run = pytest.importorskip("bench.run", reason="run from the repository root")


def test_bench_runs_both_paths(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    code = bench_run.main(["--flows", "2", "--concurrency", "1", "--backends", "sqlite", "--rounds", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "failed flow" not in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "ratio vs bare" in line)  # the throughput table
    rows = [line.split("|") for line in lines[start + 2:start + 4]]
    flows = {cells[1].strip(): cells[2].strip() for cells in rows}
    assert flows == {"bare": "2", "ours": "2"}  # every flow of both paths completed
    assert "sqlite: ours/bare time per flow" in out
