"""The wards file: JSON {"wards": [{"code", "name", "dept_code", "beds"}]}, `beds` a count (beds
numbered 01, 02 ...) or a list of bed codes. Read into Ward records with every mistake named by its
place (`wards[1].beds`); the departments are checked against the hospital's master data on load."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from domain.errors import FieldViolation, ValidationFailed
from domain.inpatient import Bed, Ward
from domain.text import excerpt
from services.hospital import read_document

MAX_FILE = 1 << 20
MAX_BEDS = 2000


def demo_wards_file() -> Path:
    """The demo hospital's wards (内科病区 NKBQ, 外科病区 WKBQ)."""
    return Path(str(resources.files("services.inpatient") / "data" / "demo_wards.json"))


def parse_wards(document) -> list[Ward]:
    bad: list[FieldViolation] = []
    rows = document.get("wards") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ValidationFailed([FieldViolation("wards", "must be a list")], subject="wards data")
    found, codes = [], set()
    for i, row in enumerate(rows):
        at = f"wards[{i}]"
        if not isinstance(row, dict):
            bad.append(FieldViolation(at, "must be an object"))
            continue
        texts = {}
        for name in ("code", "name", "dept_code"):
            value = row.get(name)
            if not isinstance(value, str) or not value.strip():
                bad.append(FieldViolation(f"{at}.{name}", "is required (text)"))
            texts[name] = value.strip() if isinstance(value, str) else ""
        if texts["code"] in codes:
            bad.append(FieldViolation(f"{at}.code", f"{excerpt(texts['code'])} is listed twice"))
        codes.add(texts["code"])
        beds = _bed_codes(row.get("beds"), f"{at}.beds", bad)
        found.append(Ward(texts["code"], texts["name"], texts["dept_code"], [Bed(texts["code"], b) for b in beds]))
    if bad:
        raise ValidationFailed(bad, subject="wards data")
    return found


def _bed_codes(raw, at: str, bad: list) -> list[str]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        if 1 <= raw <= MAX_BEDS:
            return [f"{n:02d}" for n in range(1, raw + 1)]
    elif isinstance(raw, list) and raw and all(isinstance(b, str) and b.strip() for b in raw):
        if len(set(raw)) == len(raw) and len(raw) <= MAX_BEDS:
            return [b.strip() for b in raw]
    bad.append(FieldViolation(at, f"a count of beds (1 to {MAX_BEDS}) or a list of distinct bed codes, "
                                  f"not {excerpt(raw)}"))
    return []


def read_wards(path: str | Path) -> list[Ward]:
    return parse_wards(read_document(path, "wards data", MAX_FILE))
