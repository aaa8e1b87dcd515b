"""A prescription (处方) on an outpatient encounter: its lines of drugs from the formulary, the
limits it is checked against, and its states.

Kept in hospital: DRAFT → SIGNED (charged on the encounter) → or CANCELLED (its charges withdrawn).
Circulated (处方流转, sent for the patient to buy at a pharmacy): DRAFT → UPLOADED (7101) → APPROVED /
REFUSED (the pharmacist's review, 7102) → DISPENSED (what was bought, 7103); REVOKED (7104) while
nothing was bought. Reviews and purchases are notices pushed to the hospital at least once, in any
order: the same notice again changes nothing, a review arriving after the purchase is kept without
moving the state back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, ValidationFailed
from domain.money import ZERO, line_total, money
from domain.prescriptions.formulary import FREQUENCIES, Drug, DrugKind, Formulary
from domain.text import excerpt


class RxCategory(str, Enum):
    ORDINARY = "ORDINARY"  # 普通
    EMERGENCY = "EMERGENCY"  # 急诊
    PEDIATRIC = "PEDIATRIC"  # 儿科
    NARCOTIC = "NARCOTIC"  # 麻精 (麻醉药品、第一类精神药品)


class RxState(str, Enum):
    DRAFT = "DRAFT"
    SIGNED = "SIGNED"  # kept in hospital, charged on the encounter
    CANCELLED = "CANCELLED"  # kept in hospital, withdrawn (its charges too)
    UPLOADED = "UPLOADED"  # 7101
    APPROVED = "APPROVED"  # 7102, the pharmacist approved
    REFUSED = "REFUSED"  # 7102, the pharmacist refused (rx_chk_opnn says why)
    DISPENSED = "DISPENSED"  # 7103
    REVOKED = "REVOKED"  # 7104


MAX_ROUTE, MAX_NOTE = 50, 200  # what 7101's medc_way_dscr (100) and tcmherb_foote (200) can carry
CIRCULATING = frozenset({RxState.UPLOADED, RxState.APPROVED, RxState.REFUSED})  # out, nothing bought yet


@dataclass(frozen=True)
class RxLimits:
    """The usual limits, as configuration: days' supply by category (a chronic-disease prescription
    has its own), and how many drugs one prescription may hold, by kind."""

    days: dict[RxCategory, int] = field(default_factory=lambda: {
        RxCategory.ORDINARY: 7, RxCategory.EMERGENCY: 3, RxCategory.PEDIATRIC: 7, RxCategory.NARCOTIC: 3})
    chronic_days: int = 30  # 慢病 / 老年病 长处方
    max_items: dict[DrugKind, int] = field(default_factory=lambda: {DrugKind.WESTERN: 5, DrugKind.HERBAL: 30})

    def days_allowed(self, category: RxCategory, chronic: bool) -> int:
        return self.chronic_days if chronic and category is not RxCategory.NARCOTIC else self.days[category]


@dataclass(frozen=True)
class LineInput:
    drug_code: str
    dose: Decimal  # per time, in the drug's dose unit (herbal: grams per 剂)
    frequency: str  # FREQUENCIES code (herbal: how the 剂 is taken, e.g. bid)
    days: int  # herbal: the number of 剂
    route: str = ""  # 用法: 口服, 外用 ... ("" = the drug's default route)
    note: str = ""  # 嘱托 / 草药脚注


@dataclass
class RxLine:
    line_no: int
    drug: Drug  # as the formulary had it when prescribed
    dose: Decimal
    frequency: str
    days: int
    route: str
    quantity: Decimal  # in drug.pack_unit
    amount: Decimal
    note: str = ""

    @property
    def frequency_name(self) -> str:
        return FREQUENCIES[self.frequency].name


@dataclass(frozen=True)
class Review:
    """A pharmacy's review of a circulated prescription (7102)."""

    pharmacy_code: str
    pharmacy_name: str
    pharmacist: str
    rechecked_by: str
    status_code: str  # rx_chk_stas_codg as sent
    approved: bool
    opinion: str
    at: datetime


@dataclass(frozen=True)
class PurchasedItem:
    generic_name: str
    product_name: str
    dosage_form: str
    spec: str
    quantity: Decimal
    unit: str
    price: Decimal
    amount: Decimal
    manufacturer: str
    pharmacy_drug_no: str = ""


@dataclass(frozen=True)
class Purchase:
    """What the patient bought at the pharmacy (7103), as the platform sent it."""

    fund_pay_sumamt: Decimal
    psn_part_amt: Decimal
    acct_pay: Decimal
    psn_cash_pay: Decimal
    setl_time: datetime
    items: tuple[PurchasedItem, ...]


