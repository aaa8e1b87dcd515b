"""The reports benchmark stays runnable: 300 generated settlements on SQLite, one run per path.

Nothing here looks at the timings (they live in the benchmark); it checks that every summary shape ran
on both paths with the same figures, and that both exports wrote every settlement of their month."""
from __future__ import annotations

from pathlib import Path

import pytest

bench_reports = pytest.importorskip("bench.reports", reason="run from the repository root")


def test_bench_reports_runs_every_shape_and_both_exports(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    code = bench_reports.main(["--rows", "300", "--backends", "sqlite", "--repeat", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    summaries = [cells for cells in (line.split("|") for line in out.splitlines()) if len(cells) == 8
                 and cells[0].strip() == "sqlite"]
    assert sorted(c[2].strip() for c in summaries) == ["dept+doctor", "insutype", "place+insutype"], out
    assert all(c[7].strip() == "yes" for c in summaries), out  # the report's figures are the raw SQL's
    exports = [cells for cells in (line.split("|") for line in out.splitlines()) if len(cells) == 7
               and cells[0].strip() == "sqlite"]
    generated = [int(line.split("generated ")[1].split()[0]) for line in out.splitlines() if "generated" in line]
    assert sum(int(c[1]) for c in exports) == generated[0], out  # both months exported whole
    assert "sqlite: summary ours/raw worst" in out and "sqlite: export peak RSS growth" in out
