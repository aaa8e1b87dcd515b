"""Repositories in SQL Core: the aggregates are plain domain dataclasses, read and written with
prebuilt statements on the unit of work's connection.

Loading builds the dataclasses straight from the rows and remembers, on the visit, a snapshot of
what the database holds (row values, child row ids, the version). Saving diffs the visit against
that snapshot: a versioned UPDATE of the visits row (`WHERE id = :id AND version = :v`, no row →
ConcurrencyConflict), then DELETE of the children gone, UPDATE of those changed, INSERT of the new.
Any change, even one confined to children, bumps the version, so the version guards the whole
aggregate. The snapshot travels with the visit, so a visit loaded by one unit of work can be
attached to a later one and saved the same way (see ports.repositories.VisitRepository.attach).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from operator import attrgetter

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from adapters.db import tables as t
from adapters.db.engine import begin_explicit
from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.person import InsuredPerson, Insurance
from domain.settlement import FundPayment, Settlement
from domain.visit import Diagnosis, FeeItem, Visit, VisitState
from ports.repositories import PersonRepository, VisitCursor, VisitFilter, VisitPage, VisitRepository

# The attribute that carries a visit's snapshot. Not a dataclass field: equality, repr and
# dataclasses.replace() ignore it (a replace()d copy is a new visit to the repository).
SNAPSHOT = "_db_snapshot"


def _fields(cls, *skip: str) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in skip)


def _check_columns(table, names: tuple[str, ...], *extra: str) -> None:
    missing = set(names) - set(table.c.keys())
    unmapped = set(table.c.keys()) - set(names) - set(extra)
    if missing or unmapped:  # the domain and the schema drifted apart: fail at import, not on a row
        raise RuntimeError(f"{table.name}: fields without a column {sorted(missing)}, "
                           f"columns without a field {sorted(unmapped)}")


class _Kind:
    """How one domain class maps to one table: its fields in column order, a reader of the values
    (compared with the snapshot), and a builder that skips __init__ as an ORM load would."""

    def __init__(self, cls, table, fields: tuple[str, ...], *extra: str):
        _check_columns(table, fields, *extra)
        self.cls, self.table, self.fields = cls, table, fields
        self.columns = tuple(table.c[name] for name in fields)
        self.values = attrgetter(*fields)  # more than one field: returns a tuple

    def build(self, values, **more):
        obj = self.cls.__new__(self.cls)
        d = obj.__dict__
        d.update(zip(self.fields, values))
        if more:
            d.update(more)
        return obj

    def changed(self, values: tuple, before: tuple) -> dict:
        """The fields whose values differ from `before` (same order), as parameters."""
        return {name: value for name, value, old in zip(self.fields, values, before) if value != old}

    def params(self, values: tuple, **more) -> dict:
        p = dict(zip(self.fields, values))
        if more:
            p.update(more)
        return p


_VISIT = _Kind(Visit, t.visits, _fields(Visit, "diagnoses", "fees", "settlements", "version"), "version")
_DIAG = _Kind(Diagnosis, t.diagnoses, _fields(Diagnosis), "id", "visit_id")
# fee rows and settlements belong to a visit or to a stay (admission_id, see OwnedRows)
_FEE = _Kind(FeeItem, t.fee_items, _fields(FeeItem), "id", "visit_id", "admission_id")
_SETL = _Kind(Settlement, t.settlements, _fields(Settlement, "details"), "id", "visit_id", "admission_id")
_DETAIL = _Kind(FundPayment, t.setl_details, _fields(FundPayment), "id", "settlement_id")
_PERSON = _Kind(InsuredPerson, t.persons, _fields(InsuredPerson, "insurances"), "updated_at")
_INSURANCE = _Kind(Insurance, t.insurances, _fields(Insurance), "id", "psn_no")

V, D, F, S, SD = t.visits, t.diagnoses, t.fee_items, t.settlements, t.setl_details
_NV, _NS = len(_VISIT.fields), len(_SETL.fields)

# ---- loads: built once. A visit comes in one to three queries: the visit row with its diagnoses
# and whether it has fees and settlements at all; then the fees, and the settlements with their
# fund rows, each only if there are any. A list of visits takes four queries, whatever its length.
# (One UNION ALL of the five tables was measured slower: PostgreSQL plans it for over a
# millisecond and every row carries every column.) -------------------------------------------------
_HAS_FEES = exists().where(F.c.visit_id == V.c.id)
_HAS_SETTLEMENTS = exists().where(S.c.visit_id == V.c.id)
_BY_ID = (select(*_VISIT.columns, V.c.version, _HAS_FEES, _HAS_SETTLEMENTS, D.c.id, *_DIAG.columns)
          .select_from(V.outerjoin(D, D.c.visit_id == V.c.id))
          .where(V.c.id == bindparam("id")).order_by(D.c.id))
_DIAG_AT = _NV + 3  # the diagnosis row id in a _BY_ID row; its values follow
_SETTLEMENTS_JOIN = (select(S.c.id, *_SETL.columns, SD.c.id, *_DETAIL.columns)
                     .select_from(S.outerjoin(SD, SD.c.settlement_id == S.c.id)))


def _owned_statements(column: str) -> tuple:
    """Reads of one owner's fee rows and settlements (with fund rows), by owner column: by one id,
    then by a list of ids (the owner id leads each row)."""
    fee_owner, setl_owner = F.c[column], S.c[column]
    ids = bindparam("ids", expanding=True)
    return (select(F.c.id, *_FEE.columns).where(fee_owner == bindparam("id")).order_by(F.c.id),
            _SETTLEMENTS_JOIN.where(setl_owner == bindparam("id")).order_by(S.c.id, SD.c.id),
            select(fee_owner, F.c.id, *_FEE.columns).where(fee_owner.in_(ids)).order_by(F.c.id),
            _SETTLEMENTS_JOIN.add_columns(setl_owner).where(setl_owner.in_(ids)).order_by(S.c.id, SD.c.id))


_FEES, _SETTLEMENTS, _MANY_FEES, _MANY_SETTLEMENTS = _owned_statements("visit_id")

_ID_BY_MDTRT_ID = select(V.c.id).where(V.c.mdtrt_id == bindparam("mdtrt_id"))
_ID_BY_IPT_OTP_NO = select(V.c.id).where(V.c.ipt_otp_no == bindparam("ipt_otp_no"))
# only a visit still REGISTERING, at the version it was read: a registration that completed
# meanwhile is not thrown away
_DISCARD = delete(V).where(V.c.id == bindparam("b_id"), V.c.version == bindparam("b_version"),
                           V.c.state == VisitState.REGISTERING)
_VISITS = select(*_VISIT.columns, V.c.version)
# The listing order, and the keyset that continues it: a row value comparison, which both SQLite
# and PostgreSQL answer from an index on (..., begntime, id) without sorting (see tables.py).
_NEWEST_FIRST = (V.c.begntime.desc(), V.c.id.desc())
_AFTER_CURSOR = tuple_(V.c.begntime, V.c.id) < tuple_(bindparam("after_begntime", type_=V.c.begntime.type),
                                                       bindparam("after_id", type_=V.c.id.type))
_MANY_DIAGS = (select(D.c.visit_id, D.c.id, *_DIAG.columns)
               .where(D.c.visit_id.in_(bindparam("ids", expanding=True))).order_by(D.c.id))

# ---- writes ------------------------------------------------------------------------------------
_INSERT_VISIT = insert(V)
# SET takes the columns named in the parameters: all of them, or the version alone
_UPDATE_VISIT = update(V).where(V.c.id == bindparam("b_id"), V.c.version == bindparam("b_version"))
_CHILD_DELETE = {k: delete(k.table).where(k.table.c.id == bindparam("b_id")) for k in (_DIAG, _FEE, _SETL, _DETAIL)}
_CHILD_UPDATE = {k: update(k.table).where(k.table.c.id == bindparam("b_id")) for k in (_DIAG, _FEE, _SETL, _DETAIL)}
# One row: INSERT ... RETURNING id. Many rows on SQLite: one INSERT ... RETURNING for all; SQLite
# hands out rowids in insertion order (max + 1 under the write lock), so the ids, sorted, are in
# parameter order. Many rows on PostgreSQL: the ids are drawn from the table's sequence first and
# the rows inserted with them in one pipelined executemany. (A multi-row VALUES ... RETURNING has
# rows x columns parameters; beyond 50 psycopg re-parses such a statement on every execution,
# which cost more than the extra round trip.)
_CHILD_INSERT = {k: insert(k.table).returning(k.table.c.id) for k in (_DIAG, _FEE, _SETL, _DETAIL)}
_CHILD_INSERT_WITH_IDS = {k: insert(k.table) for k in (_DIAG, _FEE, _SETL, _DETAIL)}
_NEXT_IDS = {k: text(f"SELECT nextval(pg_get_serial_sequence('{k.table.name}', 'id'))"
                     " FROM generate_series(1, :n)") for k in (_DIAG, _FEE, _SETL, _DETAIL)}


@dataclasses.dataclass(slots=True)
class _Snapshot:
    """What the database holds for one visit: its row values and version, and per child list
    the entries [object, row id, values, fund-row entries (settlements) or None], in list order."""

    version: int
    row: tuple
    diagnoses: list
    fees: list
    settlements: list


class VersionConflict(Exception):
    """An aggregate's row was not at the version read (its id as the message): SnapshotStore.flush
    makes it a ConcurrencyConflict."""


class Transaction:
    """The unit of work's connection, and whether a transaction was opened on it for writing."""

    __slots__ = ("conn", "_explicit", "begun")

    def __init__(self, conn: Connection):
        self.conn = conn
        self._explicit = conn.dialect.name == "postgresql"  # see engine.statement_engine
        self.begun = False

    def writing(self) -> Connection:
        """The connection, inside a transaction: call before each write."""
        if not self.begun:
            if self._explicit:
                begin_explicit(self.conn)
            self.begun = True
        return self.conn

    def ended(self) -> None:
        self.begun = False


