"""The hospital data file: JSON with the sections departments, clinics, staff, price_lines and
charge_items (the 院内收费项目), each a list of records named by the model's fields (see
data/demo_hospital.json). Read into records with every mistake named by its place
(`clinics[3].dept_code`); applying them is HospitalAdmin.load.
"""
from __future__ import annotations

import dataclasses
import json
import typing
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from domain.errors import FieldViolation, ValidationFailed
from domain.hospital import ChargeItem, Clinic, Department, PriceLine, RegistrationType, StaffKind, StaffMember
from domain.text import excerpt

SECTIONS = {"departments": Department, "clinics": Clinic, "staff": StaffMember, "price_lines": PriceLine,
            "charge_items": ChargeItem}
MAX_FILE = 20 << 20
_ENUMS = {"kind": StaffKind, "reg_type": RegistrationType}


def demo_file() -> Path:
    """The example set of the demo hospital that ships with the project."""
    return Path(str(resources.files("services.hospital") / "data" / "demo_hospital.json"))


def _field_value(cls, f: dataclasses.Field, raw, at: str, bad: list):
    hint = typing.get_type_hints(cls)[f.name]
    if f.name in _ENUMS:
        try:
            return _ENUMS[f.name](raw)
        except ValueError:
            bad.append(FieldViolation(at, f"{excerpt(raw)} is not one of {', '.join(e.value for e in _ENUMS[f.name])}"))
            return None
    if hint is Decimal:
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            try:
                value = Decimal(str(raw).strip())
                if value.is_finite():
                    return value
            except InvalidOperation:
                pass
        bad.append(FieldViolation(at, f"{excerpt(raw)} is not a decimal (write it as a string: \"10.00\")"))
        return None
    if hint in (date, date | None):
        if raw in (None, "") and hint != date:
            return None
        try:
            return date.fromisoformat(raw)
        except (TypeError, ValueError):
            bad.append(FieldViolation(at, f"{excerpt(raw)} is not a date YYYY-MM-DD"))
            return None
    if hint is bool:
        if isinstance(raw, bool):
            return raw
    elif hint in (int, int | None):
        if raw is None and hint != int:
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    elif hint is str:
        if isinstance(raw, str):
            return raw
    elif f.name == "clinic_codes":
        if isinstance(raw, list) and all(isinstance(c, str) for c in raw):
            return tuple(raw)
    bad.append(FieldViolation(at, f"{excerpt(raw)} is not a {getattr(hint, '__name__', str(hint))}"))
    return None


def parse(document) -> list:
    """The records of a parsed JSON document, departments first, then clinics, staff, price lines,
    charge items."""
    if not isinstance(document, dict):
        raise ValidationFailed([FieldViolation("", "the file must hold one JSON object")], subject="hospital data")
    bad: list[FieldViolation] = [FieldViolation(key, f"is not a section; known: {', '.join(SECTIONS)}")
                                 for key in document if key not in SECTIONS]
    records = []
    for section, cls in SECTIONS.items():
        rows = document.get(section, [])
        if not isinstance(rows, list):
            bad.append(FieldViolation(section, "must be a list"))
            continue
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for i, row in enumerate(rows):
            at = f"{section}[{i}]"
            if not isinstance(row, dict):
                bad.append(FieldViolation(at, "must be an object"))
                continue
            values, before = {}, len(bad)
            for key, raw in row.items():
                if key not in fields:
                    bad.append(FieldViolation(f"{at}.{key}", f"is not a field; known: {', '.join(fields)}"))
                else:
                    values[key] = _field_value(cls, fields[key], raw, f"{at}.{key}", bad)
            missing = [name for name, f in fields.items() if name not in row
                       and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
            bad += [FieldViolation(f"{at}.{name}", "is required") for name in missing]
            if len(bad) == before:
                records.append(cls(**values))
    if bad:
        raise ValidationFailed(bad, subject="hospital data")
    return records


def read_document(path: str | Path, subject: str = "hospital data", max_bytes: int = MAX_FILE):
    """The parsed JSON of a master data file; ValidationFailed (about `subject`) for one too large or no JSON."""
    path = Path(path)
    if path.stat().st_size > max_bytes:
        raise ValidationFailed([FieldViolation("", f"{path.name} is larger than {max_bytes >> 20} MiB")],
                               subject=subject)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed([FieldViolation("", f"{path.name} is not JSON text: {exc}")],
                               subject=subject) from None


def read(path: str | Path) -> list:
    """The records of a data file. ValidationFailed for a file that is no JSON or holds mistakes."""
    return parse(read_document(path))
