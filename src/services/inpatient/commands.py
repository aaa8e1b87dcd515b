"""What callers ask of the inpatient context, and what its reads return."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.inpatient import AdmissionDiagnosis, Deposit, InpatientStay, WaitingEntry
from domain.settlement import Settlement


@dataclass(frozen=True)
class DiagnosisInput:
    code: str
    name: str
    main: bool = False
    kind: str = "1"  # diag_type: 1 西医, 2 中医主病, 3 中医主证


@dataclass(frozen=True)
class IssueAdmissionOrder:
    """住院证 on an open encounter. Diagnoses: [] carries the encounter's over (no re-typing)."""

    encounter_id: str
    ward_code: str
    condition: str = "ORDINARY"  # domain.inpatient.Condition: CRITICAL 危 / URGENT 急 / ORDINARY 一般
    suggested_deposit: Decimal = Decimal("0")
    planned_date: date | None = None  # None: today
    dept_code: str = ""  # "" = the ward's department
    diagnoses: tuple[DiagnosisInput, ...] = ()
    med_type: str = ""  # insured: 医疗类别 of the stay; "" = the configured default (21 普通住院)
    dise_codg: str = ""
    dise_name: str = ""
    note: str = ""


@dataclass(frozen=True)
class ChangeAdmissionOrder:
    """New values for an ISSUED order; None (or () for diagnoses) leaves a field as it is."""

    order_id: str
    ward_code: str | None = None
    dept_code: str | None = None
    condition: str | None = None
    suggested_deposit: Decimal | None = None
    planned_date: date | None = None
    diagnoses: tuple[DiagnosisInput, ...] = ()
    med_type: str | None = None
    dise_codg: str | None = None
    dise_name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DepositInput:
    method: str  # domain.inpatient.DepositMethod: CASH / BANK_CARD / MOBILE_PAY
    amount: Decimal
    reference: str = ""  # bank slip / mobile-pay transaction number (required for those)


@dataclass(frozen=True)
class Admit:
    """入院 in one call, by an admission clerk or a ward nurse: the stay, a bed (the one named, else
    the first free one, else the ward's waiting list), the deposit when given (it never blocks)."""

    order_id: str
    bed_code: str = ""
    deposit: DepositInput | None = None
    waive_rule: str = ""  # a deposit waiver rule instead of a deposit (see InpatientConfig.waiver_rules)


@dataclass(frozen=True)
class TransferStay:
    stay_id: str
    to_ward_code: str
    to_bed_code: str = ""  # "" = the first free bed, else the ward's waiting list
    to_dept_code: str = ""  # "" = the ward's department
    reason: str = ""


@dataclass(frozen=True)
class ChargeLineInput:
    """A line of the ward's charges: an item of the hospital's price list and how many."""

    item_code: str
    quantity: Decimal = Decimal("1")


@dataclass(frozen=True)
class RecordCharges:
    stay_id: str
    lines: tuple[ChargeLineInput, ...]
    day: date | None = None  # the day they are for; None: today


@dataclass(frozen=True)
class RefundDeposit:
    stay_id: str
    amount: Decimal
    method: str = ""  # "" = the way the last deposit came
    reason: str = ""


@dataclass(frozen=True)
class SettleStay:
    """Self-pay: the balance given back (by `method`, "" = the way the last deposit came) or the amount
    due paid (by `method`, with its reference). `amount`, when given, is what the screen showed."""

    stay_id: str
    method: str = ""
    reference: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class AdmissionResult:
    stay: InpatientStay
    deposit: Deposit | None  # the deposit taken in the same call
    waiting: WaitingEntry | None  # the ward was full: where the patient waits for a bed


@dataclass(frozen=True)
class SettlementPreview:
    total: Decimal  # charges
    deposited: Decimal
    balance: Decimal  # deposited + what the platform pays − total
    refund: Decimal  # given back at settlement
    due: Decimal  # paid at settlement
    fund_amount: Decimal = Decimal("0")  # insured (2303): what the platform pays (funds and the account)
    cash: Decimal = Decimal("0")  # insured: the patient's cash part, against the deposit
    detail: Settlement | None = None  # insured: the 2303 answer whole


@dataclass(frozen=True)
class SettlementSlip:
    """What the settlement slip (结算单) prints: the stay, its bill by day, the money, and for an insured
    stay the platform's settlement whole (fund lines, account, cash)."""

    stay: InpatientStay
    patient_name: str
    total: Decimal
    deposited: Decimal
    fund_amount: Decimal
    refund: Decimal
    paid: Decimal
    days: int  # 住院天数: nights between admission and discharge, at least 1
    detail: Settlement | None
    hospital_name: str = ""


def diagnoses_of(inputs) -> list[AdmissionDiagnosis]:
    return [AdmissionDiagnosis(d.code, d.name, d.main, d.kind) for d in inputs]