def _insert_ids(conn: Connection, kind: _Kind, rows: list[dict]) -> list[int]:
    """Insert child rows; their new ids, in the order of `rows`."""
    if len(rows) == 1:
        return [conn.execute(_CHILD_INSERT[kind], rows[0]).scalar_one()]
    if conn.dialect.name == "sqlite":
        return sorted(conn.execute(_CHILD_INSERT[kind], rows).scalars().all())
    ids = conn.execute(_NEXT_IDS[kind], {"n": len(rows)}).scalars().all()
    for row, row_id in zip(rows, ids):
        row["id"] = row_id
    conn.execute(_CHILD_INSERT_WITH_IDS[kind], rows)
    return ids


class SnapshotStore:
    """The saving half of a store whose aggregates carry their snapshot (SNAPSHOT) from load to save:
    an identity map of what this unit of work handed out, added or attached; flush() inserts those
    without a snapshot and diffs the others against theirs (subclasses' _insert / _update, which end
    in _saved), after deleting the discarded; a rollback puts snapshots and versions back."""

    _noun = "record"  # in the conflict's message

    def __init__(self, tx: Transaction):
        self._tx = tx
        self._conn = tx.conn
        self._identity: dict[str, object] = {}
        self._undo: list[tuple[object, object, int]] = []  # (aggregate, snapshot before, version): flushed
        self._discarded: list[tuple[str, int]] = []  # (id, version read), deleted at flush

    def _insert(self, aggregate) -> None:
        raise NotImplementedError

    def _update(self, aggregate, snapshot) -> None:
        raise NotImplementedError

    def _delete(self, key: str, version: int) -> int:
        """Delete a discarded aggregate still at `version`; the number of rows deleted."""
        raise NotImplementedError

    def _discard(self, key: str, aggregate) -> None:
        self._identity.pop(key, None)
        snapshot = aggregate.__dict__.get(SNAPSHOT)
        if snapshot is not None:  # never stored: nothing to delete
            self._discarded.append((key, snapshot.version))

    def flush(self) -> None:
        """Write every change of the aggregates in this unit of work; raises ConcurrencyConflict when
        one's version moved on, or a key (id, mdtrt_id, feedetl_sn...) was taken meanwhile."""
        try:
            while self._discarded:
                key, version = self._discarded.pop()
                if self._delete(key, version) != 1:
                    raise VersionConflict(key)
            for aggregate in self._identity.values():
                snapshot = aggregate.__dict__.get(SNAPSHOT)
                if snapshot is None:
                    self._insert(aggregate)
                else:
                    self._update(aggregate, snapshot)
        except VersionConflict as err:
            raise ConcurrencyConflict(f"{self._noun} {err} was changed by someone else; reload and retry") from None
        except IntegrityError as err:
            if is_conflict(err):
                raise ConcurrencyConflict("a record with the same key was written by someone else") from err
            raise

    def _saved(self, aggregate, snapshot, before=None) -> None:
        d = aggregate.__dict__
        self._undo.append((aggregate, before, d.get("version")))
        d[SNAPSHOT] = snapshot
        d["version"] = snapshot.version

    # ---- the transaction's end -------------------------------------------------------------
    def committed(self) -> None:
        self._undo.clear()

    def rolled_back(self) -> None:
        """Forget what was flushed: the snapshots and versions are as before the flush, and the
        identity map is empty, as after a new begin."""
        while self._undo:
            aggregate, before, version = self._undo.pop()
            d = aggregate.__dict__
            if before is None:
                d.pop(SNAPSHOT, None)
            else:
                d[SNAPSHOT] = before
            d["version"] = version
        self._identity.clear()
        self._discarded.clear()


