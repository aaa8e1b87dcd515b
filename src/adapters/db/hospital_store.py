"""MasterDataStore in SQL: versions appended to hospital_records, one generation counter beside them."""
from __future__ import annotations

import json

from sqlalchemy import Engine, and_, func, insert, select, update

from adapters.db.hospital_tables import (hospital_dept_uploads, hospital_generation, hospital_item_mappings,
                                         hospital_records)
from adapters.db.repositories import is_conflict
from domain.errors import ConcurrencyConflict
from ports.hospital import ChargeItemMapping, DepartmentUpload, MasterDataStore, StoredVersion

R, G, U, M = hospital_records.c, hospital_generation.c, hospital_dept_uploads.c, hospital_item_mappings.c


def _version(row) -> StoredVersion:
    return StoredVersion(kind=row.kind, code=row.code, version=row.version, valid_from=row.valid_from,
                         changed_by=row.changed_by, reason=row.reason, retired=bool(row.retired),
                         data=json.loads(row.data))


class SqlMasterDataStore(MasterDataStore):
    def __init__(self, engine: Engine):
        self._engine = engine

    def generation(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(G.generation).where(G.id == 1)).scalar_one()

    def current(self) -> tuple[int, list[StoredVersion]]:
        newest = (select(R.kind, R.code, func.max(R.version).label("version"))
                  .group_by(R.kind, R.code).subquery())
        stmt = select(hospital_records).join(newest, and_(R.kind == newest.c.kind, R.code == newest.c.code,
                                                          R.version == newest.c.version))
        with self._engine.begin() as conn:  # one transaction: the number and the rows agree
            generation = conn.execute(select(G.generation).where(G.id == 1)).scalar_one()
            return generation, [_version(row) for row in conn.execute(stmt)]

    def latest(self, kind: str, code: str) -> StoredVersion | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(hospital_records).where(R.kind == kind, R.code == code)
                               .order_by(R.version.desc()).limit(1)).first()
        return None if row is None else _version(row)

    def history(self, kind: str, code: str) -> list[StoredVersion]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(hospital_records).where(R.kind == kind, R.code == code)
                                .order_by(R.version)).all()
        return [_version(row) for row in rows]

    def append(self, versions: list[StoredVersion]) -> int:
        rows = [{"kind": v.kind, "code": v.code, "version": v.version, "valid_from": v.valid_from,
                 "changed_by": v.changed_by, "reason": v.reason, "retired": v.retired,
                 "data": json.dumps(v.data, ensure_ascii=False, sort_keys=True)} for v in versions]
        try:
            with self._engine.begin() as conn:
                if rows:
                    conn.execute(insert(hospital_records), rows)
                return conn.execute(update(hospital_generation).where(G.id == 1)
                                    .values(generation=G.generation + 1).returning(G.generation)).scalar_one()
        except Exception as exc:
            if is_conflict(exc):
                raise ConcurrencyConflict("someone else changed the record first; read it again") from exc
            raise

    def department_upload(self, dept_code: str) -> DepartmentUpload | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(hospital_dept_uploads).where(U.dept_code == dept_code)).first()
        return None if row is None else DepartmentUpload(**row._mapping)

    def record_department_upload(self, upload: DepartmentUpload) -> None:
        values = dict(upload.__dict__)
        with self._engine.begin() as conn:
            done = conn.execute(update(hospital_dept_uploads).where(U.dept_code == upload.dept_code).values(values))
            if done.rowcount == 0:
                conn.execute(insert(hospital_dept_uploads).values(values))

    def charge_item_mappings(self, codes: list[str] | None = None) -> dict[str, ChargeItemMapping]:
        stmt = select(hospital_item_mappings)
        if codes is not None:
            stmt = stmt.where(M.code.in_(list(codes)))
        with self._engine.connect() as conn:
            return {row.code: ChargeItemMapping(**row._mapping) for row in conn.execute(stmt)}

    def record_charge_item_mappings(self, mappings: list[ChargeItemMapping]) -> None:
        with self._engine.begin() as conn:
            for mapping in mappings:
                values = dict(mapping.__dict__)
                done = conn.execute(update(hospital_item_mappings).where(M.code == mapping.code).values(values))
                if done.rowcount == 0:
                    conn.execute(insert(hospital_item_mappings).values(values))
