"""Storage of the hospital master data: every version of every record, appended, never overwritten.

A record is (kind, code); each change appends version n+1 with its time, author and reason. Every
append also advances one counter (the generation) in the same transaction: a process that caches
the current versions learns that anything changed, in any process, by reading one number.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StoredVersion:
    kind: str  # department / clinic / staff / price_line / charge_item (domain.hospital.KINDS)
    code: str
    version: int
    valid_from: datetime
    changed_by: str
    reason: str
    retired: bool
    data: dict  # the record as domain.hospital.to_data wrote it


@dataclass(frozen=True)
class DepartmentUpload:
    """Where a department stands on the platform: uploaded (3401, changed by 3402) or revoked (3403)."""

    dept_code: str
    state: str  # UPLOADED / REVOKED
    infno: str  # the last transaction that succeeded
    begntime: str  # as uploaded ("yyyy-MM-dd HH:mm:ss"): 3403 must name it again
    yb_dept_code: str  # hosp_dept_codg as uploaded
    name: str  # hosp_dept_name as uploaded: 3403 must name it again
    msgid: str
    at: datetime
    by: str


@dataclass(frozen=True)
class ChargeItemMapping:
    """Where a 院内收费项目's 目录对照 stands on the platform: uploaded (3301) or revoked (3302), with
    the national code and list_type as sent (3302 must name them again, and a change of either
    means revoking this mapping before uploading the new one)."""

    code: str  # fixmedins_hilist_id
    state: str  # UPLOADED / REVOKED
    national_code: str  # med_list_codg as uploaded
    list_type: str  # as uploaded
    name: str  # fixmedins_hilist_name as uploaded
    begndate: str  # as uploaded, "yyyy-MM-dd"
    msgid: str  # of the last call that succeeded for it (3301 or 3302)
    at: datetime
    by: str


class MasterDataStore(abc.ABC):
    @abc.abstractmethod
    def generation(self) -> int:
        """A number that grows with every append (in any process): cheap to read."""

    @abc.abstractmethod
    def current(self) -> tuple[int, list[StoredVersion]]:
        """The generation and the latest version of every record (retired ones too), read together."""

    @abc.abstractmethod
    def latest(self, kind: str, code: str) -> StoredVersion | None: ...

    @abc.abstractmethod
    def history(self, kind: str, code: str) -> list[StoredVersion]:
        """Every version of one record, oldest first."""

    @abc.abstractmethod
    def append(self, versions: list[StoredVersion]) -> int:
        """Store all of them or none, advance the generation and return it. Raises
        domain.errors.ConcurrencyConflict when one of those versions exists already (someone else
        changed the record first)."""

    @abc.abstractmethod
    def department_upload(self, dept_code: str) -> DepartmentUpload | None: ...

    @abc.abstractmethod
    def record_department_upload(self, upload: DepartmentUpload) -> None: ...

    @abc.abstractmethod
    def charge_item_mappings(self, codes: list[str] | None = None) -> dict[str, ChargeItemMapping]:
        """The mapping state of these items (those never sent are absent); None: of every item."""

    @abc.abstractmethod
    def record_charge_item_mappings(self, mappings: list[ChargeItemMapping]) -> None:
        """Replace the state of each item named (all of them in one transaction)."""