class SqlVisitRepository(SnapshotStore, VisitRepository):
    """Visits over one connection (the unit of work's). It keeps an identity map: within one unit
    of work a visit id stands for one object, and every visit it handed out, added or attached
    is saved by flush()."""

    _noun = "visit"

    # ---- the port --------------------------------------------------------------------------
    def add(self, visit: Visit) -> None:
        self._identity[visit.id] = visit

    def attach(self, visit: Visit) -> None:
        # its snapshot came with it from the unit of work that loaded it; without one it is new
        self._identity[visit.id] = visit

    def get(self, visit_id: str) -> Visit | None:
        found = self._identity.get(visit_id)
        if found is not None:
            return found
        self._autoflush()
        conn = self._conn
        rows = conn.execute(_BY_ID, {"id": visit_id}).all()
        if not rows:
            return None
        head = rows[0]
        at = _DIAG_AT
        diag_entries = [[_DIAG.build(r[at + 1:]), r[at], r[at + 1:], None] for r in rows] \
            if head[at] is not None else []
        fee_entries = [[_FEE.build(r[1:]), r[0], r[1:], None] for r in conn.execute(_FEES, {"id": visit_id})] \
            if head[_NV + 1] else []
        setl_entries = _settlements(conn.execute(_SETTLEMENTS, {"id": visit_id})) if head[_NV + 2] else []
        return self._visit(head[:_NV], head[_NV], diag_entries, fee_entries, setl_entries)

    def by_ipt_otp_no(self, ipt_otp_no: str) -> Visit | None:
        self._autoflush()
        visit_id = self._conn.execute(_ID_BY_IPT_OTP_NO, {"ipt_otp_no": ipt_otp_no}).scalar()
        return None if visit_id is None else self.get(visit_id)

    def discard(self, visit: Visit) -> None:
        if visit.state is not VisitState.REGISTERING:
            raise IllegalTransition(f"visit {visit.id} is {visit.state.value}: only a registration that never "
                                    "took effect may be discarded")
        self._discard(visit.id, visit)

    def by_mdtrt_id(self, mdtrt_id: str) -> Visit | None:
        if not mdtrt_id:  # "" means "not registered yet" and is stored as NULL
            return None
        self._autoflush()
        visit_id = self._conn.execute(_ID_BY_MDTRT_ID, {"mdtrt_id": mdtrt_id}).scalar()
        return None if visit_id is None else self.get(visit_id)

    def list(self, where: VisitFilter = VisitFilter(), *, limit: int = 100,
             after: VisitCursor | None = None) -> VisitPage:
        stmt = _VISITS.where(*_conditions(where)).order_by(*_NEWEST_FIRST).limit(limit + 1)
        params = {}
        if after is not None:
            stmt = stmt.where(_AFTER_CURSOR)
            params = {"after_begntime": after.begntime, "after_id": after.id}
        self._autoflush()
        heads = self._conn.execute(stmt, params).all()
        # one row more than asked says whether a next page exists; its children are not loaded
        visits = self._build_many(heads[:limit])
        return VisitPage(visits, VisitCursor.after(visits[-1]) if len(heads) > limit else None)

    def in_state(self, state: VisitState, limit: int = 1000) -> list[Visit]:
        return self._load_many(_VISITS.where(V.c.state == state).order_by(V.c.begntime).limit(limit))

    # ---- loading ---------------------------------------------------------------------------
    def _load_many(self, stmt) -> list[Visit]:
        self._autoflush()
        return self._build_many(self._conn.execute(stmt).all())

    def _build_many(self, heads) -> list[Visit]:
        """Visits built from these rows of `visits`, with their children (three queries, whatever
        the count); only these visits' children are read."""
        conn = self._conn
        if not heads:
            return []
        ids = [h[0] for h in heads]
        children: dict[str, tuple[list, list, list]] = {i: ([], [], []) for i in ids}
        for r in conn.execute(_MANY_DIAGS, {"ids": ids}):
            children[r[0]][0].append([_DIAG.build(r[2:]), r[1], r[2:], None])
        for r in conn.execute(_MANY_FEES, {"ids": ids}):
            children[r[0]][1].append([_FEE.build(r[2:]), r[1], r[2:], None])
        for r in conn.execute(_MANY_SETTLEMENTS, {"ids": ids}):
            children[r[-1]][2].append(r[:-1])
        visits = []
        for head in heads:
            known = self._identity.get(head[0])  # handed out before in this unit of work: as it is
            diag_entries, fee_entries, setl_rows = children[head[0]]
            visits.append(known if known is not None else
                          self._visit(head[:_NV], head[_NV], diag_entries, fee_entries, _settlements(setl_rows)))
        return visits

    def _visit(self, row: tuple, version: int, diag_entries: list, fee_entries: list, setl_entries: list) -> Visit:
        visit = _VISIT.build(row, version=version, diagnoses=[e[0] for e in diag_entries],
                             fees=[e[0] for e in fee_entries], settlements=[e[0] for e in setl_entries])
        visit.__dict__[SNAPSHOT] = _Snapshot(version, row, diag_entries, fee_entries, setl_entries)
        self._identity[visit.id] = visit
        return visit

    # ---- saving ----------------------------------------------------------------------------
    def _autoflush(self) -> None:
        if self._identity:
            self.flush()

    def _delete(self, key: str, version: int) -> int:
        return self._tx.writing().execute(_DISCARD, {"b_id": key, "b_version": version}).rowcount

    def _insert(self, visit: Visit) -> None:
        conn = self._tx.writing()
        row = _VISIT.values(visit)
        conn.execute(_INSERT_VISIT, _VISIT.params(row, version=1))
        self._saved(visit, _Snapshot(
            1, row,
            _insert_children(conn, _DIAG, {"visit_id": visit.id}, visit.diagnoses),
            _insert_children(conn, _FEE, {"visit_id": visit.id}, visit.fees),
            _insert_settlements(conn, {"visit_id": visit.id}, visit.settlements)))

    def _update(self, visit: Visit, snapshot: _Snapshot) -> None:
        row = _VISIT.values(visit)
        changes = _changes(((_DIAG, visit.diagnoses, snapshot.diagnoses), (_FEE, visit.fees, snapshot.fees)),
                           visit.settlements, snapshot.settlements)
        row_changed = row != snapshot.row
        if not (row_changed or changes.changed):
            return
        conn = self._tx.writing()
        version = snapshot.version + 1
        params = _VISIT.changed(row, snapshot.row) if row_changed else {}
        params["version"], params["b_id"], params["b_version"] = version, visit.id, snapshot.version
        if conn.execute(_UPDATE_VISIT, params).rowcount != 1:
            raise VersionConflict(visit.id)  # else the row is locked: the children below are ours alone
        _write_changes(conn, {"visit_id": visit.id}, changes)
        diagnoses, fees, settlements = changes.entries()
        self._saved(visit, _Snapshot(version, row, diagnoses, fees, settlements), snapshot)


