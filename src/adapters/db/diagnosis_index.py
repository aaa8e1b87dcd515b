"""DiagnosisIndex in SQL: diagnosis_keys beside catalog_items, searched by indexed prefixes.

A search runs one small query per rank (exact code, code prefix, initials, full pinyin, name
prefix, name substring), each through its own index except the substring one, each ordered by
name length and limited; ranks already filling the limit spare the later queries. A query per rank
rather than one OR: each stays a plain index range scan on both databases (see bench/dx.py).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Engine, delete, func, insert, select

from adapters.db.catalog_tables import catalog_items, diagnosis_keys
from ports.catalog_store import VALID
from ports.diagnosis_search import DiagnosisHit, DiagnosisIndex, SearchKeys

_CODE = re.compile(r"[A-Za-z0-9.+*\-]+")  # what a diagnosis code can hold: no LIKE wildcard
_BATCH = 2000


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starts(column, prefix: str) -> ColumnElement[bool]:
    if "%" in prefix or "_" in prefix or "\\" in prefix:
        return column.like(_escaped(prefix) + "%", escape="\\")
    return column.like(prefix + "%")  # without ESCAPE: SQLite serves it from the index only so


class SqlDiagnosisIndex(DiagnosisIndex):
    def __init__(self, engine: Engine, keys: SearchKeys):
        self._engine, self._keys = engine, keys

    def search(self, query: str, kinds: Sequence[str], limit: int) -> list[DiagnosisHit]:
        k = diagnosis_keys.c
        text = query.strip()
        typed = "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())  # as keys are stored
        code = text.upper()
        by_code, by_length = (k.code_key, k.kind), (func.length(k.name), k.code_key, k.kind)
        ranks: list[tuple[ColumnElement[bool], tuple]] = []  # (where, order): codes in code order
        if _CODE.fullmatch(text):
            ranks += [(k.code_key == code, by_code), (_starts(k.code_key, code), by_code)]
        if typed:
            ranks += [(_starts(k.initials, typed), by_length), (_starts(k.pinyin, typed), by_length)]
        ranks += [(_starts(k.name, text), by_length),
                  (func.lower(k.name).like("%" + _escaped(text.lower()) + "%", escape="\\"), by_length)]
        found: dict[tuple[str, str], DiagnosisHit] = {}
        with self._engine.connect() as conn:
            for where, order in ranks:
                if len(found) >= limit:
                    break
                stmt = select(k.kind, k.code, k.name).where(where).order_by(*order).limit(limit)
                if kinds:
                    stmt = stmt.where(k.kind.in_(list(kinds)))
                for row in conn.execute(stmt):
                    found.setdefault((row.kind, row.code), DiagnosisHit(row.code, row.name, row.kind))
        return list(found.values())[:limit]

    def reindex(self, kind: str) -> int:
        items = catalog_items.c
        with self._engine.begin() as conn:
            conn.execute(delete(diagnosis_keys).where(diagnosis_keys.c.kind == kind))
            rows = conn.execute(select(items.code, items.name).where(
                items.kind == kind, items.vali_flag == VALID, items.name.is_not(None))).all()
            for at in range(0, len(rows), _BATCH):
                values = []
                for code, name in rows[at:at + _BATCH]:
                    keys = self._keys.keys(name)
                    values.append({"kind": kind, "code": code, "code_key": code.upper(), "initials": keys.initials,
                                   "pinyin": keys.pinyin, "name": name})
                conn.execute(insert(diagnosis_keys), values)
        return len(rows)
