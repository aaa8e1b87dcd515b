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


def test_reindex_rebuilds_the_diagnosis_keys_of_a_catalogue_synced_before(capsys, database_url, engine, clean_catalog):
    from sqlalchemy import delete, func, select

    from adapters.db.catalog_tables import diagnosis_keys

    assert main(["catalog", "sync", "--kind", "1314", "--database-url", database_url]) == 0
    capsys.readouterr()
    with engine.begin() as conn:  # as if synced before the search existed
        conn.execute(delete(diagnosis_keys))
    assert main(["catalog", "reindex", "--kind", "tcm_disease", "--kind", "1315", "--database-url", database_url]) == 0
    out = capsys.readouterr().out
    assert _row(out, "tcm_disease")[2:4] == ["1314", "180"] and _row(out, "tcm_syndrome")[2:4] == ["1315", "0"]
    with engine.connect() as conn:
        row = conn.execute(select(diagnosis_keys.c.initials, diagnosis_keys.c.pinyin)
                           .where(diagnosis_keys.c.code == "A01.04.03")).one()
        assert tuple(row) == ("xy", "xuanyun")  # 眩晕
        assert conn.execute(select(func.count()).select_from(diagnosis_keys)).scalar() == 180


def test_reindex_refuses_a_catalogue_that_holds_no_diagnoses(capsys, database_url):
    assert main(["catalog", "reindex", "--kind", "1308", "--database-url", database_url]) == 2
    assert "1308 not a diagnosis catalogue" in capsys.readouterr().err
