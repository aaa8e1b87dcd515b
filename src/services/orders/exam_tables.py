"""The exam-item tables (检查项目价表), master data of the orders context: one per exam type, each
change a new version (a request keeps the version that priced it). Loaded at start from the
hospital's file, or the shipped demo tables into an empty database, like the hospital's data."""
from __future__ import annotations

import json
from pathlib import Path

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.operator import Operator
from domain.orders import exam_table_from_dict
from domain.text import excerpt
from ports.clock import Clock
from ports.orders import ExamTableStore, ExamTableVersion

DEMO_FILE = Path(__file__).with_name("data") / "demo_exam_tables.json"


def read_file(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed([FieldViolation("exam_tables", f"cannot read {excerpt(str(path))}: "
                                                              f"{excerpt(exc, 200)}")]) from None


class ExamTables:
    def __init__(self, store: ExamTableStore, clock: Clock):
        self.store, self.clock = store, clock

    def all(self) -> list[ExamTableVersion]:
        return self.store.current()

    def current(self, exam_type: str) -> ExamTableVersion:
        found = next((t for t in self.store.current() if t.exam_type == exam_type), None)
        if found is None:
            raise NotFound(f"no exam-item table for exam type {excerpt(exam_type)}")
        return found

    def version(self, exam_type: str, version: int) -> ExamTableVersion:
        found = self.store.version(exam_type, version)
        if found is None:
            raise NotFound(f"no version {version} of the exam-item table {excerpt(exam_type)}")
        return found

    def load(self, document: dict, op: Operator, reason: str) -> list[ExamTableVersion]:
        """Every table of `document` ({"exam_tables": [...]}) checked first (mistakes named by their
        path, `exam_tables[1].parts[0].method`, nothing stored); then a new version of each table that
        differs from the one in force. Returns the versions written."""
        if not reason.strip():
            raise ValidationFailed([FieldViolation("reason", "is required")])
        rows = document.get("exam_tables") if isinstance(document, dict) else None
        if not isinstance(rows, list) or not rows:
            raise ValidationFailed([FieldViolation("exam_tables", "a list of at least one table is required")])
        violations: list[FieldViolation] = []
        seen: set[str] = set()
        for i, data in enumerate(rows):
            if not isinstance(data, dict):
                violations.append(FieldViolation(f"exam_tables[{i}]", "must be an object"))
                continue
            try:
                exam_table_from_dict(data, f"exam_tables[{i}]")
            except ValidationFailed as err:
                violations += err.violations
            if data.get("exam_type") in seen:
                violations.append(FieldViolation(f"exam_tables[{i}].exam_type", "given twice"))
            seen.add(data.get("exam_type"))
        if violations:
            raise ValidationFailed(violations, subject="exam-item tables")
        in_force = {t.exam_type: t.data for t in self.store.current()}
        now, written = self.clock.now(), []
        for data in rows:
            if in_force.get(data["exam_type"]) == json.loads(json.dumps(data)):
                continue  # unchanged: no new version
            number = self.store.append(data["exam_type"], data, now, op.code, reason)
            written.append(self.version(data["exam_type"], number))
        return written

    def load_demo_if_empty(self, op: Operator) -> list[ExamTableVersion]:
        if self.store.current():
            return []
        return self.load(read_file(DEMO_FILE), op, "the demo hospital's exam-item tables")
