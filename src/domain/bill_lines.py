"""Lines of a bill (an encounter's, a stay's): checked whole, then numbered after the lines already
there. A number is never reused, withdrawn lines keep theirs."""
from __future__ import annotations

from domain.errors import FieldViolation, ValidationFailed
from domain.money import line_total


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


def priced_line_violations(line, where: str, named: bool = True) -> list[FieldViolation]:
    """What is wrong with a priced line (item_code, item_name when `named`, quantity, unit_price, amount =
    quantity × unit_price), each named `where.field`."""
    found = []
    if not line.item_code:
        found.append(FieldViolation(f"{where}.item_code", "is required"))
    if named and not line.item_name:
        found.append(FieldViolation(f"{where}.item_name", "is required"))
    if line.quantity <= 0:
        found.append(FieldViolation(f"{where}.quantity", "must be greater than zero"))
    if line.unit_price < 0:
        found.append(FieldViolation(f"{where}.unit_price", "must not be negative"))
    elif line.quantity > 0 and line_total(line.quantity, line.unit_price) != line.amount:
        found.append(FieldViolation(f"{where}.amount",
                                    f"{line.amount} is not quantity {line.quantity} × unit_price {line.unit_price}"))
    return found
