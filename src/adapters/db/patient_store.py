"""PatientStore in SQL Core: records sealed on the way in, opened on the way out.

Identity numbers, phones and addresses reach the database only sealed (ports.field_cipher); each
identifier and the phone also get a keyed digest, which the equality lookups use. A revision keeps
the whole record as it stood, sealed too (bound to its patient and version). Writes run in one
transaction per `with` block; a lost update is refused by the version in the UPDATE's WHERE, and an
identifier taken meanwhile by its primary key (both surface as ConcurrencyConflict on commit).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import Connection, and_, delete, insert, or_, select, true, tuple_, update
from sqlalchemy.exc import IntegrityError

from adapters.db.connections import Connections
from adapters.db.diagnosis_index import _starts  # LIKE 'prefix%' as each database serves it from an index
from adapters.db.patient_tables import patient_identifiers, patient_revisions, patients
from adapters.db.repositories import Transaction, is_conflict
from domain.errors import ConcurrencyConflict
from domain.patients import Identifier, IdentifierKind, InsuranceSnapshot, Patient, PatientRevision
from ports.field_cipher import FieldCipher
from ports.patients import PatientQuery, PatientStore, PatientTransaction

_PHONE, _ADDRESS, _SNAPSHOT = "patients.phone", "patients.address", "patient_revisions.snapshot"
_P, _I, _R = patients.c, patient_identifiers.c, patient_revisions.c


class SqlPatientStore(PatientStore):
    def __init__(self, connections: Connections, cipher: FieldCipher):
        self._connections, self._cipher = connections, cipher

    @contextmanager
    def transaction(self) -> Iterator[SqlPatientTransaction]:
        conn = self._connections.lease()
        try:
            yield SqlPatientTransaction(Transaction(conn), self._cipher)
        except IntegrityError as exc:
            if is_conflict(exc):
                raise ConcurrencyConflict("a patient record or identifier was written by someone else meanwhile; "
                                          "try again") from exc
            raise
        finally:
            self._connections.release(conn)  # rolled back unless committed


class SqlPatientTransaction(PatientTransaction):
    def __init__(self, tx: Transaction, cipher: FieldCipher):
        self._tx, self._cipher = tx, cipher

    @property
    def _conn(self) -> Connection:
        return self._tx.conn

    # ---- sealing ------------------------------------------------------------------------------
    def _identifier_digest(self, identifier: Identifier) -> str:
        return self._cipher.digest(identifier.value, f"identifier:{identifier.kind.value}")

    def _phone_digest(self, phone: str) -> str | None:
        return self._cipher.digest(phone, "phone") if phone else None

    def _seal(self, value: str, purpose: str) -> bytes | None:
        return self._cipher.seal(value, purpose) if value else None

    def _open(self, sealed: bytes | None, purpose: str) -> str:
        return self._cipher.open(sealed, purpose) if sealed is not None else ""

    # ---- reading ------------------------------------------------------------------------------
    def _patients(self, where, order=None, limit: int | None = None) -> list[Patient]:
        stmt = select(patients).where(where)
        if order is not None:
            stmt = stmt.order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = self._conn.execute(stmt).all()
        if not rows:
            return []
        found = {r.id: self._patient(r) for r in rows}
        for r in self._conn.execute(select(_I.patient_id, _I.kind, _I.sealed)
                                    .where(_I.patient_id.in_(list(found)))
                                    .order_by(_I.patient_id, _I.position)):
            kind = IdentifierKind(r.kind)
            found[r.patient_id].identifiers.append(
                Identifier(kind, self._cipher.open(r.sealed, f"identifier:{kind.value}")))
        return list(found.values())

    def _patient(self, r) -> Patient:
        insurance = None
        if r.psn_no is not None:
            insurance = InsuranceSnapshot(psn_no=r.psn_no, insutypes=tuple(t for t in (r.insutypes or "").split(",") if t),
                                          insuplc_admdvs=r.insuplc_admdvs or "", read_at=r.insurance_read_at)
        return Patient(id=r.id, name=r.name, gender=r.gender, birth_date=r.birth_date,
                       phone=self._open(r.phone_sealed, f"{_PHONE}:{r.id}"),
                       address=self._open(r.address_sealed, f"{_ADDRESS}:{r.id}"),
                       identifiers=[], insurance=insurance, merged_into=r.merged_into, version=r.version)

    def get(self, patient_id: str) -> Patient | None:
        found = self._patients(_P.id == patient_id)
        return found[0] if found else None

    def holders(self, identifiers: list[Identifier]) -> dict[Identifier, str]:
        if not identifiers:
            return {}
        keys = {(i.kind.value, self._identifier_digest(i)): i for i in identifiers}
        rows = self._conn.execute(select(_I.kind, _I.digest, _I.patient_id)
                                  .where(tuple_(_I.kind, _I.digest).in_(list(keys)))).all()
        return {keys[(r.kind, r.digest)]: r.patient_id for r in rows}

    def by_demographics(self, name: str, birth_date: date, phone: str) -> list[Patient]:
        return self._patients(and_(_P.name == name, _P.birth_date == birth_date,
                                   _P.phone_digest == self._phone_digest(phone), _P.merged_into.is_(None)),
                              order=(_P.id,))

    def page(self, query: PatientQuery, after: tuple[str, str] | None, limit: int) -> list[Patient]:
        where = [] if query.include_merged else [_P.merged_into.is_(None)]
        if query.name_prefix:
            where.append(_starts(_P.name, query.name_prefix))
        if query.birth_date is not None:
            where.append(_P.birth_date == query.birth_date)
        if after is not None:
            where.append(or_(_P.name > after[0], and_(_P.name == after[0], _P.id > after[1])))
        return self._patients(and_(true(), *where), order=(_P.name, _P.id), limit=limit)

    def by_request_key(self, request_key: str) -> str | None:
        return self._conn.execute(select(_P.id).where(_P.request_key == request_key)).scalar()

    def history(self, patient_id: str) -> list[PatientRevision]:
        rows = self._conn.execute(select(patient_revisions).where(_R.patient_id == patient_id)
                                  .order_by(_R.version)).all()
        return [PatientRevision(patient_id=r.patient_id, version=r.version, at=r.at, operator_code=r.operator_code,
                                action=r.action, detail=r.detail,
                                patient=_thawed(self._cipher.open(r.snapshot_sealed,
                                                                  f"{_SNAPSHOT}:{r.patient_id}:{r.version}")),
                                changed=tuple(c for c in r.changed.split(",") if c))
                for r in rows]

    # ---- writing ------------------------------------------------------------------------------
    def _columns(self, p: Patient, now: datetime) -> dict:
        ins = p.insurance
        return {"name": p.name, "gender": p.gender, "birth_date": p.birth_date,
                "phone_sealed": self._seal(p.phone, f"{_PHONE}:{p.id}"), "phone_digest": self._phone_digest(p.phone),
                "address_sealed": self._seal(p.address, f"{_ADDRESS}:{p.id}"),
                "psn_no": ins.psn_no if ins else None, "insutypes": ",".join(ins.insutypes) if ins else None,
                "insuplc_admdvs": ins.insuplc_admdvs if ins else None, "insurance_read_at": ins.read_at if ins else None,
                "merged_into": p.merged_into, "version": p.version, "updated_at": now}

    def _write_identifiers(self, conn: Connection, p: Patient) -> None:
        if p.identifiers:
            conn.execute(insert(patient_identifiers), [
                {"kind": i.kind.value, "digest": self._identifier_digest(i), "patient_id": p.id, "position": n,
                 "sealed": self._cipher.seal(i.value, f"identifier:{i.kind.value}")}
                for n, i in enumerate(p.identifiers)])

    def _write_revision(self, conn: Connection, r: PatientRevision) -> None:
        conn.execute(insert(patient_revisions).values(
            patient_id=r.patient_id, version=r.version, at=r.at, operator_code=r.operator_code, action=r.action,
            detail=r.detail, changed=",".join(r.changed),
            snapshot_sealed=self._cipher.seal(_frozen(r.patient), f"{_SNAPSHOT}:{r.patient_id}:{r.version}")))

    def add(self, patient: Patient, revision: PatientRevision, request_key: str = "") -> None:
        conn = self._tx.writing()
        conn.execute(insert(patients).values(id=patient.id, request_key=request_key or None, created_at=revision.at,
                                             **self._columns(patient, revision.at)))
        self._write_identifiers(conn, patient)
        self._write_revision(conn, revision)

    def update(self, patient: Patient, revision: PatientRevision) -> None:
        conn = self._tx.writing()
        done = conn.execute(update(patients).where(_P.id == patient.id, _P.version == patient.version - 1)
                            .values(**self._columns(patient, revision.at)))
        if done.rowcount != 1:
            raise ConcurrencyConflict(f"patient {patient.id} was changed by someone else meanwhile: read it again")
        conn.execute(delete(patient_identifiers).where(_I.patient_id == patient.id))
        self._write_identifiers(conn, patient)
        self._write_revision(conn, revision)

    def redirect(self, from_id: str, to_id: str) -> None:
        self._tx.writing().execute(update(patients).where(_P.merged_into == from_id).values(merged_into=to_id))

    def commit(self) -> None:
        self._conn.commit()
        self._tx.ended()


def _frozen(p: Patient) -> str:
    ins = p.insurance
    return json.dumps({
        "id": p.id, "name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "phone": p.phone, "address": p.address, "identifiers": [[i.kind.value, i.value] for i in p.identifiers],
        "insurance": None if ins is None else {"psn_no": ins.psn_no, "insutypes": list(ins.insutypes),
                                               "insuplc_admdvs": ins.insuplc_admdvs,
                                               "read_at": ins.read_at.isoformat()},
        "merged_into": p.merged_into, "version": p.version}, ensure_ascii=False)


def _thawed(text: str) -> Patient:
    d = json.loads(text)
    ins = d["insurance"]
    return Patient(id=d["id"], name=d["name"], gender=d["gender"],
                   birth_date=date.fromisoformat(d["birth_date"]) if d["birth_date"] else None,
                   phone=d["phone"], address=d["address"],
                   identifiers=[Identifier(IdentifierKind(k), v) for k, v in d["identifiers"]],
                   insurance=None if ins is None else InsuranceSnapshot(
                       psn_no=ins["psn_no"], insutypes=tuple(ins["insutypes"]), insuplc_admdvs=ins["insuplc_admdvs"],
                       read_at=datetime.fromisoformat(ins["read_at"])),
                   merged_into=d["merged_into"], version=d["version"])
