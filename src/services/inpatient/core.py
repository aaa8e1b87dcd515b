"""What the inpatient use cases share: configuration, collaborators, loading and changing a stay (or
an order) in one unit of work, and the beds of a stay."""
from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.errors import ConcurrencyConflict, FieldViolation, NotFound, ValidationFailed
from domain.inpatient import (AdmissionOrder, Condition, Deposit, DepositKind, DepositMethod, InpatientStay,
                              OrderRules, StayState, WaitingEntry, Ward, deposit_receipt_number)
from domain.operator import Operator
from domain.text import excerpt
from ports.clock import Clock
from ports.unit_of_work import UnitOfWork
from services.encounters import EncounterService
from services.hospital import HospitalDirectory
from services.inpatient.insurance import NotWiredInsurance, StayInsurance
from services.patients import PatientRegistry

# deposit waivers the hospital's rules allow (预交金减免): name -> what it needs
GREEN_CHANNEL = "GREEN_CHANNEL"  # 绿色通道: a critical (危) patient is admitted and treated first
INSURED_BELOW_THRESHOLD = "INSURED_BELOW_THRESHOLD"  # 医保 patients whose suggested deposit is small


@dataclass(frozen=True)
class InpatientConfig:
    orders: OrderRules = field(default_factory=OrderRules)
    default_med_type: str = "21"  # 普通住院, for an insured order that names none
    waiver_rules: tuple[str, ...] = (GREEN_CHANNEL, INSURED_BELOW_THRESHOLD)
    waiver_threshold: Decimal = Decimal("1000.00")  # INSURED_BELOW_THRESHOLD: suggested deposit at most this
    hospital_name: str = ""  # printed on the settlement slip


class InpatientCore:
    def __init__(self, uow: Callable[[], UnitOfWork], encounters: EncounterService, hospital: HospitalDirectory,
                 patients: PatientRegistry, clock: Clock, config: InpatientConfig = InpatientConfig(),
                 insurance: StayInsurance | None = None):
        self.uow, self.encounters, self.hospital, self.patients = uow, encounters, hospital, patients
        self.clock, self.config = clock, config
        self.insurance: StayInsurance = insurance or NotWiredInsurance()

    # ---- loading ---------------------------------------------------------------------------
    @staticmethod
    def _stay(uow: UnitOfWork, stay_id: str) -> InpatientStay:
        stay = uow.stays.get(stay_id)
        if stay is None:
            raise NotFound(f"no stay {excerpt(stay_id)}")
        return stay

    @staticmethod
    def _order(uow: UnitOfWork, order_id: str) -> AdmissionOrder:
        order = uow.admission_orders.get(order_id)
        if order is None:
            raise NotFound(f"no admission order {excerpt(order_id)}")
        return order

    @staticmethod
    def _ward(uow: UnitOfWork, code: str, field_name: str = "ward_code") -> Ward:
        ward = uow.wards.get(code)
        if ward is None:
            raise ValidationFailed([FieldViolation(field_name, f"no ward {excerpt(code)}")])
        return ward

    def _apply(self, stay_id: str, change: Callable[[InpatientStay, UnitOfWork], object], retry: bool = True):
        """Load, change, commit in one unit of work; returns what `change` returned. A commit that lost to
        a concurrent change (or a concurrent first number of the day) is tried again on a fresh read,
        once, unless `retry` is off (a bed the caller named: whoever lost it hears so)."""
        for attempt in range(2):
            try:
                with self.uow() as uow:
                    result = change(self._stay(uow, stay_id), uow)
                    uow.commit()
                    return result
            except ConcurrencyConflict:
                if attempt or not retry:
                    raise
        raise AssertionError("unreachable")

    # ---- shared steps ----------------------------------------------------------------------
    def _receipt(self, uow: UnitOfWork, kind: DepositKind, method: DepositMethod, reference: str, amount: Decimal,
                 op: Operator, at: datetime, reason: str = "") -> Deposit:
        seq = uow.stays.next_seq("deposit", at.date())
        return Deposit(str(uuid.uuid4()), deposit_receipt_number(at.date(), seq), kind, method, reference, amount,
                       at, op.code, reason)

    @staticmethod
    def _release_bed(uow: UnitOfWork, stay: InpatientStay, at: datetime) -> None:
        """The stay gives up its bed, or its place on the waiting list."""
        ward = uow.wards.get(stay.ward_code)
        if ward is None:
            return
        bed = ward.bed_of(stay.id)
        if bed is not None:
            bed.free(stay.id, at)
        ward.leave_queue(stay.id, at, placed=False)

    @staticmethod
    def _take_bed(ward: Ward, stay: InpatientStay, condition: Condition, bed_code: str, at: datetime,
                  field_name: str, spread: bool = False) -> WaitingEntry | None:
        """The bed named, else the first free bed (with `spread`: a free bed drawn from the stay's id, so
        desks that lost the first free bed to each other do not all want the next one), else a place on
        the ward's waiting list."""
        if bed_code:
            try:
                bed = ward.bed(bed_code)
            except NotFound as exc:
                raise ValidationFailed([FieldViolation(field_name, str(exc))]) from None
        else:
            free = ward.free_beds()
            if not free:
                return ward.enqueue(str(uuid.uuid4()), stay.id, stay.patient_id, condition, at)
            bed = free[zlib.crc32(stay.id.encode()) % len(free)] if spread else free[0]
        bed.occupy(stay.id, at)
        stay.bed_code = bed.code
        return None

    @staticmethod
    def _require_active(stay: InpatientStay, doing: str) -> None:
        stay.require(frozenset({StayState.ADMITTING, StayState.IN_HOSPITAL}), doing)


def parse_enum(enum_class, value: str, field_name: str):
    try:
        return enum_class(value)
    except ValueError:
        raise ValidationFailed([FieldViolation(field_name, f"{excerpt(value)} is not one of "
                                                           f"{', '.join(m.value for m in enum_class)}")]) from None
