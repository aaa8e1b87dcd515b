"""The inpatient context's storage ports, in the unit of work: admission orders, stays (whole: transfers,
charges, deposits, settlement) with their per-day numbers, and wards with their beds and waiting lists."""
from __future__ import annotations

import abc
from datetime import date

from domain.inpatient import AdmissionOrder, InpatientStay, StayState, Ward


class AdmissionOrderRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, order: AdmissionOrder) -> None: ...

    @abc.abstractmethod
    def get(self, order_id: str) -> AdmissionOrder | None:
        """The order; changes are saved at commit, guarded by its version (ConcurrencyConflict)."""

    @abc.abstractmethod
    def for_encounter(self, encounter_id: str) -> list[AdmissionOrder]:
        """The encounter's orders, oldest first."""


class StayRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, stay: InpatientStay) -> None:
        """A new stay; at commit a second stay of the same admission order or 住院号 is refused
        (ConcurrencyConflict): one admission per order, whoever commits first."""

    @abc.abstractmethod
    def get(self, stay_id: str) -> InpatientStay | None:
        """The stay; changes are saved at commit, guarded by its version (ConcurrencyConflict)."""

    @abc.abstractmethod
    def by_ipt_no(self, ipt_no: str) -> InpatientStay | None: ...

    @abc.abstractmethod
    def for_patient(self, patient_ids: list[str]) -> list[InpatientStay]:
        """The stays of these patient ids, newest first."""

    @abc.abstractmethod
    def for_encounters(self, encounter_ids: list[str]) -> list[InpatientStay]:
        """The stays of these encounters, oldest admission first."""

    @abc.abstractmethod
    def in_state(self, state: StayState) -> list[InpatientStay]:
        """The stays in `state`, oldest admission first (ADMITTING: the few left by a 2401 in doubt)."""

    @abc.abstractmethod
    def on_ward(self, ward_code: str) -> list[InpatientStay]:
        """The stays on the ward now (IN_HOSPITAL, DISCHARGING), oldest admission first."""

    @abc.abstractmethod
    def next_seq(self, counter: str, day: date) -> int:
        """The next number of the day's sequence `counter` (住院号 "ipt_no", 预交金 receipts "deposit"),
        taken in this unit of work: gap-free, a rollback gives it back."""


class WardRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, code: str) -> Ward | None:
        """The ward with every bed and its open waiting entries. Changed beds and entries are saved at
        commit, each guarded by its own version: a bed given away meanwhile is ConcurrencyConflict."""

    @abc.abstractmethod
    def all(self) -> list[Ward]: ...

    @abc.abstractmethod
    def put(self, ward: Ward) -> None:
        """Master data: the ward's name and department as given, and its beds that are not there yet
        (beds there keep their state)."""
