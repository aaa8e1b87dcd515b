"""The 医保 side of hospital stays in SQL Core: saved whole, a versioned UPDATE of the stay's row
(`WHERE id = :id AND version = :v`, no row → ConcurrencyConflict). Its diagnoses ride along in the
row as one JSON document; its fee rows and settlements (with their fund rows) are rows of fee_items,
settlements and setl_details, owned by admission_id beside the outpatient ones, so reports and
reconciliation query both with SQL. They are mapped and diffed as a visit's are
(repositories.OwnedRows): a save writes only the rows that changed. A stay's children are only ever
read and changed with it, so the version guards them too; the unique (admission_id, feedetl_sn)
backs the domain's rule that two uploads of the same feedetl_sn cannot both commit."""
from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import delete, exists, insert, select, update

from adapters.db.admission_tables import insured_admissions
from adapters.db.repositories import SNAPSHOT, OwnedRows, SnapshotStore, VersionConflict
from adapters.db.tables import fee_items, settlements
from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import IllegalTransition
from domain.visit import Diagnosis, FeeItem
from ports.admissions import AdmissionRepository

A = insured_admissions.c
F, S = fee_items, settlements
# in the JSON body: the diagnoses (read and written only with the stay)
_CHILDREN = {"diagnoses": Diagnosis, "discharge_diagnoses": Diagnosis}
# in rows of fee_items and settlements / setl_details beside the outpatient ones (admission_id)
_ROWS = OwnedRows("admission_id")
_HEAD = tuple(f.name for f in dataclasses.fields(InsuredAdmission)
              if f.name not in _CHILDREN and f.name not in ("fees", "settlements", "version"))
_HAS_FEES = exists().where(F.c.admission_id == A.id).label("has_fees")
_HAS_SETTLEMENTS = exists().where(S.c.admission_id == A.id).label("has_settlements")


