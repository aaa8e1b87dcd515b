"""The exam-item tables (检查项目价表), master data of the orders context: one per exam type, each
change a new version (a request keeps the version that priced it). Loaded at start from the
hospital's file, or the shipped demo tables into an empty database, like the hospital's data.

A table names its items by their code in the hospital's price list (院内收费项目, the hospital
context's charge items): their name, national 医保 code and price come from there, the one source of
those facts. A version holds them as they were when it was made; when the price list changes, the
next read of the table makes a new version from it, so a request is priced as of its time and keeps
that pricing when its parts change later."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import ChargeItem
from domain.money import to_decimal
from domain.operator import Operator
from domain.orders import exam_table_from_dict
from domain.text import excerpt
from ports.clock import Clock
from ports.orders import ExamTableStore, ExamTableVersion

log = logging.getLogger(__name__)

DEMO_FILE = Path(__file__).with_name("data") / "demo_exam_tables.json"
PRICE_LIST_CHANGED = "the price list (院内收费项目) changed"


def read_file(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed([FieldViolation("exam_tables", f"cannot read {excerpt(str(path))}: "
                                                              f"{excerpt(exc, 200)}")]) from None


def _item_slots(table: dict) -> Iterator[tuple[str, dict, str | int]]:
    """Where a table names an item: (path, the container, the key or index in it)."""
    for i, part in enumerate(table.get("parts") or []):
        if isinstance(part, dict):
            for j, _ in enumerate(part.get("items") or []):
                yield f"parts[{i}].items[{j}]", part["items"], j
    extra = table.get("additional")
    if isinstance(extra, dict) and "fixed_item" in extra:
        yield "additional.fixed_item", extra, "fixed_item"
    if table.get("contrast_item"):
        yield "contrast_item", table, "contrast_item"
    for k, _ in enumerate(table.get("once_per_request") or []):
        yield f"once_per_request[{k}]", table["once_per_request"], k


def priced(table: dict, charge_item: Callable[[str], ChargeItem], where: str = "", strict: bool = True) -> dict:
    """The table with each item's name, national code and price taken from the price list by its
    item_code; an unknown code, or (strict: a table as given) another price given here, is named by its
    path. Not strict: a stored version's items, read again from the list as it is now."""
    resolved = json.loads(json.dumps(table))
    violations: list[FieldViolation] = []
    for path, container, key in _item_slots(resolved):
        at = f"{where}.{path}" if where else path
        given = container[key]
        if not isinstance(given, dict) or not given.get("item_code"):
            violations.append(FieldViolation(f"{at}.item_code", "is required: the item's code in the price list"))
            continue
        code = str(given["item_code"])
        try:
            item = charge_item(code)
        except NotFound:
            violations.append(FieldViolation(f"{at}.item_code", f"{excerpt(code)} is not in the hospital's price list "
                                                                "(院内收费项目)"))
            continue
        for name in ("item_name", "national_code", "unit_price") if strict else ():
            if name in given and given[name] != _listed(item)[name]:
                violations.append(FieldViolation(f"{at}.{name}", "comes from the price list (院内收费项目); leave it "
                                                                 "out or give the listed value"))
        container[key] = _listed(item)
    if violations:
        raise ValidationFailed(violations, subject="exam-item tables")
    return resolved


def _listed(item: ChargeItem) -> dict:
    return {"item_code": item.code, "item_name": item.name, "national_code": item.national_code,
            "unit_price": format(to_decimal(item.unit_price), "f")}


class ExamTables:
    def __init__(self, store: ExamTableStore, clock: Clock, charge_item: Callable[[str], ChargeItem]):
        self.store, self.clock, self.charge_item = store, clock, charge_item
        self._versions: dict[tuple[str, int], ExamTableVersion] = {}  # a version never changes: read once

    def all(self) -> list[ExamTableVersion]:
        return [self._fresh(t) for t in self.store.current()]

    def current(self, exam_type: str) -> ExamTableVersion:
        found = next((t for t in self.store.current() if t.exam_type == exam_type), None)
        if found is None:
            raise NotFound(f"no exam-item table for exam type {excerpt(exam_type)}")
        return self._fresh(found)

    def _fresh(self, version: ExamTableVersion) -> ExamTableVersion:
        """The version in force, made anew from the price list when the list changed since."""
        try:
            now = priced(version.data, self.charge_item, strict=False)
        except ValidationFailed as err:
            raise IllegalTransition(f"the exam-item table {version.exam_type} names items the price list no longer "
                                    f"has ({err.violations[0].field}): load a table without them") from None
        if now == version.data:
            return version
        try:
            number = self.store.append(version.exam_type, now, self.clock.now(), "system", PRICE_LIST_CHANGED)
        except ConcurrencyConflict:  # another server made the same version first
            return self.current(version.exam_type)
        log.info("exam-item table %s: version %s made from the changed price list", version.exam_type, number)
        return self.version(version.exam_type, number)

    def version(self, exam_type: str, version: int) -> ExamTableVersion:
        """The version that priced a request (every read and re-pricing of it asks): from the store once."""
        key = (exam_type, version)
        found = self._versions.get(key)
        if found is None:
            found = self.store.version(exam_type, version)
            if found is None:
                raise NotFound(f"no version {version} of the exam-item table {excerpt(exam_type)}")
            self._versions[key] = found
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
        resolved: list[dict] = []
        for i, data in enumerate(rows):
            if not isinstance(data, dict):
                violations.append(FieldViolation(f"exam_tables[{i}]", "must be an object"))
                continue
            try:
                table = priced(data, self.charge_item, f"exam_tables[{i}]")
                exam_table_from_dict(table, f"exam_tables[{i}]")
                resolved.append(table)
            except ValidationFailed as err:
                violations += err.violations
            if data.get("exam_type") in seen:
                violations.append(FieldViolation(f"exam_tables[{i}].exam_type", "given twice"))
            seen.add(data.get("exam_type"))
        if violations:
            raise ValidationFailed(violations, subject="exam-item tables")
        in_force = {t.exam_type: t.data for t in self.store.current()}
        now, written = self.clock.now(), []
        for table in resolved:
            if in_force.get(table["exam_type"]) == table:
                continue  # unchanged: no new version
            number = self.store.append(table["exam_type"], table, now, op.code, reason)
            written.append(self.version(table["exam_type"], number))
        return written

    def load_demo_if_empty(self, op: Operator) -> list[ExamTableVersion]:
        """The demo tables into a database with none, when the price list is the demo hospital's: a
        hospital with its own price list and no tables of its own starts without exam tables (said in
        the log), not with a refusal."""
        if self.store.current():
            return []
        try:
            return self.load(read_file(DEMO_FILE), op, "the demo hospital's exam-item tables")
        except ValidationFailed as err:
            log.warning("the demo exam-item tables were not loaded: the price list lacks their items (%s); load "
                        "the hospital's own with `his hospital load-exam-tables`", err.violations[0].field)
            return []