def _conditions(where: VisitFilter) -> list:
    found = []
    if where.psn_no is not None:
        found.append(V.c.psn_no == where.psn_no)
    if where.dept_code is not None:
        found.append(V.c.dept_code == where.dept_code)
    if where.begntime_from is not None:
        found.append(V.c.begntime >= where.begntime_from)
    if where.begntime_before is not None:
        found.append(V.c.begntime < where.begntime_before)
    if where.states:
        found.append(V.c.state.in_(sorted(where.states)))
    return found


class _Diff:
    """A child list against its snapshot entries [object, row id, values, fund-row entries or
    None]. `entries` becomes the new snapshot: unchanged entries are shared with the old one and
    never mutated; changed and new ones are new lists (ids of new rows filled in after INSERT)."""

    __slots__ = ("entries", "inserted", "updated", "before", "deleted", "changed")

    def fill(self, ids: list[int]) -> None:
        for entry, row_id in zip(self.inserted, ids):
            entry[1] = row_id


def _diff(kind: _Kind, current: list, entries: list) -> _Diff:
    diff = _Diff()
    diff.entries, diff.inserted, diff.updated, diff.before = new, inserted, updated, before = [], [], [], []
    old = {id(e[0]): e for e in entries}
    values_of = kind.values
    for obj in current:
        values = values_of(obj)
        entry = old.pop(id(obj), None)
        if entry is None:
            entry = [obj, None, values, None]
            inserted.append(entry)
        elif values != entry[2]:
            before.append(entry[2])
            entry = [obj, entry[1], values, entry[3]]
            updated.append(entry)
        new.append(entry)
    diff.deleted = [e[1] for e in old.values()]
    diff.changed = bool(inserted or updated or diff.deleted)
    return diff