def _plain(value):
    """A domain value as JSON: Decimals and times as text, so they come back exact."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, datetime)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


_HINTS: dict[type, dict] = {}


def _hints(cls) -> dict:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _typed(kind, value):
    if value is None:
        return None
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) is list:
        return [_typed(args[0], v) for v in value]
    if args:  # X | None
        return _typed(args[0], value)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{k: _typed(hints[k], v) for k, v in value.items() if k in hints})
    if kind is Decimal:
        return Decimal(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value


def _body(admission: InsuredAdmission) -> str:
    return json.dumps({name: _plain(getattr(admission, name)) for name in _CHILDREN}, ensure_ascii=False,
                      sort_keys=True)


def _head(admission: InsuredAdmission) -> dict:
    return {name: getattr(admission, name) for name in _HEAD}


@dataclasses.dataclass(slots=True)
class _Snapshot:
    """What the database holds for one stay: its version, head and body as written, and the entries
    of its fee rows and settlements (adapters.db.repositories.OwnedRows)."""

    version: int
    head: dict
    body: str
    fees: list
    settlements: list


def _fee_key(fee: FeeItem) -> str:
    return fee.feedetl_sn


class SqlAdmissionRepository(SnapshotStore, AdmissionRepository):
    """Stays over the unit of work's connection; every stay handed out, added or attached in this
    unit of work is saved by flush() (SnapshotStore)."""

    _noun = "admission"

    def add(self, admission: InsuredAdmission) -> None:
        admission.__dict__.pop(SNAPSHOT, None)  # new: inserted whole
        self._identity[admission.id] = admission

    def attach(self, admission: InsuredAdmission) -> None:
        # its snapshot came with it from the unit of work that loaded it (see _adopt when it has none)
        self._identity[admission.id] = admission
        if SNAPSHOT not in admission.__dict__:
            self._adopt(admission)

    def get(self, admission_id: str) -> InsuredAdmission | None:
        if admission_id in self._identity:
            return self._identity[admission_id]
        found = self._load(A.id == admission_id)
        return found[0] if found else None

    def by_ipt_no(self, ipt_no: str) -> InsuredAdmission | None:
        found = self._load(A.ipt_no == ipt_no)
        return found[0] if found else None

    def by_mdtrt_id(self, mdtrt_id: str) -> InsuredAdmission | None:
        if not mdtrt_id:
            return None
        found = self._load(A.mdtrt_id == mdtrt_id)
        return found[0] if found else None

    def in_state(self, state: AdmissionState, limit: int = 1000) -> list[InsuredAdmission]:
        return self._load(A.state == state, limit)

    def discard(self, admission: InsuredAdmission) -> None:
        if admission.state is not AdmissionState.REGISTERING:
            raise IllegalTransition(f"admission {admission.id} is {admission.state.value}: only an admission that "
                                    "never took effect may be discarded")
        self._discard(admission.id, admission)

    # ---- loading ---------------------------------------------------------------------------
    def _load(self, where, limit: int = 1000) -> list[InsuredAdmission]:
        self.flush()  # what this unit of work changed is what it reads back
        conn = self._tx.conn
        rows = conn.execute(select(insured_admissions, _HAS_FEES, _HAS_SETTLEMENTS).where(where)
                            .order_by(A.begntime, A.id).limit(limit)).all()
        # the fee rows and settlements of those that have any: two queries, whatever the count
        owned = _ROWS.load_many(conn, [r.id for r in rows
                                       if (r.has_fees or r.has_settlements) and r.id not in self._identity])
        found = []
        for row in rows:
            known = self._identity.get(row.id)
            if known is not None:  # handed out before in this unit of work: as it is
                found.append(known)
                continue
            fees, settlements = owned.get(row.id, ([], []))
            admission = _build(row, fees, settlements)
            self._identity[admission.id] = admission
            found.append(admission)
        return found

    def _adopt(self, admission: InsuredAdmission) -> None:
        """A stay attached without a snapshot (not loaded, added or saved by this store): what is
        stored under its id stands as the snapshot, its rows paired with the stay's fee rows by
        feedetl_sn and its settlements by position, so saving writes the difference."""
        conn = self._tx.conn
        row = conn.execute(select(insured_admissions).where(A.id == admission.id)).first()
        if row is None:  # removed meanwhile (or never committed): the versioned UPDATE finds no row
            admission.__dict__[SNAPSHOT] = _Snapshot(admission.version, {}, "", [], [])
            return
        fees, settlements = _ROWS.load_many(conn, [admission.id])[admission.id]
        stored = _build(row, fees, settlements).__dict__[SNAPSHOT]
        # the stay's own version is what it was read at: if the row moved on since, the save conflicts
        stored.version = admission.version
        stored.fees = _ROWS.adopt(fees, admission.fees, _fee_key)
        positions = {id(s): n for n, s in enumerate(_ROWS.objects(settlements))}
        positions.update((id(s), n) for n, s in enumerate(admission.settlements))
        stored.settlements = _ROWS.adopt(settlements, admission.settlements, lambda s: positions[id(s)])
        admission.__dict__[SNAPSHOT] = stored

    # ---- saving ----------------------------------------------------------------------------
    def _delete(self, key: str, version: int) -> int:
        return self._tx.writing().execute(delete(insured_admissions).where(
            A.id == key, A.version == version, A.state == AdmissionState.REGISTERING)).rowcount

    def _insert(self, admission: InsuredAdmission) -> None:
        conn = self._tx.writing()
        head, body = _head(admission), _body(admission)
        conn.execute(insert(insured_admissions), {**head, "body": body, "version": 1})
        fees, settlements = _ROWS.insert(conn, admission.id, admission.fees, admission.settlements)
        self._saved(admission, _Snapshot(1, head, body, fees, settlements))

    def _update(self, admission: InsuredAdmission, snapshot: _Snapshot) -> None:
        head, body = _head(admission), _body(admission)
        changes = _ROWS.changes(admission.fees, snapshot.fees, admission.settlements, snapshot.settlements)
        row_changed = head != snapshot.head or body != snapshot.body
        if not (row_changed or changes.changed):
            return
        conn = self._tx.writing()
        version = snapshot.version + 1
        values = {**head, "body": body} if row_changed else {}
        done = conn.execute(update(insured_admissions).where(A.id == admission.id, A.version == snapshot.version)
                            .values(**values, version=version))
        if done.rowcount != 1:
            raise VersionConflict(admission.id)  # else the row is locked: its rows below are ours alone
        fees, settlements = _ROWS.write(conn, admission.id, changes)
        self._saved(admission, _Snapshot(version, head, body, fees, settlements), snapshot)

    def committed(self) -> None:
        super().committed()
        self._identity.clear()  # the next unit of work reads the stays again


def _build(row, fee_entries: list, settlement_entries: list) -> InsuredAdmission:
    m = row._mapping
    body = json.loads(m["body"])
    children = {name: [_typed(cls, v) for v in body.get(name) or []] for name, cls in _CHILDREN.items()}
    admission = InsuredAdmission(**{name: m[name] for name in _HEAD}, **children,
                                 fees=_ROWS.objects(fee_entries), settlements=_ROWS.objects(settlement_entries),
                                 version=m["version"])
    # the body as this store writes it, so that a stay only read is not written back
    admission.__dict__[SNAPSHOT] = _Snapshot(admission.version, _head(admission), _body(admission),
                                             fee_entries, settlement_entries)
    return admission
