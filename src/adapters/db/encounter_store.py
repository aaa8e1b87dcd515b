"""Encounters in SQL Core. An encounter is small (a few legs, charges and payments), so it is read
whole (one query per table) and saved whole: a versioned UPDATE of its row (`WHERE id AND version`,
no row → ConcurrencyConflict), then its child rows written again when they changed. A snapshot of
the values read tells what changed; an encounter nobody touched writes nothing."""
from __future__ import annotations

import dataclasses
from datetime import date
from operator import attrgetter

from sqlalchemy import bindparam, delete, insert, select, tuple_, update

from adapters.db.encounter_tables import (encounter_charges, encounter_diagnoses, encounter_legs,
                                          encounter_payments, encounter_transfers, encounters, receipt_counters)
from adapters.db.repositories import Transaction
from domain.encounters import Charge, Encounter, EncounterDiagnosis, Leg, Payment, Transfer
from domain.errors import ConcurrencyConflict
from ports.encounters import EncounterCursor, EncounterPage, EncounterRepository

_CHILDREN = ("legs", "transfers", "charges", "payments", "diagnoses")


class _Map:
    """One dataclass <-> one table, column for field (plus encounter_id on child tables)."""

    def __init__(self, cls, table, *skip: str, order: str = ""):
        self.cls, self.table = cls, table
        self.fields = tuple(f.name for f in dataclasses.fields(cls) if f.name not in skip)
        extra = set(table.c.keys()) - set(self.fields) - {"encounter_id", "version"}
        missing = set(self.fields) - set(table.c.keys())
        if extra or missing:  # the domain and the schema drifted apart: fail at import, not on a row
            raise RuntimeError(f"{table.name}: unmapped columns {sorted(extra)}, fields without a column "
                               f"{sorted(missing)}")
        self.values = attrgetter(*self.fields)
        self.order = order

    def build(self, row, **more):
        return self.cls(**dict(zip(self.fields, row)), **more)

    def params(self, obj, **more) -> dict:
        return {**dict(zip(self.fields, self.values(obj))), **more}


_HEAD = _Map(Encounter, encounters, *_CHILDREN, "version")
_KIDS = {"legs": _Map(Leg, encounter_legs, order="seq"),
         "transfers": _Map(Transfer, encounter_transfers, order="seq"),
         "charges": _Map(Charge, encounter_charges, order="line_no"),
         "payments": _Map(Payment, encounter_payments, order="at"),
         "diagnoses": _Map(EncounterDiagnosis, encounter_diagnoses, order="srt_no")}

E = encounters
_BY_ID = select(*(E.c[f] for f in _HEAD.fields), E.c.version).where(E.c.id == bindparam("id"))
_KID_SELECT = {name: select(m.table.c.encounter_id, *(m.table.c[f] for f in m.fields))
               .where(m.table.c.encounter_id.in_(bindparam("ids", expanding=True)))
               .order_by(m.table.c.encounter_id, m.table.c[m.order], *([m.table.c.id] if name == "payments" else []))
               for name, m in _KIDS.items()}
_KID_DELETE = {name: delete(m.table).where(m.table.c.encounter_id == bindparam("eid")) for name, m in _KIDS.items()}
_KID_INSERT = {name: insert(m.table) for name, m in _KIDS.items()}
_UPDATE = update(E).where(E.c.id == bindparam("b_id"), E.c.version == bindparam("b_version"))
_NEWEST_FIRST = (E.c.registered_at.desc(), E.c.id.desc())
_AFTER = tuple_(E.c.registered_at, E.c.id) < tuple_(bindparam("a_at", type_=E.c.registered_at.type),
                                                    bindparam("a_id", type_=E.c.id.type))
_COUNTER_NEXT = (update(receipt_counters).where(receipt_counters.c.day == bindparam("d"))
                 .values(last=receipt_counters.c.last + 1).returning(receipt_counters.c.last))
_COUNTER_FIRST = insert(receipt_counters)


def _snapshot(encounter: Encounter) -> tuple:
    return (_HEAD.values(encounter), *(tuple(_KIDS[n].values(c) for c in getattr(encounter, n)) for n in _CHILDREN))


