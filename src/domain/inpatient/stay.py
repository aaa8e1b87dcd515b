"""住院 (an inpatient stay) on the hospital's side: the 住院号, where the patient lies, the ward's
charges, the deposit (预交金) and its running balance, discharge and settlement.

The 医保 admission (2401 and after) is the platform's side of an insured stay; the stay links to it
by `yb_admission_id` and does not repeat what it holds.

    ADMITTING ──> IN_HOSPITAL ──> DISCHARGING ──> DISCHARGED ──> SETTLED
        │              │  ^  ^         │               │  ^          │
        │              │  │  └─────────┘ (discharge    │  └──────────┘ (the settlement cancelled:
        │              │  │              order taken   │                2305 for an insured stay)
        │              │  └───────────────── back) ────┘ (出院召回: 2405 for an insured stay)
        └──────────────┴───── CANCELLED (nothing charged, the deposit given back)

Money that moved stays recorded: a cancelled settlement keeps its refund or final payment (the next
settlement squares the account), a withdrawn charge keeps its line, marked."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from domain.bill_lines import append_numbered, priced_line_violations
from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.inpatient.orders import AdmissionDiagnosis, Condition, diagnosis_violations
from domain.money import ZERO, money
from domain.text import excerpt


class StayState(str, Enum):
    ADMITTING = "ADMITTING"  # the record exists; the 医保 admission (2401) is on its way (insured)
    IN_HOSPITAL = "IN_HOSPITAL"
    DISCHARGING = "DISCHARGING"  # the discharge order is in: the last charges come, no more transfers
    DISCHARGED = "DISCHARGED"  # left the bed; the bill is closed, settlement is next
    SETTLED = "SETTLED"
    CANCELLED = "CANCELLED"


class StayCoverage(str, Enum):
    SELF_PAY = "SELF_PAY"
    INSURED = "INSURED"


class DepositMethod(str, Enum):
    CASH = "CASH"
    BANK_CARD = "BANK_CARD"
    MOBILE_PAY = "MOBILE_PAY"  # 微信 / 支付宝: the reference is the payment's transaction number


class DepositKind(str, Enum):
    PAYMENT = "PAYMENT"  # 预交金 taken (on admission or a top-up)
    REFUND = "REFUND"  # given back (during the stay, or the balance at settlement)
    FINAL_PAYMENT = "FINAL_PAYMENT"  # 补缴: what the deposit did not cover, paid at settlement


REFERENCE_REQUIRED = frozenset({DepositMethod.BANK_CARD, DepositMethod.MOBILE_PAY})
_CHARGEABLE = frozenset({StayState.IN_HOSPITAL, StayState.DISCHARGING})
_MONEY_STATES = frozenset({StayState.ADMITTING, StayState.IN_HOSPITAL, StayState.DISCHARGING, StayState.DISCHARGED})


@dataclass
class WardTransfer:
    """A move between beds, wards or departments: where from, where to, who, why."""

    seq: int
    from_dept: str
    from_ward: str
    from_bed: str
    to_dept: str
    to_ward: str
    to_bed: str  # "" while on the new ward's waiting list
    at: datetime
    by: str
    reason: str = ""


@dataclass
class StayCharge:
    """One line the ward charged (a FeeLine of the price list, on a day, by a ward)."""

    line_no: int
    day: date
    ward_code: str
    item_code: str
    item_name: str
    national_code: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal
    added_at: datetime
    added_by: str
    upload_batch: str = ""  # the 医保 fee upload (2301) that carried it; set by the insured path
    withdrawn_at: datetime | None = None  # 退费 before settlement: the line stays, marked, and no longer counts
    withdrawn_by: str = ""
    withdraw_reason: str = ""

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None

    def violations(self, where: str) -> list[FieldViolation]:
        return priced_line_violations(self, where, named=False)


@dataclass
class Deposit:
    """Money in (PAYMENT, FINAL_PAYMENT) or out (REFUND), each with its own receipt number."""

    id: str
    receipt_no: str
    kind: DepositKind
    method: DepositMethod
    reference: str
    amount: Decimal  # positive, whatever the direction
    at: datetime
    operator_code: str
    reason: str = ""

    @property
    def signed(self) -> Decimal:
        return -self.amount if self.kind is DepositKind.REFUND else self.amount


@dataclass
class StaySettlement:
    """The self-pay settlement against the deposit (an insured stay's comes from 2304, linked by setl_id)."""

    total: Decimal  # charges
    deposited: Decimal  # deposits net of refunds made during the stay
    refund: Decimal  # the balance given back
    paid: Decimal  # what the patient paid on top
    at: datetime
    by: str
    deposit_id: str = ""  # the refund or the final payment made at settlement
    setl_id: str = ""  # insured: the platform's settlement
    fund_amount: Decimal = ZERO  # insured: what the funds paid
    cancelled_at: datetime | None = None  # 结算撤销: kept in the stay's history, no longer counts
    cancelled_by: str = ""
    cancel_reason: str = ""


@dataclass
class SpecialAttribute:
    """就医特殊属性 uploaded for an insured stay (2406): the platform's detail id and what was said.
    The flag types are the platform's dictionary ipt_psn_sp_flag_type (codes unconfirmed)."""

    detl_id: str
    flag_type: str
    flag: str
    memo: str
    at: datetime
    by: str


@dataclass
class InpatientStay:
    id: str
    ipt_no: str  # 住院号
    patient_id: str
    encounter_id: str
    admission_order_id: str
    dept_code: str
    ward_code: str
    condition: Condition
    diagnoses: list[AdmissionDiagnosis]
    coverage: StayCoverage
    admitted_at: datetime
    admitted_by: str
    state: StayState = StayState.ADMITTING
    bed_code: str = ""  # "" while on the ward's waiting list
    # 医保 (INSURED only)
    psn_no: str = ""
    insutype: str = ""
    med_type: str = ""
    dise_codg: str = ""
    dise_name: str = ""
    yb_admission_id: str = ""  # the 医保 admission (2401) the integrator links
    deposit_waived: str = ""  # the rule that waived the deposit; "" when none did
    discharge_diagnoses: list[AdmissionDiagnosis] = field(default_factory=list)
    discharge_ordered_at: datetime | None = None
    discharged_at: datetime | None = None
    discharged_by: str = ""
    last_bed: str = ""  # the bed left at discharge, taken again on a 出院召回 when it is free
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    transfers: list[WardTransfer] = field(default_factory=list)
    charges: list[StayCharge] = field(default_factory=list)
    deposits: list[Deposit] = field(default_factory=list)
    settlement: StaySettlement | None = None
    past_settlements: list[StaySettlement] = field(default_factory=list)  # cancelled ones, oldest first
    recalls: list[datetime] = field(default_factory=list)  # 出院召回: when the stay was taken back in
    special_attributes: list[SpecialAttribute] = field(default_factory=list)
    version: int = 0

    # ---- reading ---------------------------------------------------------------------------
    @property
    def insured(self) -> bool:
        return self.coverage is StayCoverage.INSURED

    def live_charges(self) -> list[StayCharge]:
        return [c for c in self.charges if c.live]

    def total_charged(self) -> Decimal:
        return money(sum((c.amount for c in self.live_charges()), ZERO))

    def fund_paid(self) -> Decimal:
        """What the 医保 funds paid of the bill, by the settlement in force."""
        return self.settlement.fund_amount if self.settlement is not None else ZERO

    def total_deposited(self) -> Decimal:
        """Deposits net of refunds (a final payment at settlement counts too)."""
        return money(sum((d.signed for d in self.deposits), ZERO))

    def balance(self) -> Decimal:
        """Running balance: deposits − refunds − charges (+ what the funds paid, once settled; negative:
        the deposit does not cover them)."""
        return money(self.total_deposited() + self.fund_paid() - self.total_charged())

    def deposit(self, deposit_id: str) -> Deposit:
        for d in self.deposits:
            if d.id == deposit_id:
                return d
        raise NotFound(f"stay {self.ipt_no} has no deposit {excerpt(deposit_id)}")

    def charges_on(self, day: date) -> list[StayCharge]:
        return [c for c in self.live_charges() if c.day == day]

    def charge(self, line_no: int) -> StayCharge:
        for c in self.charges:
            if c.line_no == line_no:
                return c
        raise NotFound(f"stay {self.ipt_no} has no charge line {line_no}")

    # ---- state machine ---------------------------------------------------------------------
    def require(self, states: frozenset[StayState] | StayState, doing: str) -> None:
        allowed = states if isinstance(states, frozenset) else frozenset({states})
        if self.state not in allowed:
            needs = " or ".join(sorted(s.value for s in allowed))
            raise IllegalTransition(f"cannot {doing}: stay {self.ipt_no} is {self.state.value} (needs {needs})")

    def admitted(self, yb_admission_id: str = "") -> None:
        """ADMITTING → IN_HOSPITAL: the 医保 admission (if any) is made."""
        self.require(StayState.ADMITTING, "complete the admission")
        self.state, self.yb_admission_id = StayState.IN_HOSPITAL, yb_admission_id or self.yb_admission_id

    def place(self, bed_code: str) -> None:
        self.require(frozenset({StayState.ADMITTING, StayState.IN_HOSPITAL}), "assign a bed")
        self.bed_code = bed_code

    def transfer(self, to_dept: str, to_ward: str, to_bed: str, at: datetime, by: str, reason: str) -> WardTransfer:
        self.require(StayState.IN_HOSPITAL, "transfer")
        if (to_dept, to_ward, to_bed) == (self.dept_code, self.ward_code, self.bed_code):
            raise ValidationFailed([FieldViolation("to_ward_code", "the patient is in this department, ward and "
                                                                   "bed already")])
        move = WardTransfer(len(self.transfers) + 1, self.dept_code, self.ward_code, self.bed_code, to_dept,
                            to_ward, to_bed, at, by, reason)
        self.transfers.append(move)
        self.dept_code, self.ward_code, self.bed_code = to_dept, to_ward, to_bed
        return move

    def add_charges(self, charges: list[StayCharge], field_name: str = "lines") -> None:
        self.require(_CHARGEABLE, "add charges")
        append_numbered(self.charges, charges, field_name)

    def charges_to_withdraw(self, line_nos: list[int], field_name: str = "line_nos") -> list[StayCharge]:
        """The live lines named, checked: any state but IN_HOSPITAL / DISCHARGING, an unknown or withdrawn
        line, or a line named twice refuses them all."""
        self.require(_CHARGEABLE, "withdraw charges")
        if not line_nos:
            raise ValidationFailed([FieldViolation(field_name, "name at least one line")])
        found, lines = [], []
        for i, no in enumerate(line_nos):
            where = f"{field_name}[{i}]"
            if no in line_nos[:i]:
                found.append(FieldViolation(where, f"line {no} is named twice"))
                continue
            try:
                line = self.charge(no)
            except NotFound as exc:
                found.append(FieldViolation(where, str(exc)))
                continue
            if not line.live:
                found.append(FieldViolation(where, f"line {no} was withdrawn already"))
            lines.append(line)
        if found:
            raise ValidationFailed(found)
        return lines

    def withdraw_charges(self, line_nos: list[int], at: datetime, by: str, reason: str) -> list[StayCharge]:
        """退费 of lines not settled yet: they stay on the bill, marked, and no longer count."""
        lines = self.charges_to_withdraw(line_nos)
        for line in lines:
            line.withdrawn_at, line.withdrawn_by, line.withdraw_reason = at, by, reason
        return lines

    def change_diagnoses(self, diagnoses: list[AdmissionDiagnosis]) -> None:
        """The admission diagnoses corrected during the stay (2403 follows for an insured stay)."""
        self.require(StayState.IN_HOSPITAL, "change the diagnoses")
        found = diagnosis_violations(diagnoses, "diagnoses")
        if found:
            raise ValidationFailed(found)
        self.diagnoses = list(diagnoses)

    def require_attributes_open(self) -> None:
        """就医特殊属性 go up while the platform's stay is open: in hospital up to the settlement."""
        self.require(frozenset({StayState.IN_HOSPITAL, StayState.DISCHARGING, StayState.DISCHARGED}),
                     "upload a special attribute")

    def record_special_attribute(self, attribute: SpecialAttribute) -> None:
        self.require_attributes_open()
        self.special_attributes.append(attribute)

    def take_deposit(self, deposit: Deposit) -> None:
        self.require(_MONEY_STATES, "take a deposit")
        if deposit.kind is not DepositKind.PAYMENT:
            raise ValueError("take_deposit takes a PAYMENT")
        _require_amount(deposit)
        self.deposits.append(deposit)

    def refund_deposit(self, refund: Deposit) -> None:
        """Give back part of the deposit during the stay: never more than the balance leaves."""
        self.require(_MONEY_STATES, "refund the deposit")
        _require_amount(refund)
        if refund.amount > self.balance():
            raise ValidationFailed([FieldViolation("amount", f"{refund.amount} is more than the balance "
                                                             f"{self.balance()} of stay {self.ipt_no}")])
        self.deposits.append(refund)

    def waive_deposit(self, rule: str) -> None:
        self.require(_MONEY_STATES, "waive the deposit")
        if not rule:
            raise ValidationFailed([FieldViolation("rule", "name the rule that waives the deposit")])
        self.deposit_waived = rule

    def order_discharge(self, diagnoses: list[AdmissionDiagnosis], at: datetime) -> None:
        """IN_HOSPITAL → DISCHARGING, with the discharge diagnoses (2402 dscginfo / diseinfo)."""
        self.require(StayState.IN_HOSPITAL, "order the discharge")
        found = diagnosis_violations(diagnoses, "discharge_diagnoses")
        if found:
            raise ValidationFailed(found)
        self.state, self.discharge_diagnoses, self.discharge_ordered_at = StayState.DISCHARGING, list(diagnoses), at

    def withdraw_discharge(self) -> None:
        self.require(StayState.DISCHARGING, "take back the discharge order")
        self.state, self.discharge_ordered_at = StayState.IN_HOSPITAL, None

    def discharge(self, at: datetime, by: str) -> None:
        """DISCHARGING → DISCHARGED: the bed is given up, the bill closed."""
        self.require(StayState.DISCHARGING, "discharge")
        self.state, self.discharged_at, self.discharged_by = StayState.DISCHARGED, at, by
        self.last_bed, self.bed_code = self.bed_code, ""

    def recall(self, at: datetime) -> None:
        """出院召回: DISCHARGED → IN_HOSPITAL, the discharge undone (a bed is taken again by the caller)."""
        self.require(StayState.DISCHARGED, "take the stay back in (出院召回)")
        self.state, self.discharged_at, self.discharged_by = StayState.IN_HOSPITAL, None, ""
        self.discharge_ordered_at, self.discharge_diagnoses = None, []
        self.recalls.append(at)

    def amount_due(self) -> Decimal:
        """At settlement: what the patient pays on top of the deposit (0 when it covers the bill)."""
        return max(-self.balance(), ZERO)

    def settle(self, settlement: StaySettlement, closing: Deposit | None, covered: Decimal = ZERO) -> None:
        """DISCHARGED → SETTLED, against the deposit: `closing` is the refund of the balance or the
        final payment of the amount due (None when they match exactly). `covered`: what the 医保 funds
        paid of the bill (insured)."""
        self.require(StayState.DISCHARGED, "settle")
        balance = money(self.balance() + covered)
        if balance > ZERO and (closing is None or closing.kind is not DepositKind.REFUND or closing.amount != balance):
            raise ValidationFailed([FieldViolation("refund", f"the balance {balance} is given back at settlement")])
        if balance < ZERO and (closing is None or closing.kind is not DepositKind.FINAL_PAYMENT
                               or closing.amount != -balance):
            raise ValidationFailed([FieldViolation("amount", f"the amount due {-balance} is paid at settlement")])
        if balance == ZERO and closing is not None:
            raise ValidationFailed([FieldViolation("amount", "the deposit covers the bill exactly: nothing to pay "
                                                             "or give back")])
        if closing is not None:
            self.deposits.append(closing)
            settlement.deposit_id = closing.id
        self.settlement, self.state = settlement, StayState.SETTLED

    def cancel_settlement(self, at: datetime, by: str, reason: str) -> StaySettlement:
        """SETTLED → DISCHARGED: the settlement kept in the history, no longer counting. Its refund or
        final payment stays (that money moved): the next settlement squares the account."""
        self.require(StayState.SETTLED, "cancel the settlement")
        if not reason:
            raise ValidationFailed([FieldViolation("reason", "say why the settlement is cancelled")])
        old = self.settlement
        old.cancelled_at, old.cancelled_by, old.cancel_reason = at, by, reason
        self.past_settlements.append(old)
        self.settlement, self.state = None, StayState.DISCHARGED
        return old

    def cancel(self, at: datetime, reason: str) -> None:
        """退院 before anything happened: no charges, the deposit given back first."""
        self.require(frozenset({StayState.ADMITTING, StayState.IN_HOSPITAL}), "cancel")
        if self.live_charges():
            raise IllegalTransition(f"stay {self.ipt_no} has {len(self.live_charges())} charges: it is discharged "
                                    "and settled, not cancelled")
        if self.total_deposited() != ZERO:
            raise IllegalTransition(f"stay {self.ipt_no} holds a deposit of {self.total_deposited()}: refund it "
                                    "before cancelling")
        self.state, self.cancelled_at, self.cancel_reason, self.bed_code = StayState.CANCELLED, at, reason, ""


def _require_amount(deposit: Deposit) -> None:
    if deposit.amount <= ZERO:
        raise ValidationFailed([FieldViolation("amount", "must be greater than zero")])
    if deposit.method in REFERENCE_REQUIRED and not deposit.reference:
        raise ValidationFailed([FieldViolation("reference", f"a {deposit.method.value} payment needs its reference")])


def ipt_number(day: date, seq: int) -> str:
    """住院号: ZY, the day of admission, its place in that day's gap-free sequence."""
    return f"ZY{day:%Y%m%d}{seq:04d}"


def deposit_receipt_number(day: date, seq: int) -> str:
    """A 预交金 receipt: YJ, the day, its place in that day's gap-free sequence."""
    return f"YJ{day:%Y%m%d}{seq:06d}"
