"""An outpatient encounter (门诊就诊) on the hospital's side: a patient, insured or paying themselves,
at a clinic and a doctor; its path through clinics (门诊流转), its charges and the money paid.

The 医保 visit (domain.visit.Visit, with its mdtrt_id) is the platform's side of an insured
encounter; the encounter links to it by id and does not repeat what it holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from domain.bill_lines import append_numbered, next_line_no, priced_line_violations
from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.money import ZERO, money
from domain.text import excerpt


class Coverage(str, Enum):
    SELF_PAY = "SELF_PAY"  # 自费
    INSURED = "INSURED"  # 医保: insutype and med_type on the encounter


class EncounterState(str, Enum):
    REGISTERING = "REGISTERING"  # the 2201A went out and its outcome is being settled by the journal
    OPEN = "OPEN"
    CANCELLED = "CANCELLED"  # 退号; kept, with its payments and refunds


class LegState(str, Enum):
    ACTIVE = "ACTIVE"  # the clinic the patient is at now (one per open encounter)
    TRANSFERRED = "TRANSFERRED"  # left for another clinic; its queue entry closed, not deleted
    UNDONE = "UNDONE"  # the receiving side of a transfer taken back


class PaymentMethod(str, Enum):
    CASH = "CASH"
    BANK_CARD = "BANK_CARD"
    MOBILE_PAY = "MOBILE_PAY"  # 微信 / 支付宝 ...: the reference is the payment's transaction number


class PaymentKind(str, Enum):
    PAYMENT = "PAYMENT"
    REFUND = "REFUND"


class OldRegistration(str, Enum):
    """What became of the previous 医保 registration when a transfer needed a new one."""

    NONE = ""  # the registration was kept for the new clinic (same mdtrt_id), or the encounter is self-pay
    CANCELLED = "CANCELLED"  # 2202
    KEPT = "KEPT"  # left registered beside the new one


REFERENCE_REQUIRED = frozenset({PaymentMethod.BANK_CARD, PaymentMethod.MOBILE_PAY})


@dataclass
class Leg:
    """One stop of the encounter's path: a clinic (and doctor), the queue entry it held there, and
    the 医保 registration it ran under (insured encounters)."""

    seq: int
    clinic_code: str
    dept_code: str
    doctor_code: str
    queue_entry_id: str
    state: LegState
    started_at: datetime
    ended_at: datetime | None = None
    visit_id: str = ""
    mdtrt_id: str = ""


@dataclass
class Transfer:
    """门诊流转登记: who sent the patient on, from which leg to which, why and when."""

    seq: int
    from_leg: int
    to_leg: int
    sent_by: str  # operator code
    sent_by_name: str
    reason: str
    at: datetime
    new_registration: bool = False  # a new 2201A was made for the receiving clinic
    old_visit_id: str = ""  # the registration it replaced (linked to the new one)
    old_registration: OldRegistration = OldRegistration.NONE
    undone_at: datetime | None = None
    undone_by: str = ""


@dataclass
class Charge:
    """One priced line (挂号费, a procedure, a drug); paid as a whole with the encounter's other
    unpaid lines."""

    line_no: int
    item_code: str
    item_name: str
    national_code: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal
    leg_seq: int
    added_at: datetime
    registration_fee: bool = False
    payment_id: str = ""  # the payment that covered it; "" while unpaid
    order_id: str = ""  # the order that put it on the bill ("" = added by hand, or the registration fee)
    order_item: str = ""  # which piece of that order (an exam part's number, a prescription line)
    withdrawn_at: datetime | None = None  # taken off the bill unpaid (its order changed); kept, not deleted

    @classmethod
    def priced(cls, line, leg_seq: int, at: datetime, registration_fee: bool = False,
               order_item: str = "") -> Charge:
        """A charge of a priced line (the directory's FeeLine, or a line a caller gives: item_code,
        item_name, national_code, unit_price, quantity, amount); numbered when added."""
        return cls(line_no=0, item_code=line.item_code, item_name=line.item_name, national_code=line.national_code,
                   unit_price=line.unit_price, quantity=line.quantity, amount=line.amount, leg_seq=leg_seq,
                   added_at=at, registration_fee=registration_fee, order_item=order_item)

    def violations(self, where: str) -> list[FieldViolation]:
        return priced_line_violations(self, where)


@dataclass
class Payment:
    """Money taken (PAYMENT) or given back (REFUND), each with its own receipt number. An insured
    payment records what the patient paid (the cash part) and, beside it, the 医保 settlement."""

    id: str
    receipt_no: str
    kind: PaymentKind
    method: PaymentMethod
    reference: str
    amount: Decimal
    at: datetime
    operator_code: str
    refund_of: str = ""  # a refund: the payment it gives back part of
    reason: str = ""
    setl_id: str = ""  # insured: the 2207 settlement
    visit_id: str = ""  # insured: the 医保 registration it was settled under (one settlement each)
    fund_amount: Decimal = ZERO  # insured: what the funds and the personal account paid
    chrg_bchno: str = ""  # insured: the batch uploaded with 2204


@dataclass
class EncounterDiagnosis:
    srt_no: int
    kind: str  # diag_type: 1 西医, 2 中医主病, 3 中医主证
    code: str
    name: str
    main: bool
    leg_seq: int
    doctor_code: str
    at: datetime


@dataclass
class Encounter:
    id: str
    patient_id: str
    day: date
    registered_at: datetime
    registered_by: str
    reg_type: str  # domain.hospital.RegistrationType value
    coverage: Coverage
    state: EncounterState
    # 医保 (INSURED only): what the registration was made with, and the registration in force
    psn_no: str = ""
    insutype: str = ""
    med_type: str = ""
    mdtrt_cert_type: str = ""
    mdtrt_cert_no: str = ""
    visit_id: str = ""
    mdtrt_id: str = ""
    ipt_otp_no: str = ""
    cancelled_at: datetime | None = None
    legs: list[Leg] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    diagnoses: list[EncounterDiagnosis] = field(default_factory=list)
    version: int = 0

    # ---- reading ---------------------------------------------------------------------------
    @property
    def insured(self) -> bool:
        return self.coverage is Coverage.INSURED

    def current_leg(self) -> Leg:
        for leg in reversed(self.legs):
            if leg.state is LegState.ACTIVE:
                return leg
        raise IllegalTransition(f"encounter {self.id} has no active clinic ({self.state.value})")

    def leg(self, seq: int) -> Leg:
        for leg in self.legs:
            if leg.seq == seq:
                return leg
        raise NotFound(f"encounter {self.id} has no leg {seq}")

    def last_transfer(self) -> Transfer | None:
        return next((t for t in reversed(self.transfers) if t.undone_at is None), None)

    def registration_day(self) -> date:
        """The day the 医保 registration in force was made."""
        days = [leg.started_at.date() for leg in self.legs if leg.visit_id and leg.visit_id == self.visit_id]
        return min(days, default=self.day)

    def in_force(self) -> list[Charge]:
        """The lines on the bill: every line but those withdrawn unpaid when their order changed."""
        return [c for c in self.charges if c.withdrawn_at is None]

    def unpaid(self) -> list[Charge]:
        return [c for c in self.in_force() if not c.payment_id]

    def order_lines(self, order_id: str) -> list[Charge]:
        return [c for c in self.in_force() if c.order_id == order_id]

    def outstanding(self) -> Decimal:
        return money(sum((c.amount for c in self.unpaid()), ZERO))

    def payment(self, payment_id: str) -> Payment:
        for p in self.payments:
            if p.id == payment_id and p.kind is PaymentKind.PAYMENT:
                return p
        raise NotFound(f"encounter {self.id} has no payment {excerpt(payment_id)}")

    def refunded(self, payment_id: str) -> Decimal:
        return money(sum((p.amount for p in self.payments if p.refund_of == payment_id), ZERO))

    def total_charged(self) -> Decimal:
        return money(sum((c.amount for c in self.in_force()), ZERO))

    def total_paid(self) -> Decimal:
        """What the patient paid, net of refunds."""
        paid = sum((p.amount if p.kind is PaymentKind.PAYMENT else -p.amount for p in self.payments), ZERO)
        return money(paid)

    # ---- changing --------------------------------------------------------------------------
    def require_open(self, doing: str) -> None:
        if self.state is not EncounterState.OPEN:
            raise IllegalTransition(f"cannot {doing}: encounter {self.id} is {self.state.value} (needs OPEN)")

    def add_charges(self, charges: list[Charge], field_name: str = "charges") -> None:
        self.require_open("add charges")
        append_numbered(self.charges, charges, field_name)

    def replace_order_lines(self, order_id: str, lines: list[Charge], at: datetime,
                            field_name: str = "charges") -> tuple[list[Charge], list[Charge]]:
        """The order's lines become `lines`: a line equal to one in force (same piece of the order,
        item, price, quantity) keeps its number, the others in force are withdrawn (kept, marked),
        the rest added. A paid line cannot change: refused when `lines` would drop or alter it.
        Returns (withdrawn, added)."""
        self.require_open("change an order's charges")
        found = [v for i, c in enumerate(lines) for v in c.violations(f"{field_name}[{i}]")]
        if found:
            raise ValidationFailed(found)
        current = self.order_lines(order_id)
        wanted = list(lines)
        kept: list[Charge] = []
        for line in current:
            twin = next((n for n in wanted if _same_line(n, line)), None)
            if twin is not None:
                wanted.remove(twin)
                kept.append(line)
            elif line.payment_id:
                raise IllegalTransition(f"line {line.line_no} ({line.item_name}) of order {order_id} is paid: "
                                        "refund it (self-pay) or cancel its settlement (医保) before the order "
                                        "changes it")
        withdrawn = [c for c in current if c not in kept]
        for line in withdrawn:
            line.withdrawn_at = at
        for n, line in enumerate(wanted, next_line_no(self.charges)):
            line.line_no, line.order_id = n, order_id
            self.charges.append(line)
        return withdrawn, wanted

    def take_payment(self, payment: Payment, amount_given: Decimal | None) -> list[Charge]:
        """Pay every unpaid line; `amount_given` (what the screen showed), when given, must be the
        amount due, so a payment never covers lines the payer did not see."""
        self.require_open("take a payment")
        due = self.unpaid()
        if not due:
            raise IllegalTransition(f"encounter {self.id} has nothing to pay")
        total = self.outstanding()
        if amount_given is not None and money(amount_given) != total:
            raise ValidationFailed([FieldViolation("amount", f"{money(amount_given)} is not the amount due {total}")])
        for charge in due:
            charge.payment_id = payment.id
        self.payments.append(payment)
        return due

    def refund(self, refund: Payment) -> None:
        original = self.payment(refund.refund_of)
        if original.setl_id:
            raise IllegalTransition(f"payment {original.id} was settled with 医保 (setl_id {original.setl_id}): "
                                    "it is undone by cancelling that settlement (2208), not refunded here")
        if refund.amount <= 0:
            raise ValidationFailed([FieldViolation("amount", "must be greater than zero")])
        left = money(original.amount - self.refunded(original.id))
        if refund.amount > left:
            raise ValidationFailed([FieldViolation("amount", f"{refund.amount} is more than the {left} "
                                                             f"left to refund of payment {original.receipt_no}")])
        self.payments.append(refund)

    def record_diagnoses(self, diagnoses: list[EncounterDiagnosis]) -> None:
        """The diagnoses as they stand now (the list replaces the earlier one, as 2203 does)."""
        self.require_open("record diagnoses")
        if not diagnoses:
            raise ValidationFailed([FieldViolation("diagnoses", "at least one diagnosis is required")])
        found = []
        for i, d in enumerate(diagnoses):
            if not d.code:
                found.append(FieldViolation(f"diagnoses[{i}].code", "is required"))
            if not d.name:
                found.append(FieldViolation(f"diagnoses[{i}].name", "is required"))
        if sum(1 for d in diagnoses if d.main) > 1:
            found.append(FieldViolation("diagnoses", "at most one main diagnosis"))
        if found:
            raise ValidationFailed(found)
        for n, d in enumerate(diagnoses, 1):
            d.srt_no = n
        self.diagnoses = list(diagnoses)

    def move_to(self, leg: Leg, transfer: Transfer) -> None:
        """The patient leaves the current leg for `leg` (already queued there)."""
        self.require_open("transfer")
        current = self.current_leg()
        if (leg.clinic_code, leg.doctor_code) == (current.clinic_code, current.doctor_code):
            raise ValidationFailed([FieldViolation("to_clinic_code", "the patient is at this clinic and doctor "
                                                                     "already: a transfer needs another")])
        current.state, current.ended_at = LegState.TRANSFERRED, transfer.at
        self.legs.append(leg)
        self.transfers.append(transfer)
        if leg.visit_id:
            self.visit_id, self.mdtrt_id = leg.visit_id, leg.mdtrt_id

    def undo_transfer(self, at: datetime, by: str) -> tuple[Transfer, Leg, Leg]:
        """The last transfer taken back: the receiving leg UNDONE, the sending one ACTIVE again."""
        self.require_open("undo a transfer")
        transfer = self.last_transfer()
        if transfer is None:
            raise IllegalTransition(f"encounter {self.id} has no transfer to undo")
        receiving, sending = self.leg(transfer.to_leg), self.leg(transfer.from_leg)
        if receiving.state is not LegState.ACTIVE:
            raise IllegalTransition(f"the last transfer of encounter {self.id} cannot be undone: its receiving "
                                    f"leg is {receiving.state.value}")
        receiving.state, receiving.ended_at = LegState.UNDONE, at
        sending.state, sending.ended_at = LegState.ACTIVE, None
        transfer.undone_at, transfer.undone_by = at, by
        if sending.visit_id:
            self.visit_id, self.mdtrt_id = sending.visit_id, sending.mdtrt_id
        return transfer, sending, receiving

    def cancel(self, at: datetime) -> None:
        self.require_open("cancel")
        if self.total_paid() != ZERO:
            raise IllegalTransition(f"encounter {self.id} has {self.total_paid()} paid: refund it before "
                                    "cancelling")
        self.state, self.cancelled_at = EncounterState.CANCELLED, at
        self.current_leg().ended_at = at


def _same_line(a: Charge, b: Charge) -> bool:
    return (a.order_item, a.item_code, a.national_code, a.unit_price, a.quantity, a.amount) == \
        (b.order_item, b.item_code, b.national_code, b.unit_price, b.quantity, b.amount)


@dataclass(frozen=True)
class TransferRules:
    """When a transfer of an insured encounter needs a new 医保 registration, and what becomes of
    the old one then. Configuration (settings `encounters.transfer`), not code."""

    new_registration_on_med_type_change: bool = True  # another 医疗类别
    new_registration_on_other_day: bool = True  # the registration was made on an earlier day
    new_registration_for_separate_clinic: bool = True  # Clinic.registers_separately
    old_registration: OldRegistration = OldRegistration.CANCELLED  # CANCELLED (2202) or KEPT

    def new_registration_reason(self, encounter: Encounter, med_type: str, today: date,
                                registers_separately: bool) -> str:
        """Why the receiving clinic needs its own registration; "" when the one in force serves."""
        if not encounter.insured:
            return ""
        if self.new_registration_on_med_type_change and med_type and med_type != encounter.med_type:
            return f"医疗类别 {encounter.med_type} → {med_type}"
        registered_on = encounter.registration_day()
        if self.new_registration_on_other_day and today != registered_on:
            return f"registered on {registered_on.isoformat()}, transferred on {today.isoformat()}"
        if self.new_registration_for_separate_clinic and registers_separately:
            return "the receiving clinic registers separately"
        return ""


def receipt_number(day: date, seq: int) -> str:
    """A receipt's number: the day and its place in that day's gap-free sequence."""
    return f"{day:%Y%m%d}{seq:06d}"
