"""In-test stand-ins for the contexts the encounters call: the hospital directory, the patient
registry and the clinic queues (each a subclass of its public stub, with that stub's contract). The
queues stage their changes in the caller's unit of work and apply them at its commit, so a
registration rolled back leaves no queue entry, as the real queues promise."""
from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from domain.errors import IllegalTransition, NotFound
from domain.hospital import ChargeItem, Clinic, Department, FeeLine, RegistrationType, StaffKind, StaffMember
from domain.patients import InsuranceSnapshot, Patient
from domain.queues import QueueEntry, QueueKey, QueueState
from services.hospital import HospitalDirectory
from services.patients import PatientRegistry
from services.queues import ClinicQueues

WORKER_PSN_NO = "42010620000000000001"  # the simulator's demo worker (insured 310)


def _fee(code: str, name: str, national: str, price: str) -> FeeLine:
    p = Decimal(price)
    return FeeLine(code, name, national, p, Decimal("1"), p)


class FakeDirectory(HospitalDirectory):
    """The demo hospital: 内科 (clinic NK-1, 王医生) and 心内科 (XNK-1 and SEP-1, which registers
    separately, 李医生 / 赵医生), a nurse, and fees per registration type."""

    def __init__(self):
        self.departments = {d.code: d for d in (Department("NK", "内科门诊", "A03", "NK01"),
                                                Department("XNK", "心血管内科门诊", "A03", "XNK01"))}
        self.clinics = {c.code: c for c in (Clinic("NK-1", "内科一诊室", "NK"), Clinic("XNK-1", "心内科一诊室", "XNK"),
                                            Clinic("SEP-1", "心内科特需诊室", "XNK", registers_separately=True))}
        self.staff_members = {s.code: s for s in (
            StaffMember("D001", "王医生", StaffKind.DOCTOR, "主治医师", "D420106000001", ("NK-1",)),
            StaffMember("D002", "李医生", StaffKind.DOCTOR, "主任医师", "D420106000002", ("XNK-1", "SEP-1")),
            StaffMember("D003", "赵医生", StaffKind.DOCTOR, "住院医师", "D420106000003", ("NK-1",)),
            StaffMember("N001", "钱护士", StaffKind.NURSE, "护师", "N420106000001", ("NK-1",)))}

    def department(self, code):
        return _found(self.departments, code, "department")

    def clinic(self, code):
        return _found(self.clinics, code, "clinic")

    def staff(self, code):
        return _found(self.staff_members, code, "staff member")

    def registration_fee(self, reg_type, clinic_code, doctor_code=""):
        self.clinic(clinic_code)
        consult = {RegistrationType.ORDINARY: "10.00", RegistrationType.EXPERT: "30.00",
                   RegistrationType.EMERGENCY: "15.00"}[reg_type]
        return [_fee("GH01", "挂号费", "001101000010000", "1.00"),
                _fee("ZC01", "诊查费", "001102000010000", consult)]


class WardDirectory(FakeDirectory):
    """The doctor station's demo hospital, with a surgical department and the ward's price list."""

    def __init__(self):
        super().__init__()
        self.departments["WK"] = Department("WK", "外科", "A04", "WK01")
        self.items = {i.code: i for i in (
            ChargeItem("CW-001", "普通床位费", "110900001000000", "201", Decimal("50.00"), "日"),
            ChargeItem("HL-001", "二级护理", "120100004000000", "201", Decimal("18.00"), "日"),
            ChargeItem("ZL-JZ-001", "静脉注射", "120400001000000", "201", Decimal("5.00"), "次"),
            ChargeItem("JY-XCG-001", "血常规", "250101015000000", "201", Decimal("20.00"), "次"))}

    def charge_item(self, code):
        return _found(self.items, code, "charge item")


class FakePatients(PatientRegistry):
    def __init__(self):
        self.patients: dict[str, Patient] = {}
        self.merged: dict[str, str] = {}

    def add(self, patient: Patient) -> Patient:
        self.patients[patient.id] = patient
        return patient

    def get(self, patient_id):
        patient_id = self.merged.get(patient_id, patient_id)
        if patient_id not in self.patients:
            raise NotFound(f"no patient {patient_id}")
        return self.patients[patient_id]


def self_pay_patient(pid: str = "P-SELF", name: str = "张三", born: date = date(1980, 5, 1)) -> Patient:
    return Patient(id=pid, name=name, gender="1", birth_date=born)


