"""The 医保 side of hospital stays in SQL Core: saved whole, a versioned UPDATE of the stay's row
(`WHERE id = :id AND version = :v`, no row → ConcurrencyConflict) carrying its children as one
JSON document. A stay's children are only ever read and changed with it, so the version guards them
too (two uploads of the same feedetl_sn cannot both commit)."""
from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import delete, insert, select, update

from adapters.db.admission_tables import insured_admissions
from adapters.db.repositories import Transaction
from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.settlement import Settlement
from domain.visit import Diagnosis, FeeItem
from ports.admissions import AdmissionRepository

A = insured_admissions.c
_CHILDREN = {"diagnoses": Diagnosis, "discharge_diagnoses": Diagnosis, "fees": FeeItem, "settlements": Settlement}
_HEAD = tuple(f.name for f in dataclasses.fields(InsuredAdmission) if f.name not in _CHILDREN and f.name != "version")


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


def _build(row) -> InsuredAdmission:
    m = row._mapping
    body = json.loads(m["body"])
    children = {name: [_typed(cls, v) for v in body.get(name) or []] for name, cls in _CHILDREN.items()}
    return InsuredAdmission(**{name: m[name] for name in _HEAD}, **children, version=m["version"])


class SqlAdmissionRepository(AdmissionRepository):
    def __init__(self, tx: Transaction):
        self._tx = tx
        # id -> (admission, version read or None when new, (head, body) as read or None)
        self._identity: dict[str, tuple[InsuredAdmission, int | None, tuple | None]] = {}
        self._discarded: list[tuple[str, int]] = []
        self._flushed: list[tuple[InsuredAdmission, int]] = []

    def add(self, admission: InsuredAdmission) -> None:
        self._identity[admission.id] = (admission, None, None)

    def attach(self, admission: InsuredAdmission) -> None:
        self._identity[admission.id] = (admission, admission.version, None)

    def get(self, admission_id: str) -> InsuredAdmission | None:
        if admission_id in self._identity:
            return self._identity[admission_id][0]
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
        known = self._identity.pop(admission.id, None)
        version = known[1] if known else admission.version
        if version is not None:
            self._discarded.append((admission.id, version))

    def _load(self, where, limit: int = 1000) -> list[InsuredAdmission]:
        self.flush()  # what this unit of work changed is what it reads back
        rows = self._tx.conn.execute(select(insured_admissions).where(where)
                                     .order_by(A.begntime, A.id).limit(limit)).all()
        found = []
        for row in rows:
            known = self._identity.get(row.id)
            if known is not None:
                found.append(known[0])
                continue
            admission = _build(row)
            self._identity[admission.id] = (admission, admission.version, (_head(admission), _body(admission)))
            found.append(admission)
        return found

    def flush(self) -> None:
        while self._discarded:
            admission_id, version = self._discarded.pop()
            done = self._tx.writing().execute(delete(insured_admissions).where(
                A.id == admission_id, A.version == version, A.state == AdmissionState.REGISTERING))
            if done.rowcount != 1:
                raise ConcurrencyConflict(f"admission {admission_id} was changed by someone else; reload and retry")
        for admission_id, (admission, version, before) in list(self._identity.items()):
            now = (_head(admission), _body(admission))
            if now == before:
                continue
            conn = self._tx.writing()
            if version is None:
                new_version = 1
                conn.execute(insert(insured_admissions), {**now[0], "body": now[1], "version": new_version})
            else:
                new_version = version + 1
                done = conn.execute(update(insured_admissions)
                                    .where(A.id == admission_id, A.version == version)
                                    .values(**now[0], body=now[1], version=new_version))
                if done.rowcount != 1:
                    raise ConcurrencyConflict(f"admission {admission_id} was changed by someone else; "
                                              "reload and retry")
            self._flushed.append((admission, admission.version))
            admission.version = new_version
            self._identity[admission_id] = (admission, new_version, now)

    def committed(self) -> None:
        self._flushed.clear()
        self._identity.clear()

    def rolled_back(self) -> None:
        while self._flushed:
            admission, version = self._flushed.pop()
            admission.version = version
        self._identity.clear()
        self._discarded.clear()
