"""The inpatient context in SQL Core, inside the unit of work.

Admission orders and stays are read whole (one row, its JSON document) and saved at commit when they
changed: a versioned UPDATE (`WHERE id AND version`, no row → ConcurrencyConflict). A stay's row also
carries `live_order_id` under a unique index, so two clerks admitting with the same 住院证 make one
stay whoever commits first. Beds and waiting entries are saved row by row, each with its version: the
nurse who gives away a bed second finds its version moved (ConcurrencyConflict); on PostgreSQL her
UPDATE waits on the first one's row lock and then matches nothing.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import bindparam, insert, select, update

from adapters.db.inpatient_tables import admission_orders as O
from adapters.db.inpatient_tables import inpatient_counters as N
from adapters.db.inpatient_tables import inpatient_stays as S
from adapters.db.inpatient_tables import ward_beds as B
from adapters.db.inpatient_tables import ward_waiting as W
from adapters.db.inpatient_tables import wards as WD
from adapters.db.repositories import Transaction
from domain.errors import ConcurrencyConflict
from domain.inpatient import AdmissionOrder, Bed, InpatientStay, StayState, WaitingEntry, WaitingState, Ward
from ports.inpatient import AdmissionOrderRepository, StayRepository, WardRepository


# ---- the documents: a dataclass to JSON and back, by its fields' annotations ------------------------
def plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def typed(hint, raw):
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return typed(next(a for a in typing.get_args(hint) if a is not type(None)), raw)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [typed(item, r) for r in raw]
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: typed(hints[f.name], raw[f.name]) for f in dataclasses.fields(hint) if f.name in raw})
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(raw)
        if hint is Decimal:
            return Decimal(raw)
        if hint is datetime:
            return datetime.fromisoformat(raw)
        if hint is date:
            return date.fromisoformat(raw)
    return raw


def encode(record) -> str:
    data = plain(record)
    data.pop("version", None)  # the row's column says it
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def decode(cls, document: str, version: int):
    record = typed(cls, json.loads(document))
    record.version = version
    return record


class _Documents:
    """One kind of record kept as a versioned document row: an identity map, and at flush an INSERT
    of the new ones and a versioned UPDATE of those whose document changed."""

    def __init__(self, tx: Transaction, cls, table, what: str, columns):
        self._tx, self._cls, self._table, self._what, self._columns = tx, cls, table, what, columns
        self._identity: dict[str, tuple[object, int | None, str | None]] = {}
        self._flushed: list[tuple[object, int]] = []

    def add(self, record) -> None:
        self._identity[record.id] = (record, None, None)

    def load(self, where, order=()) -> list:
        rows = self._tx.conn.execute(select(self._table.c.id, self._table.c.document, self._table.c.version)
                                     .where(where).order_by(*order)).all()
        found = []
        for row_id, document, version in rows:
            known = self._identity.get(row_id)
            if known is None:
                record = decode(self._cls, document, version)
                self._identity[row_id] = (record, version, document)
                known = self._identity[row_id]
            found.append(known[0])
        return found

    def get(self, record_id: str):
        known = self._identity.get(record_id)
        if known is not None:
            return known[0]
        found = self.load(self._table.c.id == record_id)
        return found[0] if found else None

    def flush(self) -> None:
        t = self._table
        for record_id, (record, version, before) in list(self._identity.items()):
            document = encode(record)
            if document == before:
                continue
            conn = self._tx.writing()
            values = {**self._columns(record), "document": document}
            if version is None:
                new_version = 1
                conn.execute(insert(t).values(id=record_id, version=new_version, **values))
            else:
                new_version = version + 1
                done = conn.execute(update(t).where(t.c.id == record_id, t.c.version == version)
                                    .values(version=new_version, **values))
                if done.rowcount != 1:
                    raise ConcurrencyConflict(f"{self._what} {record_id} was changed by someone else; "
                                              "read it again")
            self._flushed.append((record, record.version))
            record.version = new_version
            self._identity[record_id] = (record, new_version, document)

    def rolled_back(self) -> None:
        while self._flushed:
            record, version = self._flushed.pop()
            record.version = version
        self._identity.clear()

    def committed(self) -> None:
        self._flushed.clear()
        self._identity.clear()


def _order_columns(order: AdmissionOrder) -> dict:
    return {"encounter_id": order.encounter_id, "patient_id": order.patient_id, "state": order.state,
            "planned_date": order.planned_date, "issued_at": order.issued_at}


def _stay_columns(stay: InpatientStay) -> dict:
    live = "" if stay.state is StayState.CANCELLED else stay.admission_order_id
    return {"ipt_no": stay.ipt_no, "patient_id": stay.patient_id, "encounter_id": stay.encounter_id,
            "live_order_id": live, "state": stay.state, "ward_code": stay.ward_code, "admitted_at": stay.admitted_at}


class SqlAdmissionOrderRepository(_Documents, AdmissionOrderRepository):
    def __init__(self, tx: Transaction):
        super().__init__(tx, AdmissionOrder, O, "admission order", _order_columns)

    def for_encounter(self, encounter_id: str) -> list[AdmissionOrder]:
        return self.load(O.c.encounter_id == encounter_id, (O.c.issued_at, O.c.id))


_COUNTER_NEXT = (update(N).where(N.c.counter == bindparam("c"), N.c.day == bindparam("d"))
                 .values(last=N.c.last + 1).returning(N.c.last))


class SqlStayRepository(_Documents, StayRepository):
    def __init__(self, tx: Transaction):
        super().__init__(tx, InpatientStay, S, "stay", _stay_columns)

    def by_ipt_no(self, ipt_no: str) -> InpatientStay | None:
        return next(iter(self.load(S.c.ipt_no == ipt_no)), None)

    def for_patient(self, patient_ids: list[str]) -> list[InpatientStay]:
        return self.load(S.c.patient_id.in_(patient_ids), (S.c.admitted_at.desc(), S.c.id.desc()))

    def for_encounters(self, encounter_ids: list[str]) -> list[InpatientStay]:
        return self.load(S.c.encounter_id.in_(encounter_ids), (S.c.admitted_at, S.c.id))

    def in_state(self, state: StayState) -> list[InpatientStay]:
        return self.load(S.c.state == state, (S.c.admitted_at, S.c.id))

    def on_ward(self, ward_code: str) -> list[InpatientStay]:
        live = S.c.state.in_([StayState.IN_HOSPITAL, StayState.DISCHARGING])
        return self.load((S.c.ward_code == ward_code) & live, (S.c.admitted_at, S.c.id))

    def next_seq(self, counter: str, day: date) -> int:
        conn = self._tx.writing()
        seq = conn.execute(_COUNTER_NEXT, {"c": counter, "d": day}).scalar()
        if seq is None:  # the day's first; a concurrent first is a duplicate key (ConcurrencyConflict)
            conn.execute(insert(N), {"counter": counter, "day": day, "last": 1})
            seq = 1
        return seq


_BED_FIELDS = ("state", "stay_id", "since")
_WAIT_FIELDS = tuple(f.name for f in dataclasses.fields(WaitingEntry) if f.name != "version")


def _bed_values(bed: Bed) -> tuple:
    return tuple(getattr(bed, f) for f in _BED_FIELDS)


def _wait_values(entry: WaitingEntry) -> tuple:
    return tuple(getattr(entry, f) for f in _WAIT_FIELDS)


class SqlWardRepository(WardRepository):
    def __init__(self, tx: Transaction):
        self._tx = tx
        self._identity: dict[str, Ward] = {}
        self._seen: dict[tuple, tuple] = {}  # (kind, key) -> values as read (None: new)
        self._flushed: list[tuple[object, int]] = []

    def _load(self, where) -> list[Ward]:
        conn = self._tx.conn
        heads = conn.execute(select(WD.c.code, WD.c.name, WD.c.dept_code).where(where).order_by(WD.c.code)).all()
        found = []
        codes = [h.code for h in heads if h.code not in self._identity]
        beds: dict[str, list[Bed]] = {c: [] for c in codes}
        waiting: dict[str, list[WaitingEntry]] = {c: [] for c in codes}
        if codes:
            for r in conn.execute(select(B).where(B.c.ward_code.in_(codes)).order_by(B.c.ward_code, B.c.code)):
                bed = Bed(r.ward_code, r.code, r.state, r.stay_id or "", r.since, r.version)
                self._seen[("bed", bed.ward_code, bed.code)] = _bed_values(bed)
                beds[r.ward_code].append(bed)
            for r in conn.execute(select(W).where(W.c.ward_code.in_(codes), W.c.state == WaitingState.WAITING)
                                  .order_by(W.c.ward_code, W.c.seq)):
                entry = WaitingEntry(**{f: getattr(r, f) for f in _WAIT_FIELDS}, version=r.version)
                self._seen[("wait", entry.id)] = _wait_values(entry)
                waiting[r.ward_code].append(entry)
        for h in heads:
            if h.code not in self._identity:
                self._identity[h.code] = Ward(h.code, h.name, h.dept_code, beds[h.code], waiting[h.code])
            found.append(self._identity[h.code])
        return found

    def get(self, code: str) -> Ward | None:
        if code in self._identity:
            return self._identity[code]
        found = self._load(WD.c.code == code)
        return found[0] if found else None

    def all(self) -> list[Ward]:
        return self._load(WD.c.code.is_not(None))

    def put(self, ward: Ward) -> None:
        conn = self._tx.writing()
        head = {"name": ward.name, "dept_code": ward.dept_code}
        if conn.execute(update(WD).where(WD.c.code == ward.code).values(**head)).rowcount == 0:
            conn.execute(insert(WD).values(code=ward.code, **head))
        there = set(conn.execute(select(B.c.code).where(B.c.ward_code == ward.code)).scalars())
        new = [{"ward_code": ward.code, "code": b.code, "state": b.state, "stay_id": "", "since": b.since,
                "version": 1} for b in ward.beds if b.code not in there]
        if new:
            conn.execute(insert(B), new)
        self._identity.pop(ward.code, None)

    def flush(self) -> None:
        # beds given up first: a stay moving to another bed holds the unique stay_id for a moment otherwise
        beds = sorted((b for w in self._identity.values() for b in w.beds), key=lambda b: bool(b.stay_id))
        for bed in beds:
            key = ("bed", bed.ward_code, bed.code)
            values = _bed_values(bed)
            if self._seen.get(key) == values:
                continue
            done = self._tx.writing().execute(
                update(B).where(B.c.ward_code == bed.ward_code, B.c.code == bed.code, B.c.version == bed.version)
                .values(state=bed.state, stay_id=bed.stay_id, since=bed.since, version=bed.version + 1))
            if done.rowcount != 1:
                raise ConcurrencyConflict(f"bed {bed.code} of ward {bed.ward_code} was taken or changed by "
                                          "someone else meanwhile; read the ward again")
            self._flushed.append((bed, bed.version))
            bed.version += 1
            self._seen[key] = values
        for ward in self._identity.values():
            for entry in ward.waiting:
                key = ("wait", entry.id)
                values = _wait_values(entry)
                seen = self._seen.get(key)
                if seen == values:
                    continue
                conn = self._tx.writing()
                if seen is None:
                    conn.execute(insert(W).values(**dict(zip(_WAIT_FIELDS, values)), version=1))
                else:
                    done = conn.execute(update(W).where(W.c.id == entry.id, W.c.version == entry.version)
                                        .values(**dict(zip(_WAIT_FIELDS, values)), version=entry.version + 1))
                    if done.rowcount != 1:
                        raise ConcurrencyConflict(f"the waiting list of ward {entry.ward_code} changed meanwhile; "
                                                  "read it again")
                self._flushed.append((entry, entry.version))
                entry.version = entry.version + 1 if seen is not None else 1
                self._seen[key] = values

    def rolled_back(self) -> None:
        while self._flushed:
            record, version = self._flushed.pop()
            record.version = version
        self._identity.clear()
        self._seen.clear()

    def committed(self) -> None:
        self._flushed.clear()
        self._identity.clear()
        self._seen.clear()
