"""Lines of a bill (an encounter's, a stay's): checked whole, then numbered after the lines already
there. A number is never reused, withdrawn lines keep theirs."""
from __future__ import annotations

from domain.errors import FieldViolation, ValidationFailed


def append_numbered(existing: list, added: list, field_name: str) -> None:
    """Refuse `added` when empty or when any line has violations (each named `field_name[i]...`), else
    number them after `existing` and append them."""
    if not added:
        raise ValidationFailed([FieldViolation(field_name, "at least one line is required")])
    found = [v for i, line in enumerate(added) for v in line.violations(f"{field_name}[{i}]")]
    if found:
        raise ValidationFailed(found)
    for n, line in enumerate(added, next_line_no(existing)):
        line.line_no = n
        existing.append(line)


def next_line_no(existing: list) -> int:
    return max((line.line_no for line in existing), default=0) + 1