@dataclasses.dataclass(slots=True)
class _Changes:
    """What saving an owner writes of its child rows: the diffs of its plain child lists (kind,
    diff), of its settlements, and of the fund rows of its stored settlements (position, diff)."""

    lists: tuple
    settlements: _Diff
    details: list

    @property
    def changed(self) -> bool:
        return bool(any(d.changed for _k, d in self.lists) or self.settlements.changed or self.details)

    def entries(self) -> tuple:
        """The new snapshot entries: one list per plain child list, then the settlements'."""
        return (*(d.entries for _k, d in self.lists), self.settlements.entries)


def _changes(lists, settlements: list, settlement_entries: list) -> _Changes:
    """`lists`: (kind, current objects, snapshot entries) per plain child list."""
    setl = _diff(_SETL, settlements, settlement_entries)
    details = []
    for n, entry in enumerate(setl.entries):
        if entry[1] is not None:  # stored before; a new one's fund rows go in with it
            diff = _diff(_DETAIL, entry[0].details, entry[3])
            if diff.changed:
                details.append((n, diff))
    return _Changes(tuple((kind, _diff(kind, current, entries)) for kind, current, entries in lists), setl, details)


def _write_changes(conn: Connection, owner: dict, changes: _Changes) -> None:
    """Write the child rows that changed; `owner` names the owner column and id of new rows. The
    new snapshot entries get the ids of the rows inserted."""
    settlements, details = changes.settlements, changes.details
    diffs = (*changes.lists, (_SETL, settlements), *((_DETAIL, d) for _n, d in details))
    # deletes first: a new child may reuse a removed one's key (feedetl_sn)
    for kind, diff in diffs:
        if diff.deleted:  # a deleted settlement's fund rows go with it (ON DELETE CASCADE)
            conn.execute(_CHILD_DELETE[kind], [{"b_id": i} for i in diff.deleted])
    for kind, diff in diffs:
        if diff.updated:
            # SET names only what changed; rows that changed the same columns go in one executemany
            groups: dict[tuple, list[dict]] = {}
            for entry, before in zip(diff.updated, diff.before):
                changed = kind.changed(entry[2], before)
                changed["b_id"] = entry[1]
                groups.setdefault(tuple(changed), []).append(changed)
            for rows in groups.values():
                conn.execute(_CHILD_UPDATE[kind], rows)
    for kind, diff in changes.lists:
        if diff.inserted:
            diff.fill(_insert_ids(conn, kind, [kind.params(e[2], **owner) for e in diff.inserted]))
    for n, diff in details:
        settlement_id = settlements.entries[n][1]
        if diff.inserted:
            diff.fill(_insert_ids(conn, _DETAIL, [_DETAIL.params(e[2], settlement_id=settlement_id)
                                                  for e in diff.inserted]))
        old = settlements.entries[n]
        settlements.entries[n] = [old[0], old[1], old[2], diff.entries]  # a new entry: the old snapshot stays
    if settlements.inserted:
        _insert_setl_entries(conn, owner, settlements.inserted)


