"""The domain dataclasses are no longer mapped by the ORM: repositories.py reads and writes them
with SQL Core statements and diffs them against a snapshot taken at load time.

start_mappers() stays for the composition root and the tests, which call it before wiring; it
does nothing. Mapping the classes would instrument every attribute of every domain object.
"""
from __future__ import annotations


def start_mappers() -> None:
    """Nothing to map (kept so callers need not change)."""
