"""For the hospital tests: a MasterDataStore in memory (counting its reads), clocks moved by hand, the admin operator."""
from __future__ import annotations

from datetime import datetime

from domain.errors import ConcurrencyConflict
from domain.operator import Operator
from ports.hospital import ChargeItemMapping, DepartmentUpload, MasterDataStore, StoredVersion


class MemoryMasterDataStore(MasterDataStore):
    def __init__(self):
        self.rows: dict[tuple[str, str, int], StoredVersion] = {}
        self.gen = 0
        self.generation_reads = self.current_reads = 0
        self.uploads: dict[str, DepartmentUpload] = {}
        self.mappings: dict[str, ChargeItemMapping] = {}

    def generation(self) -> int:
        self.generation_reads += 1
        return self.gen

    def current(self):
        self.current_reads += 1
        latest: dict[tuple[str, str], StoredVersion] = {}
        for (kind, code, version), v in sorted(self.rows.items()):
            latest[(kind, code)] = v
        return self.gen, list(latest.values())

    def latest(self, kind, code):
        found = [v for (k, c, _), v in sorted(self.rows.items()) if (k, c) == (kind, code)]
        return found[-1] if found else None

    def history(self, kind, code):
        return [v for (k, c, _), v in sorted(self.rows.items()) if (k, c) == (kind, code)]

    def append(self, versions):
        if any((v.kind, v.code, v.version) in self.rows for v in versions):
            raise ConcurrencyConflict("taken")
        for v in versions:
            self.rows[(v.kind, v.code, v.version)] = v
        self.gen += 1
        return self.gen

    def department_upload(self, dept_code):
        return self.uploads.get(dept_code)

    def record_department_upload(self, upload):
        self.uploads[upload.dept_code] = upload

    def charge_item_mappings(self, codes=None):
        return {c: m for c, m in self.mappings.items() if codes is None or c in codes}

    def record_charge_item_mappings(self, mappings):
        self.mappings.update((m.code, m) for m in mappings)


ADMIN = Operator(code="ADM1", name="管理员", role="admin")


class FixedClock:
    def __init__(self):
        self.at = datetime(2026, 3, 2, 9, 30)

    def now(self) -> datetime:
        return self.at


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.t = 100.0

    def __call__(self) -> float:
        return self.t
