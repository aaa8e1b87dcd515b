"""The diagnosis search keys on the real database: filled from the synced rows, searched by code,
pinyin and name, ranked, valid rows only; and PostgreSQL answering prefixes from the indexes."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, insert, text

from adapters.db.catalog_tables import catalog_items, diagnosis_keys
from adapters.db.diagnosis_index import SqlDiagnosisIndex
from adapters.pinyin import PinyinKeys
from ports.diagnosis_search import DIAGNOSIS_KINDS

ROWS = {
    "disease": [("I10.x00", "高血压", "1"), ("I10.x00x002", "原发性高血压", "1"), ("I11.900", "高血压性心脏病", "1"),
                ("E11.900", "2型糖尿病", "1"), ("I10.x00x003", "高血压病3级", "0"), ("K35.800", "急性阑尾炎", "1"),
                ("N02.800", "IgA肾病", "1")],
    "tcm_disease": [("A04.01.03", "眩晕病", "1"), ("BNV060", "高血压100%_病", "1")],
    "tcm_syndrome": [("B02.01.02", "肝阳上亢证", "1")],
}


def _load(conn, rows=ROWS) -> None:
    stamp = datetime(2026, 12, 7, 9, 0)
    conn.execute(insert(catalog_items), [
        {"kind": kind, "code": code, "name": name, "version": "20260101001", "vali_flag": flag, "updated_at": stamp,
         "data": "", "synced_at": stamp} for kind, items in rows.items() for code, name, flag in items])


@pytest.fixture
def index(engine):
    def clean():
        with engine.begin() as conn:
            conn.execute(delete(diagnosis_keys))
            conn.execute(delete(catalog_items).where(catalog_items.c.kind.in_(DIAGNOSIS_KINDS)))

    clean()
    with engine.begin() as conn:
        _load(conn)
    found = SqlDiagnosisIndex(engine, PinyinKeys())
    for kind in DIAGNOSIS_KINDS:
        found.reindex(kind)
    yield found
    clean()


def _codes(hits) -> list[str]:
    return [h.code for h in hits]


def test_reindex_keeps_the_valid_rows_with_their_keys(index, engine):
    assert index.reindex("disease") == 6  # the stopped 高血压病3级 is not indexed
    with engine.connect() as conn:
        row = conn.execute(text("SELECT code_key, initials, pinyin, name FROM diagnosis_keys "
                                "WHERE kind = 'disease' AND code = 'I10.x00'")).one()
    assert tuple(row) == ("I10.X00", "gxy", "gaoxueya", "高血压")


def test_initials_find_the_name_shortest_first_across_kinds(index):
    hits = index.search("gxy", [], 20)
    assert _codes(hits) == ["I10.x00", "I11.900", "BNV060"]  # 高血压100%_病: 9 characters
    assert (hits[0].name, hits[0].kind) == ("高血压", "disease")
    assert _codes(index.search("GXY", ["disease"], 20)) == ["I10.x00", "I11.900"]  # case does not matter
    assert _codes(index.search("yfxgxy", [], 20)) == ["I10.x00x002"]


def test_full_pinyin_prefix_and_mixed_names(index):
    assert _codes(index.search("gaoxueya", ["disease"], 20)) == ["I10.x00", "I11.900"]
    assert _codes(index.search("2xtnb", [], 20)) == ["E11.900"]
    assert _codes(index.search("2xing", [], 20)) == ["E11.900"]
    assert _codes(index.search("igasb", [], 20)) == ["N02.800"]


def test_code_exact_before_prefix_before_pinyin(index):
    # I10.X00 exactly, then what starts with it; case-insensitive
    assert _codes(index.search("i10.x00", [], 20)) == ["I10.x00", "I10.x00x002"]
    assert _codes(index.search("I1", [], 20)) == ["I10.x00", "I10.x00x002", "I11.900"]  # codes in code order
    # a code prefix outranks initials: B... codes first, then 病 names by their initials
    assert _codes(index.search("b", [], 20)) == ["B02.01.02", "BNV060"]
    assert _codes(index.search("bing", [], 20)) == []


def test_name_prefix_before_substring_and_limit(index):
    assert _codes(index.search("高血压", [], 20)) == ["I10.x00", "I11.900", "BNV060", "I10.x00x002"]
    assert _codes(index.search("高血压", [], 2)) == ["I10.x00", "I11.900"]
    assert _codes(index.search("阑尾", [], 20)) == ["K35.800"]
    assert _codes(index.search("上亢", ["tcm_syndrome"], 20)) == ["B02.01.02"]
    assert index.search("上亢", ["disease"], 20) == []


def test_like_wildcards_in_the_query_are_literal(index):
    assert _codes(index.search("100%_", [], 20)) == ["BNV060"]
    assert index.search("高_压", [], 20) == []
    assert _codes(index.search("%", [], 20)) == ["BNV060"]  # the one name holding a %


def test_stopped_rows_are_not_found(index):
    assert "I10.x00x003" not in _codes(index.search("高血压病", [], 20))
    assert index.search("I10.x00x003", [], 20) == []


@pytest.mark.postgres_only
def test_postgres_serves_the_prefixes_from_the_indexes(index, engine):
    with engine.connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: ask whether an index can serve
        for column, value in (("code_key", "I10"), ("initials", "gxy"), ("pinyin", "gaoxueya"), ("name", "高血")):
            plan = "\n".join(conn.execute(text(f"EXPLAIN SELECT code FROM diagnosis_keys WHERE {column} LIKE :p"),
                                          {"p": value + "%"}).scalars())
            assert f"ix_diagnosis_keys_{column}" in plan, plan


def test_sqlite_serves_the_prefixes_from_the_indexes(index, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner")
    with engine.connect() as conn:
        for column, value in (("code_key", "I10"), ("initials", "gxy"), ("pinyin", "gaoxueya"), ("name", "高血")):
            plan = " ".join(str(r[-1]) for r in conn.execute(
                text(f"EXPLAIN QUERY PLAN SELECT code FROM diagnosis_keys WHERE {column} LIKE :p"), {"p": value + "%"}))
            assert f"ix_diagnosis_keys_{column}" in plan and "SEARCH" in plan, plan
