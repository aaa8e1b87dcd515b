"""The admissions benchmark stays runnable: three admissions per path on SQLite, two desks.

Nothing here looks at the figures (they live in the benchmark); it checks that both paths admit
every patient and that the report says so."""
from __future__ import annotations

from pathlib import Path

import pytest

bench_admissions = pytest.importorskip("bench.admissions", reason="run from the repository root")


def test_bench_admissions_runs_both_paths(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    code = bench_admissions.main(["--admissions", "3", "--clients", "2", "--backends", "sqlite"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {cells[1].strip(): (cells[2].strip(), cells[3].strip())
            for cells in (line.split("|") for line in out.splitlines() if line.startswith("sqlite   |"))}
    assert rows == {"bare": ("3", "0"), "ours": ("3", "0")}, out  # every admission made, none failed
    assert "sqlite: ours/bare time per admission" in out
