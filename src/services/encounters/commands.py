"""What callers ask of the encounters context, and what its reads return."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.encounters import Encounter, Leg, Transfer
from domain.hospital import FeeLine
from domain.settlement import Settlement


@dataclass(frozen=True)
class RegisterEncounter:
    patient_id: str
    clinic_code: str
    reg_type: str  # domain.hospital.RegistrationType value: ORDINARY 普通 / EXPERT 专家 / EMERGENCY 急诊
    doctor_code: str = ""  # "" = the clinic's shared queue (self-pay only: 2201A names its doctor)
    coverage: str = "SELF_PAY"  # or INSURED, with the four fields below
    insutype: str = ""
    med_type: str = ""
    mdtrt_cert_type: str = ""
    mdtrt_cert_no: str = ""
    returning_with_results: bool = False  # 回诊: back with test results (a priority rule of the queue)


# A line added to an encounter is priced like the directory's fee lines: item, national code, price.
ChargeInput = FeeLine


@dataclass(frozen=True)
class OrderCharge:
    """A line an order puts on the encounter's bill (an exam request's part, a prescription's drug).
    `order_item` says which piece of the order the line belongs to ("" = the order as a whole): an
    exam part's number, a prescription line; the order's lines are replaced as a whole when it changes."""

    order_item: str
    line: FeeLine


@dataclass(frozen=True)
class PayEncounter:
    encounter_id: str
    method: str  # domain.encounters.PaymentMethod value
    reference: str = ""  # bank card slip / mobile-pay transaction number
    amount: Decimal | None = None  # what the payer was shown; checked against what is due when given
    acct_used: bool = True  # insured: the personal account pays its share


@dataclass(frozen=True)
class RefundPayment:
    encounter_id: str
    payment_id: str
    amount: Decimal
    reason: str = ""
    method: str = ""  # how the money goes back; "" = the way it came


@dataclass(frozen=True)
class TransferEncounter:
    encounter_id: str
    to_clinic_code: str
    reason: str
    to_doctor_code: str = ""
    med_type: str = ""  # insured: another 医疗类别 for the receiving clinic ("" = unchanged)
    returning_with_results: bool = False


@dataclass(frozen=True)
class DiagnosisInput:
    code: str
    name: str
    kind: str = "1"  # diag_type: 1 西医, 2 中医主病, 3 中医主证
    main: bool = False


@dataclass(frozen=True)
class PathStep:
    """One stop of the visit's flow, in order, with the transfer that brought the patient there."""

    leg: Leg
    clinic_name: str
    doctor_name: str
    arrived_by: Transfer | None


@dataclass
class EncounterRecord:
    """An encounter as the doctor's history shows it: the encounter (legs, diagnoses, charges,
    payments) with the names of its clinics and doctors, and its 医保 settlements."""

    encounter: Encounter
    clinic_names: dict[str, str] = field(default_factory=dict)
    doctor_names: dict[str, str] = field(default_factory=dict)
    settlements: list[Settlement] = field(default_factory=list)


@dataclass
class EncounterHistory:
    records: list[EncounterRecord]
    next_after: tuple[datetime, str] | None  # (registered_at, id) where the next page starts