class SqlEncounterRepository(EncounterRepository):
    def __init__(self, tx: Transaction):
        self._tx = tx
        self._identity: dict[str, tuple[Encounter, int | None, tuple | None]] = {}  # id -> (it, version, snapshot)
        self._flushed: list[tuple[Encounter, int]] = []  # versions to give back should the transaction roll back

    def add(self, encounter: Encounter) -> None:
        self._identity[encounter.id] = (encounter, None, None)

    def get(self, encounter_id: str) -> Encounter | None:
        if encounter_id in self._identity:
            return self._identity[encounter_id][0]
        row = self._tx.conn.execute(_BY_ID, {"id": encounter_id}).first()
        if row is None:
            return None
        return self._build([row])[0]

    def for_patient(self, patient_ids: list[str], *, limit: int = 20,
                    after: EncounterCursor | None = None) -> EncounterPage:
        stmt = (select(*(E.c[f] for f in _HEAD.fields), E.c.version).where(E.c.patient_id.in_(patient_ids))
                .order_by(*_NEWEST_FIRST).limit(limit + 1))
        params = {}
        if after is not None:
            stmt = stmt.where(_AFTER)
            params = {"a_at": after.registered_at, "a_id": after.id}
        rows = self._tx.conn.execute(stmt, params).all()
        found = self._build(rows[:limit])
        last = found[-1] if found and len(rows) > limit else None
        return EncounterPage(found, EncounterCursor(last.registered_at, last.id) if last else None)

    def next_receipt_seq(self, day: date) -> int:
        conn = self._tx.writing()
        seq = conn.execute(_COUNTER_NEXT, {"d": day}).scalar()
        if seq is None:  # the day's first receipt; a concurrent first is a duplicate key (ConcurrencyConflict)
            conn.execute(_COUNTER_FIRST, {"day": day, "last": 1})
            seq = 1
        return seq

    def _build(self, rows) -> list[Encounter]:
        if not rows:
            return []
        n = len(_HEAD.fields)
        kids: dict[str, dict[str, list]] = {r[0]: {name: [] for name in _CHILDREN} for r in rows}
        ids = list(kids)
        for name, m in _KIDS.items():
            for r in self._tx.conn.execute(_KID_SELECT[name], {"ids": ids}):
                kids[r[0]][name].append(m.build(r[1:]))
        found = []
        for r in rows:
            known = self._identity.get(r[0])
            if known is not None:
                found.append(known[0])
                continue
            encounter = _HEAD.build(r[:n], version=r[n], **kids[r[0]])
            self._identity[encounter.id] = (encounter, r[n], _snapshot(encounter))
            found.append(encounter)
        return found

    # ---- saving ----------------------------------------------------------------------------
    def flush(self) -> None:
        for encounter_id, (encounter, version, before) in list(self._identity.items()):
            now = _snapshot(encounter)
            if now == before:
                continue
            conn = self._tx.writing()
            if version is None:
                conn.execute(insert(E), _HEAD.params(encounter, version=1))
                changed = _CHILDREN
                new_version = 1
            else:
                new_version = version + 1
                head = {f: v for f, v, old in zip(_HEAD.fields, now[0], before[0]) if v != old}
                if conn.execute(_UPDATE, {**head, "version": new_version, "b_id": encounter_id,
                                          "b_version": version}).rowcount != 1:
                    raise ConcurrencyConflict(f"encounter {encounter_id} was changed by someone else; reload and retry")
                changed = [name for i, name in enumerate(_CHILDREN, 1) if now[i] != before[i]]
                for name in changed:
                    conn.execute(_KID_DELETE[name], {"eid": encounter_id})
            for name in changed:
                rows = [_KIDS[name].params(c, encounter_id=encounter_id) for c in getattr(encounter, name)]
                if rows:
                    conn.execute(_KID_INSERT[name], rows)
            self._flushed.append((encounter, encounter.version))
            encounter.version = new_version
            self._identity[encounter_id] = (encounter, new_version, now)

    def rolled_back(self) -> None:
        while self._flushed:
            encounter, version = self._flushed.pop()
            encounter.version = version
        self._identity.clear()

    def committed(self) -> None:
        self._flushed.clear()
        self._identity.clear()
