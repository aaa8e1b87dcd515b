"""The doctor's orders in SQL Core: exam requests saved whole (a versioned UPDATE of the request's
row, its parts written again when they changed), and the exam-item tables as appended versions."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, and_, delete, func, insert, select, update

from adapters.db.order_tables import exam_parts, exam_requests, exam_tables
from adapters.db.repositories import Transaction, is_conflict
from domain.errors import ConcurrencyConflict
from domain.orders import ContrastAnswers, ExamMethod, ExamPart, ExamRequest, PartState, Urgency, exam_table_from_dict
from ports.orders import ExamRequestRepository, ExamTableStore, ExamTableVersion

R, P, T = exam_requests.c, exam_parts.c, exam_tables.c
_PART_FIELDS = ("no", "part_code", "method", "state", "scheduled_for", "performed_at", "reported_at", "report_text")


def _head(request: ExamRequest) -> dict:
    contrast = request.contrast
    return {"id": request.id, "encounter_id": request.encounter_id, "exam_type": request.exam_type,
            "table_version": request.table_version, "clinical_summary": request.clinical_summary,
            "purpose": request.purpose, "diagnosis_code": request.diagnosis_code,
            "diagnosis_name": request.diagnosis_name, "urgency": request.urgency,
            "requested_by": request.requested_by, "requested_at": request.requested_at,
            "has_contrast": contrast is not None,
            "allergy_history": bool(contrast and contrast.allergy_history),
            "previous_reaction": bool(contrast and contrast.previous_reaction),
            "consent_signed": bool(contrast and contrast.consent_signed)}


def _parts(request: ExamRequest) -> list[dict]:
    return [{"request_id": request.id, **{f: getattr(p, f) for f in _PART_FIELDS}} for p in request.parts]


def _snapshot(request: ExamRequest) -> tuple:
    return tuple(sorted(_head(request).items())), tuple(tuple(sorted(p.items())) for p in _parts(request))


def _build(row, parts: list) -> ExamRequest:
    m = row._mapping
    contrast = ContrastAnswers(m["allergy_history"], m["previous_reaction"], m["consent_signed"]) \
        if m["has_contrast"] else None
    return ExamRequest(
        id=m["id"], encounter_id=m["encounter_id"], exam_type=m["exam_type"],
        parts=[ExamPart(p.no, p.part_code, ExamMethod(p.method), PartState(p.state), p.scheduled_for,
                        p.performed_at, p.reported_at, p.report_text) for p in parts],
        clinical_summary=m["clinical_summary"], purpose=m["purpose"], diagnosis_code=m["diagnosis_code"],
        urgency=Urgency(m["urgency"]), requested_by=m["requested_by"], requested_at=m["requested_at"],
        contrast=contrast, diagnosis_name=m["diagnosis_name"], table_version=m["table_version"],
        version=m["version"])


class SqlExamRequestRepository(ExamRequestRepository):
    def __init__(self, tx: Transaction):
        self._tx = tx
        self._identity: dict[str, tuple[ExamRequest, int | None, tuple | None]] = {}
        self._flushed: list[tuple[ExamRequest, int]] = []

    def add(self, request: ExamRequest) -> None:
        self._identity[request.id] = (request, None, None)

    def get(self, request_id: str) -> ExamRequest | None:
        if request_id in self._identity:
            return self._identity[request_id][0]
        found = self._load(R.id == request_id)
        return found[0] if found else None

    def for_encounter(self, encounter_id: str) -> list[ExamRequest]:
        return self._load(R.encounter_id == encounter_id)

    def _load(self, where) -> list[ExamRequest]:
        rows = self._tx.conn.execute(select(exam_requests).where(where)
                                     .order_by(R.requested_at, R.id)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        parts: dict[str, list] = {i: [] for i in ids}
        for p in self._tx.conn.execute(select(exam_parts).where(P.request_id.in_(ids)).order_by(P.request_id, P.no)):
            parts[p.request_id].append(p)
        found = []
        for row in rows:
            known = self._identity.get(row.id)
            if known is not None:
                found.append(known[0])
                continue
            request = _build(row, parts[row.id])
            self._identity[request.id] = (request, request.version, _snapshot(request))
            found.append(request)
        return found

    def flush(self) -> None:
        for request_id, (request, version, before) in list(self._identity.items()):
            now = _snapshot(request)
            if now == before:
                continue
            conn = self._tx.writing()
            if version is None:
                new_version = 1
                conn.execute(insert(exam_requests), {**_head(request), "version": new_version})
            else:
                new_version = version + 1
                done = conn.execute(update(exam_requests).where(R.id == request_id, R.version == version)
                                    .values(**_head(request), version=new_version))
                if done.rowcount != 1:
                    raise ConcurrencyConflict(f"exam request {request_id} was changed by someone else; "
                                              "reload and retry")
                conn.execute(delete(exam_parts).where(P.request_id == request_id))
            conn.execute(insert(exam_parts), _parts(request))
            self._flushed.append((request, request.version))
            request.version = new_version
            self._identity[request_id] = (request, new_version, now)

    def rolled_back(self) -> None:
        while self._flushed:
            request, version = self._flushed.pop()
            request.version = version
        self._identity.clear()

    def committed(self) -> None:
        self._flushed.clear()
        self._identity.clear()


def _table_version(row) -> ExamTableVersion:
    data = json.loads(row.data)
    return ExamTableVersion(row.exam_type, row.version, exam_table_from_dict(data), data, row.valid_from,
                            row.changed_by, row.reason)


class SqlExamTableStore(ExamTableStore):
    def __init__(self, engine: Engine):
        self._engine = engine

    def current(self) -> list[ExamTableVersion]:
        newest = select(T.exam_type, func.max(T.version).label("version")).group_by(T.exam_type).subquery()
        stmt = (select(exam_tables).join(newest, and_(T.exam_type == newest.c.exam_type,
                                                      T.version == newest.c.version)).order_by(T.exam_type))
        with self._engine.connect() as conn:
            return [_table_version(r) for r in conn.execute(stmt)]

    def version(self, exam_type: str, version: int) -> ExamTableVersion | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(exam_tables).where(T.exam_type == exam_type, T.version == version)).first()
        return None if row is None else _table_version(row)

    def append(self, exam_type: str, data: dict, valid_from: datetime, changed_by: str, reason: str) -> int:
        try:
            with self._engine.begin() as conn:
                last = conn.execute(select(func.max(T.version)).where(T.exam_type == exam_type)).scalar()
                number = (last or 0) + 1
                conn.execute(insert(exam_tables), {
                    "exam_type": exam_type, "version": number, "valid_from": valid_from, "changed_by": changed_by,
                    "reason": reason, "data": json.dumps(data, ensure_ascii=False, sort_keys=True)})
                return number
        except Exception as exc:
            if is_conflict(exc):
                raise ConcurrencyConflict(f"exam-item table {exam_type} was changed meanwhile; try again") from exc
            raise
