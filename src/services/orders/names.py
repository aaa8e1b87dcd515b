"""Names of the hospital's records as printed and sent: "" for a code the directory no longer has
(a retired clinic or staff member still named by an old order)."""
from __future__ import annotations

from collections.abc import Callable

from domain.errors import NotFound


def name_of(lookup: Callable[[str], object], code: str) -> str:
    try:
        return lookup(code).name
    except NotFound:
        return ""
