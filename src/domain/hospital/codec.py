"""Master data records <-> plain JSON values (what storage and the data file hold).

Decimals travel as strings, dates as YYYY-MM-DD, tuples as lists; field names are the model's.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from domain import hospital as model

KINDS = ("department", "clinic", "staff", "price_line", "charge_item")
_TYPES = {"department": model.Department, "clinic": model.Clinic, "staff": model.StaffMember,
          "price_line": model.PriceLine, "charge_item": model.ChargeItem}
_KIND_OF = {cls: kind for kind, cls in _TYPES.items()}


def kind_of(value) -> str:
    return _KIND_OF[type(value)]


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, (model.StaffKind, model.RegistrationType)):
        return value.value
    return value


def to_data(value) -> dict:
    return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}


def from_data(kind: str, data: dict):
    """The record stored as `data` (written by to_data: already checked, so read as it is)."""
    cls = _TYPES[kind]
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue  # a field added later: its default
        raw = data[f.name]
        if f.name in ("unit_price", "quantity"):
            raw = Decimal(raw)
        elif f.name in ("begntime", "dept_estbdat", "begndate"):
            raw = date.fromisoformat(raw) if raw else None
        elif f.name == "clinic_codes":
            raw = tuple(raw)
        elif f.name == "kind":
            raw = model.StaffKind(raw)
        elif f.name == "reg_type":
            raw = model.RegistrationType(raw)
        values[f.name] = raw
    return cls(**values)