@dataclass
class Prescription:
    id: str  # also the hospital's prescription number (hosp_rxno)
    encounter_id: str
    patient_id: str
    doctor_code: str
    dept_code: str
    category: RxCategory
    kind: DrugKind
    chronic: bool
    lines: list[RxLine]
    created_at: datetime
    state: RxState = RxState.DRAFT
    diagnosis: str = ""  # what it treats, as the doctor wrote it (the encounter's diagnoses travel with 7101)
    signed_at: datetime | None = None
    cancelled_at: datetime | None = None
    hi_rxno: str = ""
    uploaded_at: datetime | None = None
    valid_until: datetime | None = None
    reviews: list[Review] = field(default_factory=list)
    purchase: Purchase | None = None
    revoked_at: datetime | None = None
    revoke_reason: str = ""
    version: int = 0

    @property
    def total(self) -> Decimal:
        return money(sum((line.amount for line in self.lines), ZERO))

    @property
    def circulated(self) -> bool:
        return bool(self.hi_rxno)

    def _require(self, doing: str, *states: RxState) -> None:
        if self.state not in states:
            raise IllegalTransition(f"cannot {doing}: prescription {self.id} is {self.state.value} "
                                    f"(needs {' or '.join(s.value for s in states)})")

    # ---- kept in hospital ---------------------------------------------------------------------
    def sign(self, at: datetime) -> None:
        self._require("sign", RxState.DRAFT)
        self.state, self.signed_at = RxState.SIGNED, at

    def cancel(self, at: datetime) -> None:
        self._require("cancel", RxState.DRAFT, RxState.SIGNED)
        self.state, self.cancelled_at = RxState.CANCELLED, at

    # ---- circulated ---------------------------------------------------------------------------
    def require_circulable(self) -> None:
        self._require("circulate", RxState.DRAFT)
        if self.category is RxCategory.NARCOTIC:
            raise IllegalTransition(f"prescription {self.id} is 麻精: it is dispensed in hospital, never circulated")

    def uploaded(self, hi_rxno: str, at: datetime, valid_until: datetime) -> None:
        self.require_circulable()
        self.state, self.hi_rxno, self.uploaded_at, self.valid_until = RxState.UPLOADED, hi_rxno, at, valid_until
        self.signed_at = self.signed_at or at

    def require_revocable(self) -> None:
        self._require("revoke", *CIRCULATING)

    def revoked(self, at: datetime, reason: str) -> None:
        self.require_revocable()
        self.state, self.revoked_at, self.revoke_reason = RxState.REVOKED, at, reason

    def record_review(self, review: Review) -> bool:
        """The pharmacist's review; False when this very review was recorded already."""
        if review in self.reviews:
            return False
        if self.state is RxState.DISPENSED:  # arrived after the purchase: kept, the state stays
            self.reviews.append(review)
            return True
        self._require("record a review", *CIRCULATING)
        self.reviews.append(review)
        self.state = RxState.APPROVED if review.approved else RxState.REFUSED
        return True

    def record_purchase(self, purchase: Purchase) -> bool:
        """What was bought; False when this very purchase was recorded already. Another purchase
        of a dispensed prescription is refused (a prescription is bought once)."""
        if self.purchase == purchase:
            return False
        self._require("record a purchase", *CIRCULATING)
        self.purchase, self.state = purchase, RxState.DISPENSED
        return True


def prescribe(formulary: Formulary, limits: RxLimits, category: RxCategory, chronic: bool,
              inputs: list[LineInput], where: str = "lines") -> tuple[DrugKind, list[RxLine]]:
    """The lines of a new prescription, each drug from the formulary with its quantity and amount;
    every fault named by its path (lines[2].days)."""
    violations: list[FieldViolation] = []
    if not inputs:
        raise ValidationFailed([FieldViolation(where, "at least one drug is required")])
    drugs = [formulary.drug(i.drug_code) for i in inputs]
    for n, (given, drug) in enumerate(zip(inputs, drugs)):
        if drug is None:
            violations.append(FieldViolation(f"{where}[{n}].drug_code",
                                             f"{excerpt(given.drug_code)} is not in the hospital's drug list"))
    known = [d for d in drugs if d is not None]
    kind = known[0].kind if known else DrugKind.WESTERN
    if any(d.kind is not kind for d in known):
        violations.append(FieldViolation(where, "中药饮片 and 西药中成药 go on separate prescriptions"))
    if len(inputs) > limits.max_items[kind]:
        violations.append(FieldViolation(where, f"at most {limits.max_items[kind]} drugs on one prescription, "
                                                f"{len(inputs)} given"))
    seen: set[str] = set()
    allowed = limits.days_allowed(category, chronic)
    lines: list[RxLine] = []
    for n, (given, drug) in enumerate(zip(inputs, drugs), 1):
        at = f"{where}[{n - 1}]"
        if given.drug_code in seen:
            violations.append(FieldViolation(f"{at}.drug_code", "the drug is on the prescription already"))
        seen.add(given.drug_code)
        frequency = FREQUENCIES.get(given.frequency)
        if frequency is None:
            violations.append(FieldViolation(f"{at}.frequency", f"{excerpt(given.frequency)} is not one of "
                                                                f"{', '.join(FREQUENCIES)}"))
        if given.dose <= 0:
            violations.append(FieldViolation(f"{at}.dose", "must be greater than zero"))
        if given.days <= 0:
            violations.append(FieldViolation(f"{at}.days", "must be greater than zero"))
        elif given.days > allowed:
            violations.append(FieldViolation(f"{at}.days", f"{given.days} days is more than the {allowed} a "
                                                           f"{category.value}{' chronic' if chronic else ''} "
                                                           "prescription allows"))
        if len(given.route) > MAX_ROUTE:
            violations.append(FieldViolation(f"{at}.route", f"at most {MAX_ROUTE} characters"))
        if len(given.note) > MAX_NOTE:
            violations.append(FieldViolation(f"{at}.note", f"at most {MAX_NOTE} characters"))
        if drug is not None and drug.controlled and category is not RxCategory.NARCOTIC:
            violations.append(FieldViolation(f"{at}.drug_code", f"{drug.generic_name} is 麻精: it needs a "
                                                                "NARCOTIC prescription"))
        if drug is None or frequency is None or given.dose <= 0 or given.days <= 0:
            continue
        quantity = drug.quantity(given.dose, frequency.times_per_day, given.days)
        lines.append(RxLine(line_no=n, drug=drug, dose=given.dose, frequency=frequency.code, days=given.days,
                            route=given.route or drug.default_route, quantity=quantity,
                            amount=line_total(quantity, drug.price), note=given.note))
        if not lines[-1].route:
            violations.append(FieldViolation(f"{at}.route", "is required (the drug has no default route)"))
    if violations:
        raise ValidationFailed(violations)
    return kind, lines
