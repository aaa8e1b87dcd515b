"""PrescriptionStore in SQL Core: the prescription as one JSON document beside the columns it is
found by. One statement per write; a lost update is refused by the version in the UPDATE's WHERE,
a second prescription with the same hi_rxno by its unique index (both ConcurrencyConflict)."""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import insert, select, update

from adapters.db.connections import Connections
from adapters.db.prescription_tables import prescriptions as T
from adapters.db.repositories import write_once
from domain.errors import ConcurrencyConflict
from domain.prescriptions import (Drug, DrugKind, Prescription, Purchase, PurchasedItem, Review, RxCategory, RxLine,
                                  RxState)
from ports.prescriptions import PrescriptionStore


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _typed(cls, data: dict, **nested):
    """A frozen dataclass back from its plain form: each field converted by its annotation."""
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        if f.name in nested:
            values[f.name] = nested[f.name](raw)
        elif raw is None:
            values[f.name] = None
        elif "Decimal" in str(f.type):
            values[f.name] = Decimal(raw)
        elif "datetime" in str(f.type):
            values[f.name] = datetime.fromisoformat(raw)
        else:
            values[f.name] = raw
    return cls(**values)


def encode(rx: Prescription) -> str:
    return json.dumps(_plain(asdict(rx)), ensure_ascii=False, sort_keys=True)


def decode(text: str) -> Prescription:
    data = json.loads(text)

    def drug(d):
        return _typed(Drug, d, kind=DrugKind)

    def line(d):
        return _typed(RxLine, d, drug=drug)

    def purchase(d):
        return None if d is None else _typed(Purchase, d, items=lambda rows: tuple(_typed(PurchasedItem, r)
                                                                                   for r in rows))
    return _typed(Prescription, data, category=RxCategory, kind=DrugKind, state=RxState,
                  lines=lambda rows: [line(r) for r in rows], reviews=lambda rows: [_typed(Review, r) for r in rows],
                  purchase=purchase)


class SqlPrescriptionStore(PrescriptionStore):
    def __init__(self, connections: Connections):
        self._connections = connections

    def _write(self, statement, what: str) -> int:
        return write_once(self._connections, what, lambda conn: conn.execute(statement).rowcount)

    def add(self, rx: Prescription) -> None:
        self._write(insert(T).values(id=rx.id, encounter_id=rx.encounter_id, patient_id=rx.patient_id,
                                     state=rx.state, hi_rxno=rx.hi_rxno, created_at=rx.created_at,
                                     version=rx.version, document=encode(rx)), f"prescription {rx.id}")

    def save(self, rx: Prescription) -> None:
        rx.version += 1
        done = self._write(update(T).where(T.c.id == rx.id, T.c.version == rx.version - 1)
                           .values(state=rx.state, hi_rxno=rx.hi_rxno, version=rx.version, document=encode(rx)),
                           f"prescription {rx.id}")
        if done != 1:
            rx.version -= 1
            raise ConcurrencyConflict(f"prescription {rx.id} was changed by someone else meanwhile: read it again")

    def _read(self, where) -> list[Prescription]:
        with self._connections.connection() as conn:
            rows = conn.execute(select(T.c.document, T.c.version).where(where)
                                .order_by(T.c.created_at, T.c.id)).all()
        found = []
        for document, version in rows:
            rx = decode(document)
            rx.version = version
            found.append(rx)
        return found

    def get(self, rx_id: str) -> Prescription | None:
        return next(iter(self._read(T.c.id == rx_id)), None)

    def by_hi_rxno(self, hi_rxno: str) -> Prescription | None:
        return next(iter(self._read(T.c.hi_rxno == hi_rxno)), None) if hi_rxno else None

    def for_encounter(self, encounter_id: str) -> list[Prescription]:
        return self._read(T.c.encounter_id == encounter_id)
