"""CatalogStore in SQL. A batch is one transaction: move the checkpoint first (its row lock keeps
two imports of one kind from interleaving), write the rows, add their counts.

The rows go through the driver, per dialect. Both keep each code's newest version: an update
happens only when the incoming version is newer (`WHERE catalog_items.version < excluded.version`).
- PostgreSQL: a first download into an empty kind is COPYed straight into catalog_items; otherwise
  (and from the first batch that meets a code already there) COPY into a temporary table and one
  INSERT ... SELECT ... ON CONFLICT DO UPDATE. See _merge_postgres for how rows are counted.
- SQLite: read what the table holds for the batch's codes, fold (ports.catalog_store.fold), one
  executemany of INSERT ... ON CONFLICT DO UPDATE.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from psycopg.errors import UniqueViolation
from sqlalchemy import Connection, Engine, case, func, insert, select, update

from adapters.db.catalog_tables import catalog_items, catalog_sync_state
from ports.catalog_store import (NULL_TEXT, VALID, CatalogItem, CatalogRow, CatalogStore, Checkpoint,
                                 CheckpointMoved, PendingFile, Tally, fold)
from ports.clock import Clock, SystemClock

_COUNTS = ("added", "changed", "stopped", "skipped")
_SET = ("name", "version", "vali_flag", "updated_at", "data", "synced_at")
_CONFLICT = (" ON CONFLICT (kind, code) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _SET)
             + " WHERE catalog_items.version < excluded.version")

_PG_STAGE = ("CREATE TEMP TABLE IF NOT EXISTS catalog_stage (code text, name text, version text, vali_flag text,"
             " updated_at timestamp, data text) ON COMMIT DELETE ROWS")
_PG_MERGE = ("WITH merged AS (INSERT INTO catalog_items (kind, code, name, version, vali_flag, updated_at, data,"
             " synced_at) SELECT %s, code, name, version, vali_flag, updated_at, data, %s FROM catalog_stage"
             + _CONFLICT + " RETURNING code, xmax = 0 AS inserted)"
             " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)"
             " FROM merged WHERE code <> ALL(%s::text[])")
_PG_COPY_ITEMS = "COPY catalog_items (kind, code, name, version, vali_flag, updated_at, data, synced_at) FROM STDIN"
_PG_HELD = "SELECT code, version, vali_flag FROM catalog_items WHERE kind = %s AND code = ANY(%s)"
_SQLITE_UPSERT = ("INSERT INTO catalog_items (kind, code, name, version, vali_flag, updated_at, data, synced_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + _CONFLICT)
_SQLITE_HELD = ("SELECT code, version, vali_flag FROM catalog_items"
                " WHERE kind = ? AND code IN (SELECT value FROM json_each(?))")


class SqlCatalogStore(CatalogStore):
    def __init__(self, engine: Engine, clock: Clock | None = None):
        self._engine = engine
        self._clock = clock or SystemClock()
        self._fresh: set[str] = set()  # kinds whose file started on an empty table: try plain COPY

    # ---- checkpoints -------------------------------------------------------------------------
    def checkpoint(self, kind: str) -> Checkpoint:
        with self._engine.connect() as conn:
            row = conn.execute(select(catalog_sync_state).where(catalog_sync_state.c.kind == kind)).mappings().first()
        return Checkpoint(kind) if row is None else _checkpoint(row)

    def start(self, kind: str, file: PendingFile, columns: Sequence[str]) -> Checkpoint:
        now = self._clock.now()
        values = {"infno": file.infno, "column_names": json.dumps(list(columns), ensure_ascii=False),
                  "file_qury_no": file.file_qury_no, "filename": file.filename, "dld_endtime": file.dld_endtime,
                  "data_cnt": file.data_cnt, "base_ver": file.base_ver, "rows_done": 0, "updated_at": now}
        state = catalog_sync_state.c
        with self._engine.begin() as conn:
            if conn.execute(select(catalog_items.c.kind).where(catalog_items.c.kind == kind).limit(1)).first():
                self._fresh.discard(kind)
            else:
                self._fresh.add(kind)
            held = conn.execute(select(state.file_qury_no).where(state.kind == kind)).first()
            if held is None:
                conn.execute(insert(catalog_sync_state).values(
                    kind=kind, synced_ver=file.base_ver, newest_ver="", started_at=now,
                    **dict.fromkeys(_COUNTS, 0), **values))
            elif held.file_qury_no is None:  # a new import: its own counts
                conn.execute(update(catalog_sync_state).where(state.kind == kind).values(
                    newest_ver="", started_at=now, finished_at=None, **dict.fromkeys(_COUNTS, 0), **values))
            else:  # replaces an unfinished file: counts and newest version so far stay
                conn.execute(update(catalog_sync_state).where(state.kind == kind).values(**values))
        return self.checkpoint(kind)

    def finish(self, kind: str) -> Checkpoint:
        state = catalog_sync_state.c
        newer = case((state.newest_ver > state.synced_ver, state.newest_ver), else_=state.synced_ver)
        now = self._clock.now()
        with self._engine.begin() as conn:
            conn.execute(update(catalog_sync_state).where(state.kind == kind).values(
                synced_ver=newer, file_qury_no=None, filename=None, dld_endtime=None, base_ver=None,
                updated_at=now, finished_at=now))
        return self.checkpoint(kind)

    # ---- rows --------------------------------------------------------------------------------
    def write(self, kind: str, file_qury_no: str, at: int, lines: int, rows: Sequence[CatalogRow]) -> Tally:
        state = catalog_sync_state.c
        now = self._clock.now()
        with self._engine.begin() as conn:
            moved = conn.execute(update(catalog_sync_state).where(
                state.kind == kind, state.file_qury_no == file_qury_no, state.rows_done == at).values(
                rows_done=at + lines, updated_at=now))
            if moved.rowcount != 1:
                raise CheckpointMoved(f"catalogue {kind}: checkpoint is not at line {at} of {file_qury_no}; "
                                     "another import of it runs?")
            if not rows:
                return Tally()
            if conn.dialect.name == "postgresql":
                tally, direct = _merge_postgres(conn, kind, rows, now, kind in self._fresh)
                if not direct:
                    self._fresh.discard(kind)
            else:
                tally = _merge_sqlite(conn, kind, rows, now)
            newest = max(r.version for r in rows)
            conn.execute(update(catalog_sync_state).where(state.kind == kind).values(
                newest_ver=case((state.newest_ver < newest, newest), else_=state.newest_ver),
                **{name: state[name] + getattr(tally, name) for name in _COUNTS}))
        return tally

    def item(self, kind: str, code: str) -> CatalogItem | None:
        items = catalog_items.c
        with self._engine.connect() as conn:
            row = conn.execute(select(catalog_items).where(items.kind == kind, items.code == code)).mappings().first()
            names = conn.execute(select(catalog_sync_state.c.column_names)
                                 .where(catalog_sync_state.c.kind == kind)).scalar()
        if row is None:
            return None
        values = [None if v == NULL_TEXT else v for v in row["data"].split("\t")]
        return CatalogItem(kind=kind, code=code, name=row["name"], version=row["version"],
                           valid=row["vali_flag"] == VALID, updated_at=row["updated_at"],
                           fields=dict(zip(json.loads(names or "[]"), values)))

    def count(self, kind: str, valid_only: bool = False) -> int:
        items = catalog_items.c
        query = select(func.count()).select_from(catalog_items).where(items.kind == kind)
        if valid_only:
            query = query.where(items.vali_flag == VALID)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


def _checkpoint(row) -> Checkpoint:
    file = None
    if row["file_qury_no"] is not None:
        file = PendingFile(row["file_qury_no"], row["filename"] or "", row["dld_endtime"], row["data_cnt"] or 0,
                           row["base_ver"] or row["synced_ver"], row["infno"])
    return Checkpoint(kind=row["kind"], synced_ver=row["synced_ver"], file=file, rows_done=row["rows_done"],
                      newest_ver=row["newest_ver"], tally=Tally(*(row[name] for name in _COUNTS)),
                      columns=tuple(json.loads(row["column_names"])))


# ---- per dialect, through the driver: these run a million times per big import -------------------
def _merge_postgres(conn: Connection, kind: str, rows: Sequence[CatalogRow], now: datetime,
                    direct: bool) -> tuple[Tally, bool]:
    """Returns the counts and whether the next batch may try `direct` again.

    `direct` (the kind was empty when this file started): COPY straight into catalog_items, in a
    savepoint; a code the table already holds fails it (unique violation), and this batch and the
    rest of the file take the merge. The merge: COPY into the session's stage table, then one
    INSERT ... ON CONFLICT from it. Reading what is held for every code first would cost PostgreSQL
    a scan of the kind per batch (it judges 10,000 index probes dearer), so only the rare codes that
    need it are read and folded here: repeated in the batch, or arriving stopped. The others count
    from the merge itself: inserted (xmax = 0) is added, updated is changed, not returned (the table
    holds that version or newer) is skipped."""
    seen: set[str] = set()
    special: set[str] = set()
    repeated = False
    for r in rows:
        if r.code in seen:
            special.add(r.code)
            repeated = True
        elif r.valid != VALID:
            special.add(r.code)
        seen.add(r.code)
    with conn.connection.cursor() as cur:
        # asynchronous commit: a crash can lose the last batches, never half of one, and the
        # checkpoint commits with them, so a re-run redoes exactly what was lost
        cur.execute("SET LOCAL synchronous_commit TO OFF")
        if direct and not repeated:
            try:
                with conn.begin_nested(), cur.copy(_PG_COPY_ITEMS) as copy:
                    for row in rows:
                        copy.write_row((kind, *row, now))
                stopped = len(special)  # no repeats: the special codes are the rows arriving stopped
                return Tally(added=len(rows) - stopped, stopped=stopped), True
            except UniqueViolation:
                direct = False
        tally, staged = Tally(), rows
        if special:
            cur.execute(_PG_HELD, (kind, list(special)))
            final, tally = fold((r for r in rows if r.code in special), {c: (v, f) for c, v, f in cur})
            staged = [r for r in rows if r.code not in special] + list(final.values())
        cur.execute(_PG_STAGE)  # per connection; IF NOT EXISTS also covers a rolled-back creation
        with cur.copy("COPY catalog_stage FROM STDIN") as copy:
            for row in staged:
                copy.write_row(row)  # CatalogRow's fields are the stage's columns, in order
        cur.execute(_PG_MERGE, (kind, now, list(special)))
        inserted, updated = cur.fetchone()
    plain = len(rows) - sum(1 for r in rows if r.code in special) if special else len(rows)
    tally.added += inserted
    tally.changed += updated
    tally.skipped += plain - inserted - updated
    return tally, direct


def _merge_sqlite(conn: Connection, kind: str, rows: Sequence[CatalogRow], now: datetime) -> Tally:
    """Read what is held for the batch's codes (index probes in-process are cheap), fold, and write
    the result with one executemany."""
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # the text SQLAlchemy's DateTime writes on SQLite
    cur = conn.connection.cursor()
    try:
        cur.execute(_SQLITE_HELD, (kind, json.dumps([r.code for r in rows], ensure_ascii=False)))
        final, tally = fold(rows, {code: (version, valid) for code, version, valid in cur})
        cur.executemany(_SQLITE_UPSERT, ((kind, r.code, r.name, r.version, r.valid, r.updated, r.line, stamp)
                                         for r in final.values()))
    finally:
        cur.close()
    return tally