def _insert_children(conn: Connection, kind: _Kind, owner: dict, children: list) -> list:
    entries = [[c, None, kind.values(c), None] for c in children]
    if entries:
        ids = _insert_ids(conn, kind, [kind.params(e[2], **owner) for e in entries])
        for entry, row_id in zip(entries, ids):
            entry[1] = row_id
    return entries


def _insert_settlements(conn: Connection, owner: dict, settlements: list) -> list:
    return _insert_setl_entries(conn, owner, [[s, None, _SETL.values(s), None] for s in settlements])


def _insert_setl_entries(conn: Connection, owner: dict, entries: list) -> list:
    """Insert the settlements of new entries and their fund rows; the entries get their row ids
    and fund-row entries."""
    if not entries:
        return []
    ids = _insert_ids(conn, _SETL, [_SETL.params(e[2], **owner) for e in entries])
    details = []
    for entry, settlement_id in zip(entries, ids):
        entry[1] = settlement_id
        entry[3] = [[d, None, _DETAIL.values(d), None] for d in entry[0].details]
        details += [(e, settlement_id) for e in entry[3]]
    if details:
        detail_ids = _insert_ids(conn, _DETAIL, [_DETAIL.params(e[2], settlement_id=sid) for e, sid in details])
        for (entry, _sid), detail_id in zip(details, detail_ids):
            entry[1] = detail_id
    return entries


