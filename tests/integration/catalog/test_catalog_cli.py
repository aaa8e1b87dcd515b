"""`his catalog sync` through services.cli.main, as an operator runs it (in-process simulator)."""
from __future__ import annotations

import pytest

from services.cli import main


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)


def _row(out: str, kind: str) -> list[str]:
    return next(line for line in out.splitlines() if line.startswith(kind)).split()


def test_sync_prints_what_each_kind_brought(capsys, database_url, clean_catalog):
    assert main(["catalog", "sync", "--kind", "1314", "--kind", "tumour", "--database-url", database_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:5] == ["kind", "infno", "from", "to", "lines"]
    # kind label infno from to lines added changed stopped skipped seconds
    tcm = _row(out, "tcm_disease")
    assert tcm[2:5] == ["1314", "0", "20250501001"] and tcm[5:10] == ["180", "180", "0", "0", "0"]
    assert _row(out, "tumour")[2] == "1313"
    assert "operation" not in out

    # a new in-process simulator publishes the same versions: nothing newer to bring
    assert main(["catalog", "sync", "--kind", "tcm_disease", "--database-url", database_url]) == 0
    again = _row(capsys.readouterr().out, "tcm_disease")
    assert again[3:6] == ["20250501001", "20250501001", "0"]


def test_unknown_kind_is_refused(capsys, database_url):
    assert main(["catalog", "sync", "--kind", "1312", "--database-url", database_url]) == 2
    assert "unknown catalogue kind '1312'" in capsys.readouterr().err
