"""The downloaded catalogues (13xx) and their sync checkpoints, on the schema's one `metadata`.

catalog_items keeps one row per (kind, code), the code's newest version; `data` is the row exactly
as the file carried it (tab-separated, "null" for empty) in the order of catalog_sync_state.column_names:
lossless, about half the size of the same row as JSON, and free to store at a million rows.
"""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from adapters.db.tables import metadata

KIND = 20
VERSION = 20

catalog_items = Table(
    "catalog_items", metadata,
    Column("kind", String(KIND), nullable=False),
    Column("code", String(50), nullable=False),
    Column("name", String(500), nullable=True),
    Column("version", String(VERSION), nullable=False),  # 版本名称: yyyyMMdd + sequence, sorts as text
    Column("vali_flag", String(3), nullable=False),  # 有效标志: "1" valid, "0" stopped
    Column("updated_at", DateTime, nullable=True),  # 数据更新时间
    Column("data", Text, nullable=False),
    Column("synced_at", DateTime, nullable=False),
    # the primary key is the (kind, code) index every lookup and upsert uses
    PrimaryKeyConstraint("kind", "code"),
)

catalog_sync_state = Table(
    "catalog_sync_state", metadata,
    Column("kind", String(KIND), primary_key=True),
    Column("infno", String(10), nullable=False),
    Column("synced_ver", String(VERSION), nullable=False),
    Column("column_names", Text, nullable=False),  # JSON array: the order of the values in catalog_items.data
    # the download being imported; NULL when none is
    Column("file_qury_no", String(50), nullable=True),
    Column("filename", String(200), nullable=True),
    Column("dld_endtime", DateTime, nullable=True),
    Column("data_cnt", Integer, nullable=True),
    Column("base_ver", String(VERSION), nullable=True),
    Column("rows_done", Integer, nullable=False),
    Column("newest_ver", String(VERSION), nullable=False),
    # counts of that download (of the last finished one when none is running)
    Column("added", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("stopped", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
)


def _prefix_text(length: int) -> String:
    """Text searched by prefix (LIKE 'x%') through its index: on PostgreSQL a btree serves LIKE
    only under collation "C"; on SQLite only under NOCASE (LIKE is case-insensitive there)."""
    return (String(length).with_variant(String(length, collation="C"), "postgresql")
            .with_variant(String(length, collation="NOCASE"), "sqlite"))


# The search keys of the valid diagnosis rows (ports.diagnosis_search), rebuilt per kind after a sync
diagnosis_keys = Table(
    "diagnosis_keys", metadata,
    Column("kind", String(KIND), nullable=False),
    Column("code", String(50), nullable=False),
    Column("code_key", _prefix_text(50), nullable=False),  # the code in upper case
    Column("initials", _prefix_text(500), nullable=False),
    Column("pinyin", _prefix_text(2000), nullable=False),
    Column("name", _prefix_text(500), nullable=False),
    PrimaryKeyConstraint("kind", "code"),
)
Index("ix_diagnosis_keys_code_key", diagnosis_keys.c.code_key)
Index("ix_diagnosis_keys_initials", diagnosis_keys.c.initials)
Index("ix_diagnosis_keys_pinyin", diagnosis_keys.c.pinyin)
Index("ix_diagnosis_keys_name", diagnosis_keys.c.name)
