"""The read side: the current version of every record, held in memory.

The registration path asks on every call, so a lookup is a dict lookup. What is held is a snapshot
of the store's current versions with the store's generation. This process's own changes drop it at
once (invalidate); another process's are noticed by reading the generation — one indexed row — at
most once per `check_every` seconds (1 s by default, `hospital.cache_check_every`): a change made by
another server is answered here within that time, and the database sees at most one tiny query per
second per process however many registrations run.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime
from collections.abc import Callable, Iterable

from domain.errors import NotFound
from domain.hospital import (ChargeItem, Clinic, Department, FeeLine, PriceLine, RegistrationType, StaffKind, StaffMember,
                             fee_lines, from_data, kind_of, to_data)
from domain.text import excerpt
from ports.hospital import MasterDataStore, StoredVersion

_REG_TYPE_NAMES = {RegistrationType.ORDINARY: "普通", RegistrationType.EXPERT: "专家",
                   RegistrationType.EMERGENCY: "急诊"}


class Snapshot:
    """The records in force (retired ones left out), by code."""

    def __init__(self, versions: Iterable[StoredVersion], generation: int = 0):
        self.generation = generation
        self.departments: dict[str, Department] = {}
        self.clinics: dict[str, Clinic] = {}
        self.staff: dict[str, StaffMember] = {}
        self.price_lines: dict[str, PriceLine] = {}
        self.charge_items: dict[str, ChargeItem] = {}
        books = {"department": self.departments, "clinic": self.clinics, "staff": self.staff,
                 "price_line": self.price_lines, "charge_item": self.charge_items}
        for v in versions:
            if not v.retired:
                books[v.kind][v.code] = from_data(v.kind, v.data)

    def department(self, code: str) -> Department:
        found = self.departments.get(code)
        if found is None:
            raise NotFound(f"no department {excerpt(code)}")
        return found

    def clinic(self, code: str) -> Clinic:
        found = self.clinics.get(code)
        if found is None:
            raise NotFound(f"no clinic {excerpt(code)}")
        return found

    def staff_member(self, code: str) -> StaffMember:
        found = self.staff.get(code)
        if found is None:
            raise NotFound(f"no staff member {excerpt(code)}")
        return found

    def charge_item(self, code: str) -> ChargeItem:
        found = self.charge_items.get(code)
        if found is None:
            raise NotFound(f"no charge item {excerpt(code)} in force")
        return found

    def registration_fee(self, reg_type, clinic_code: str, doctor_code: str = "") -> list[FeeLine]:
        reg_type = RegistrationType(reg_type)
        clinic = self.clinic(clinic_code)
        title = ""
        if doctor_code:
            doctor = self.staff_member(doctor_code)
            if doctor.kind is not StaffKind.DOCTOR:
                raise NotFound(f"{excerpt(doctor_code)} is not a doctor")
            title = doctor.title
        lines = fee_lines(self.price_lines.values(), reg_type, clinic.code, clinic.dept_code, title)
        if not lines:
            who = f" for a {title}" if title else ""
            raise NotFound(f"no {_REG_TYPE_NAMES[reg_type]} registration price for clinic {clinic.code}{who}")
        return lines


class HospitalDirectory:
    """Read side of the master data, as of now (the current version of each record)."""

    def department(self, code: str) -> Department:  # NotFound
        raise NotImplementedError

    def clinic(self, code: str) -> Clinic:  # NotFound
        raise NotImplementedError

    def staff(self, code: str) -> StaffMember:  # NotFound
        raise NotImplementedError

    def registration_fee(self, reg_type: RegistrationType, clinic_code: str,
                         doctor_code: str = "") -> list[FeeLine]:
        """The lines a registration of this type costs at this clinic (and doctor, for 专家)."""
        raise NotImplementedError

    def charge_item(self, code: str) -> ChargeItem:  # NotFound
        """The 院内收费项目 in force with this code: what an order's line is priced from."""
        raise NotImplementedError


class _SnapshotLookups(HospitalDirectory):
    def snapshot(self) -> Snapshot:
        raise NotImplementedError

    def department(self, code: str) -> Department:
        return self.snapshot().department(code)

    def clinic(self, code: str) -> Clinic:
        return self.snapshot().clinic(code)

    def staff(self, code: str) -> StaffMember:
        return self.snapshot().staff_member(code)

    def registration_fee(self, reg_type: RegistrationType, clinic_code: str, doctor_code: str = "") -> list[FeeLine]:
        """NotFound for an unknown clinic or doctor, a staff code that is no doctor, or no price."""
        return self.snapshot().registration_fee(reg_type, clinic_code, doctor_code)

    def charge_item(self, code: str) -> ChargeItem:
        return self.snapshot().charge_item(code)


class StaticHospitalDirectory(_SnapshotLookups):
    """A directory of fixed records, no storage (other contexts' tests; see demo_directory())."""

    def __init__(self, records: Iterable):
        self._snap = Snapshot(StoredVersion(kind_of(r), r.code, 1, datetime(2000, 1, 1), "", "", False,
                                            to_data(r)) for r in records)

    def snapshot(self) -> Snapshot:
        return self._snap


class CachedHospitalDirectory(_SnapshotLookups):
    """HospitalDirectory over a MasterDataStore (see the module's note on freshness)."""

    def __init__(self, store: MasterDataStore, check_every: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self._store, self._check_every, self._monotonic = store, check_every, monotonic
        self._snapshot: Snapshot | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the snapshot: the next lookup reads the store again (after a change made here)."""
        with self._lock:
            self._snapshot = None

    def snapshot(self) -> Snapshot:
        snap, now = self._snapshot, self._monotonic()
        if snap is not None and now < self._next_check:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is not None and now < self._next_check:
                return snap  # another thread checked meanwhile
            if snap is None or self._store.generation() != snap.generation:
                generation, versions = self._store.current()
                snap = self._snapshot = Snapshot(versions, generation)
            self._next_check = now + self._check_every
            return snap
