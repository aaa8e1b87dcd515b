"""The reconciliation benchmark stays runnable: a small day on SQLite. Nothing here looks at the
timings (they live in the benchmark); it checks that both modes find exactly what was planted."""
from __future__ import annotations

from pathlib import Path

import pytest

bench_reconcile = pytest.importorskip("bench.reconcile", reason="run from the repository root")


def test_bench_reconcile_finds_every_planted_difference(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    code = bench_reconcile.main(["--settlements", "300", "--planted", "4", "--backends", "sqlite"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {cells[1].strip(): (cells[2].strip(), cells[3].strip(), cells[4].strip())
            for cells in (line.split("|") for line in out.splitlines() if line.startswith("sqlite "))}
    assert rows == {"3202": ("300", "12", "12"), "+5262": ("300", "12", "12")}, out