def _settlements(rows) -> list:
    """Snapshot entries of the settlements, with their fund rows, from settlements ⟕ setl_details
    rows ordered by settlement."""
    entries: list = []
    last_id = None
    for r in rows:
        if r[0] != last_id:
            last_id = r[0]
            values = r[1:_NS + 1]
            entry = [_SETL.build(values, details=[]), last_id, values, []]
            entries.append(entry)
        if r[_NS + 1] is not None:
            values = r[_NS + 2:]
            detail = _DETAIL.build(values)
            entry[0].details.append(detail)
            entry[3].append([detail, r[_NS + 1], values, None])
    return entries


class OwnedRows:
    """The fee rows and settlements (with their fund rows) of one kind of owner, read and written
    with the visits' mapping and diff: fee_items and settlements name their owner in visit_id (门诊)
    or admission_id (住院). Snapshot entries are opaque to the caller: it keeps them beside its
    aggregate and hands them back to `changes`."""

    def __init__(self, column: str):
        self._column = column
        self._one_fees, self._one_settlements, self._many_fees, self._many_settlements = _owned_statements(column)

    def load_many(self, conn: Connection, ids: list[str]) -> dict[str, tuple[list, list]]:
        """Per owner id: its fee entries and settlement entries (two queries whatever the count)."""
        found: dict[str, tuple[list, list]] = {i: ([], []) for i in ids}
        if not ids:
            return found
        setl_rows: dict[str, list] = {i: [] for i in ids}
        for r in conn.execute(self._many_fees, {"ids": ids}):
            found[r[0]][0].append([_FEE.build(r[2:]), r[1], r[2:], None])
        for r in conn.execute(self._many_settlements, {"ids": ids}):
            setl_rows[r[-1]].append(r[:-1])
        for owner_id, rows in setl_rows.items():
            if rows:
                found[owner_id][1].extend(_settlements(rows))
        return found

    @staticmethod
    def objects(entries: list) -> list:
        return [e[0] for e in entries]

    @staticmethod
    def adopt(entries: list, objects: list, key) -> list:
        """Stored entries taken over by `objects` that were not loaded with them (same key(object)):
        diffed against them, an object changes its row, one without a stored row is new, and a
        row without an object is removed. Fund rows pair by position."""
        by_key = {key(o): o for o in objects}
        adopted = []
        for entry in entries:
            obj = by_key.pop(key(entry[0]), None)
            if obj is None:
                adopted.append(entry)
                continue
            details = entry[3]
            if details is not None:
                details = [[d, e[1], e[2], None] for d, e in zip(obj.details, details)] + details[len(obj.details):]
            adopted.append([obj, entry[1], entry[2], details])
        return adopted

    @staticmethod
    def changes(fees: list, fee_entries: list, settlements: list, settlement_entries: list) -> _Changes:
        return _changes(((_FEE, fees, fee_entries),), settlements, settlement_entries)

    def write(self, conn: Connection, owner_id: str, changes: _Changes) -> tuple[list, list]:
        """Write what changed; the new snapshot entries (fees, settlements)."""
        _write_changes(conn, {self._column: owner_id}, changes)
        return changes.entries()

    def insert(self, conn: Connection, owner_id: str, fees: list, settlements: list) -> tuple[list, list]:
        owner = {self._column: owner_id}
        return _insert_children(conn, _FEE, owner, fees), _insert_settlements(conn, owner, settlements)