def insured_patient(pid: str = "P-INS", psn_no: str = WORKER_PSN_NO) -> Patient:
    return Patient(id=pid, name="李四", gender="1", birth_date=date(1940, 1, 1),
                   insurance=InsuranceSnapshot(psn_no, ("310",), "420106", datetime(2026, 3, 2, 8, 0)))


class FakeQueues(ClinicQueues):
    """Entries in memory; every change is staged on the unit of work and applied at its commit."""

    def __init__(self):
        self.entries: dict[str, QueueEntry] = {}
        self.closed_from: dict[str, QueueState] = {}
        self._numbers: dict[QueueKey, itertools.count] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # ---- the stub's contract ---------------------------------------------------------------
    def enqueue(self, uow, key, *, encounter_id, patient_id, patient_label, flags):
        with self._lock:
            number = next(self._numbers.setdefault(key, itertools.count(1)))
            entry = QueueEntry(id=f"Q{next(self._ids)}", key=key, encounter_id=encounter_id, patient_id=patient_id,
                               patient_label=patient_label, number=number, state=QueueState.WAITING, flags=flags)
        _stage(uow, self, entry, None)
        return entry

    def close_transferred(self, uow, entry_id):
        entry = self.entry(uow, entry_id)
        if entry.state in (QueueState.TRANSFERRED, QueueState.WITHDRAWN):
            raise IllegalTransition(f"queue entry {entry_id} is {entry.state.value}")
        return _stage(uow, self, replace(entry, state=QueueState.TRANSFERRED), entry.state)

    def withdraw(self, uow, entry_id):
        entry = self.entry(uow, entry_id)
        if entry.state not in (QueueState.WAITING, QueueState.CALLED, QueueState.NO_SHOW):
            raise IllegalTransition(f"queue entry {entry_id} is {entry.state.value}: it cannot be withdrawn")
        return _stage(uow, self, replace(entry, state=QueueState.WITHDRAWN), None)

    def reopen(self, uow, entry_id):
        entry = self.entry(uow, entry_id)
        if entry.state is not QueueState.TRANSFERRED:
            raise IllegalTransition(f"queue entry {entry_id} is {entry.state.value}, not TRANSFERRED")
        return _stage(uow, self, replace(entry, state=self.closed_from.get(entry_id, QueueState.WAITING)), None)

    def entry(self, uow, entry_id):
        staged = _staged(uow).get((id(self), entry_id))
        if staged is not None:
            return staged[0]
        if entry_id not in self.entries:
            raise NotFound(f"no queue entry {entry_id}")
        return self.entries[entry_id]

    # ---- for the tests: what a doctor station does -----------------------------------------
    def set_state(self, entry_id: str, state: QueueState) -> None:
        self.entries[entry_id] = replace(self.entries[entry_id], state=state)

    def of_encounter(self, encounter_id: str) -> list[QueueEntry]:
        return [e for e in self.entries.values() if e.encounter_id == encounter_id]

    def _apply(self, entry: QueueEntry, closed_from: QueueState | None) -> None:
        self.entries[entry.id] = entry
        if closed_from is not None:
            self.closed_from[entry.id] = closed_from


def _staged(uow) -> dict:
    return uow.__dict__.setdefault("_fake_queue_staged", {})


def _stage(uow, queues: FakeQueues, entry: QueueEntry, closed_from) -> QueueEntry:
    _staged(uow)[(id(queues), entry.id)] = (entry, closed_from)
    return entry


def queueing(uow_factory, queues: FakeQueues):
    """A unit-of-work factory whose commit also applies the fake queues' staged changes (after the
    storage commit succeeded); leaving without commit drops them."""

    def make():
        return _QueueingUow(uow_factory(), queues)
    for name in ("visits", "persons", "encounters"):
        if hasattr(uow_factory, name):
            setattr(make, name, getattr(uow_factory, name))
    return make


class _QueueingUow:
    def __init__(self, inner, queues: FakeQueues):
        self.__dict__["_inner"], self.__dict__["_queues"] = inner, queues

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __enter__(self):
        self._inner.__enter__()
        self.__dict__["_fake_queue_staged"] = {}
        return self

    def __exit__(self, *exc):
        self.__dict__["_fake_queue_staged"] = {}
        return self._inner.__exit__(*exc)

    def commit(self):
        self._inner.commit()
        for entry, closed_from in self.__dict__["_fake_queue_staged"].values():
            self._queues._apply(entry, closed_from)
        self.__dict__["_fake_queue_staged"] = {}

    def rollback(self):
        self.__dict__["_fake_queue_staged"] = {}
        self._inner.rollback()


def _found(table: dict, code: str, what: str):
    if code not in table:
        raise NotFound(f"no {what} {code}")
    return table[code]