# ---- persons -------------------------------------------------------------------------------------
P, I = t.persons, t.insurances
_PERSON_GET = (select(*_PERSON.columns, I.c.id, *_INSURANCE.columns)
               .select_from(P.outerjoin(I, I.c.psn_no == P.c.psn_no))
               .where(P.c.psn_no == bindparam("psn_no")).order_by(I.c.id))
_INSURANCES_DROP = delete(I).where(I.c.psn_no == bindparam("psn_no"))
_INSURANCES_ADD = insert(I)
_NP = len(_PERSON.fields)


def _person_upsert(dialect_name: str):
    dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect_name)
    if dialect is None:
        raise ValueError(f"no upsert for {dialect_name}")
    stmt = dialect.insert(P)
    return stmt.on_conflict_do_update(
        index_elements=[P.c.psn_no],
        set_={name: stmt.excluded[name] for name in (*_PERSON.fields, "updated_at") if name != "psn_no"})


_PERSON_UPSERT = {name: _person_upsert(name) for name in ("postgresql", "sqlite")}


class SqlPersonRepository(PersonRepository):
    """A person is replaced whole by each save (the latest 1101 picture): one upsert, which also
    orders concurrent saves of one person, then its insurances dropped and written again."""

    def __init__(self, tx: Transaction, now: Callable[[], datetime]):
        self._tx = tx
        self._conn = tx.conn
        self._now = now
        self._identity: dict[str, InsuredPerson] = {}
        self._saved: dict[str, InsuredPerson] = {}

    def save(self, person: InsuredPerson) -> None:
        self._identity[person.psn_no] = self._saved[person.psn_no] = person

    def get(self, psn_no: str) -> InsuredPerson | None:
        found = self._identity.get(psn_no)
        if found is not None:
            return found
        rows = self._conn.execute(_PERSON_GET, {"psn_no": psn_no}).all()
        if not rows:
            return None
        insurances = [_INSURANCE.build(r[_NP + 1:]) for r in rows] if rows[0][_NP] is not None else []
        person = _PERSON.build(rows[0][:_NP], insurances=insurances)
        self._identity[psn_no] = person
        return person

    def flush(self) -> None:
        if not self._saved:
            return
        conn = self._tx.writing()
        upsert = _PERSON_UPSERT[conn.dialect.name]
        now = self._now()
        for person in self._saved.values():
            conn.execute(upsert, _PERSON.params(_PERSON.values(person), updated_at=now))
            conn.execute(_INSURANCES_DROP, {"psn_no": person.psn_no})
            if person.insurances:
                conn.execute(_INSURANCES_ADD, [_INSURANCE.params(_INSURANCE.values(i), psn_no=person.psn_no)
                                               for i in person.insurances])
        self._saved.clear()

    def rolled_back(self) -> None:
        self._identity.clear()
        self._saved.clear()


# SQLSTATE 23505 (PostgreSQL) and the SQLite extended codes for a duplicate key.
_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def write_once(connections, what: str, write):
    """`write(conn)` in one transaction of a connection from `connections` (adapters.db.connections),
    committed; its result. A duplicate key or unique index hit is ConcurrencyConflict naming `what`."""
    try:
        with connections.connection() as conn:
            begin_explicit(conn)  # several statements are one transaction on PostgreSQL too (autocommit there)
            done = write(conn)
            conn.commit()
            return done
    except IntegrityError as exc:
        if is_conflict(exc):
            raise ConcurrencyConflict(f"{what} was written by someone else meanwhile; try again") from exc
        raise


def is_conflict(error: BaseException | None) -> bool:
    """True for a duplicate key: the same visit id, mdtrt_id or feedetl_sn inserted concurrently."""
    if isinstance(error, IntegrityError):
        orig = error.orig
        return (getattr(orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION
                or getattr(orig, "sqlite_errorname", None) in _SQLITE_UNIQUE)
    return False
