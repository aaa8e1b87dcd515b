"""Use cases of a prescription: write it from the formulary, keep it in hospital (signed: charged on
the encounter through the encounters context's set_order_charges), or circulate it (7101) and revoke
it (7104); record the pharmacy's review (7102) and purchase (7103) the platform pushes back.

No database transaction stays open while a request is on the wire: a prescription is read, checked,
the platform is called, then the prescription is saved under its version (a concurrent change:
ConcurrencyConflict). A circulated prescription is not charged in hospital: the patient pays at the
pharmacy.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import FeeLine, StaffMember
from domain.operator import Operator
from domain.prescriptions import (DrugKind, Formulary, LineInput, Prescription, RxCategory, RxLimits, RxState,
                                  prescribe)
from domain.text import excerpt
from ports.clock import Clock
from ports.prescriptions import PrescriptionStore
from services.encounters import EncounterService, OrderCharge
from services.hospital import HospitalDirectory
from services.patients import PatientRegistry
from services.platform_gateway import CallContext, PlatformGateway
from services.prescriptions import rx_translation as tr

log = logging.getLogger(__name__)

UPLOAD, REVIEW, PURCHASE, REVOKE = "7101", "7102", "7103", "7104"
MAX_TEXT, MAX_CODE, MAX_NAME = 200, 30, 50


@dataclass(frozen=True)
class PrescriptionConfig:
    limits: RxLimits = field(default_factory=RxLimits)
    valid_days: int = 3  # 处方有效天数 of a circulated prescription
    rx_type_codes: dict[DrugKind, str] = field(default_factory=lambda: {DrugKind.WESTERN: "1", DrugKind.HERBAL: "2"})
    approved_codes: frozenset[str] = frozenset({"1"})  # rx_chk_stas_codg meaning 审核通过


@dataclass(frozen=True)
class NewPrescription:
    encounter_id: str
    category: str  # RxCategory value
    lines: list[LineInput]
    chronic: bool = False
    doctor_code: str = ""  # "" = the doctor of the encounter's current clinic
    diagnosis: str = ""


@dataclass(frozen=True)
class Circulate:
    pharmacist_name: str  # the hospital's 审方药师 who checked it (7101 phar_name)
    pharmacist_cert_no: str = ""


class PrescriptionService:
    def __init__(self, store: PrescriptionStore, formulary: Callable[[], Formulary], encounters: EncounterService,
                 patients: PatientRegistry, hospital: HospitalDirectory, gateway: PlatformGateway, clock: Clock,
                 config: PrescriptionConfig = PrescriptionConfig()):
        self.store, self._formulary, self.encounters, self.patients = store, formulary, encounters, patients
        self.hospital, self.gateway, self.clock, self.config = hospital, gateway, clock, config

    # ---- reads -------------------------------------------------------------------------------
    @property
    def formulary(self) -> Formulary:
        return self._formulary()

    def get(self, rx_id: str) -> Prescription:
        rx = self.store.get(rx_id)
        if rx is None:
            raise NotFound(f"no prescription {excerpt(rx_id)}")
        return rx

    def for_encounter(self, encounter_id: str) -> list[Prescription]:
        self.encounters.get(encounter_id)  # NotFound for an unknown encounter, not an empty list
        return self.store.for_encounter(encounter_id)

    # ---- writing -----------------------------------------------------------------------------
    def create(self, op: Operator, cmd: NewPrescription) -> Prescription:
        violations: list[FieldViolation] = []
        if len(cmd.diagnosis) > MAX_TEXT:
            violations.append(FieldViolation("diagnosis", f"at most {MAX_TEXT} characters"))
        if len(cmd.doctor_code) > MAX_CODE:
            violations.append(FieldViolation("doctor_code", f"at most {MAX_CODE} characters"))
        try:
            category = RxCategory(cmd.category)
        except ValueError:
            violations.append(FieldViolation("category", f"one of {', '.join(c.value for c in RxCategory)}"))
            category = RxCategory.ORDINARY
        try:
            kind, lines = prescribe(self.formulary, self.config.limits, category, cmd.chronic, cmd.lines)
        except ValidationFailed as refused:
            raise ValidationFailed(violations + refused.violations) from None
        if violations:
            raise ValidationFailed(violations)
        encounter = self.encounters.get(cmd.encounter_id)
        encounter.require_open("prescribe")
        doctor_code = cmd.doctor_code or encounter.current_leg().doctor_code
        if not doctor_code:
            raise ValidationFailed([FieldViolation("doctor_code", "is required: the encounter is at a clinic's "
                                                                  "shared queue, name the prescribing doctor")])
        self._staff(doctor_code, "doctor_code")
        now = self.clock.now()
        rx = Prescription(id=f"RX{now:%Y%m%d}{secrets.token_hex(6).upper()}", encounter_id=encounter.id,
                          patient_id=encounter.patient_id, doctor_code=doctor_code,
                          dept_code=encounter.current_leg().dept_code, category=category, kind=kind,
                          chronic=cmd.chronic, lines=lines, created_at=now, diagnosis=cmd.diagnosis)
        self.store.add(rx)
        return rx

    def sign(self, op: Operator, rx_id: str) -> Prescription:
        """Kept in hospital: SIGNED, and its lines charged on the encounter as order `rx.id`, one
        charge per line (order_item = the line's number)."""
        rx = self.get(rx_id)
        replace(rx).sign(self.clock.now())  # refused here, before anything is charged
        self.encounters.set_order_charges(op, rx.encounter_id, rx.id, charges(rx))
        rx.sign(self.clock.now())
        try:
            self.store.save(rx)
        except ConcurrencyConflict:
            self._withdraw_charges(op, rx, "its signing lost to a concurrent change")
            raise
        return rx

    def circulate(self, op: Operator, rx_id: str, cmd: Circulate) -> Prescription:
        """处方流转: 7101 with its file and signatures; hi_rxno kept from the reply."""
        rx = self.get(rx_id)
        rx.require_circulable()
        if not cmd.pharmacist_name.strip() or len(cmd.pharmacist_name) > MAX_NAME:
            raise ValidationFailed([FieldViolation("pharmacist_name", f"is required, at most {MAX_NAME} characters: "
                                                                      "7101 names the pharmacist who checked it")])
        encounter = self.encounters.get(rx.encounter_id)
        if not encounter.insured or not encounter.mdtrt_id:
            raise IllegalTransition(f"cannot circulate: encounter {encounter.id} has no 医保 registration "
                                    "(a self-pay prescription is kept in hospital)")
        patient = self.patients.get(rx.patient_id)
        now = self.clock.now()
        ctx = tr.UploadContext(encounter=encounter, patient=patient, doctor=self._staff(rx.doctor_code, "doctor_code"),
                               dept=self.hospital.department(rx.dept_code), pharmacist_name=cmd.pharmacist_name,
                               pharmacist_cert_no=cmd.pharmacist_cert_no, now=now, valid_days=self.config.valid_days,
                               rx_type_code=self.config.rx_type_codes[rx.kind])
        payload = tr.upload(rx, ctx)
        self.gateway.check(UPLOAD, payload)
        output = self.gateway.call(op, UPLOAD, payload, CallContext(psn_no=encounter.psn_no,
                                                                     mdtrt_id=encounter.mdtrt_id,
                                                                     visit_id=encounter.visit_id))
        rx.uploaded(tr.hi_rxno_of(output), now, tr.valid_until(now, self.config.valid_days))
        self.store.save(rx)  # a conflict here leaves it on the platform: the journal holds hi_rxno
        return rx

    def revoke(self, op: Operator, rx_id: str, reason: str) -> Prescription:
        """A circulated prescription not bought yet: 7104. One kept in hospital: cancelled, its
        unpaid charges withdrawn. Refused locally, with nothing sent, once it was dispensed."""
        rx = self.get(rx_id)
        if rx.state in (RxState.DRAFT, RxState.SIGNED):
            was_signed = rx.state is RxState.SIGNED
            rx.cancel(self.clock.now())
            if was_signed:
                self.encounters.set_order_charges(op, rx.encounter_id, rx.id, [])
            self.store.save(rx)
            return rx
        rx.require_revocable()
        if not reason.strip() or len(reason) > MAX_TEXT:
            raise ValidationFailed([FieldViolation("reason", f"is required, at most {MAX_TEXT} characters: 7104 "
                                                             "says why (undo_rea)")])
        encounter = self.encounters.get(rx.encounter_id)
        now = self.clock.now()
        payload = tr.revoke(rx, self._staff(rx.doctor_code, "doctor_code"), reason, now)
        self.gateway.check(REVOKE, payload)
        self.gateway.call(op, REVOKE, payload, CallContext(psn_no=encounter.psn_no, mdtrt_id=encounter.mdtrt_id,
                                                           visit_id=encounter.visit_id))
        return self._change(rx.id, lambda r: r.revoked(now, reason))

    # ---- notices the platform pushes (7102 / 7103) ----------------------------------------------
    def record_review(self, notice: dict) -> bool:
        """7102 处方审核结果: False when this very review was recorded already (a duplicate push)."""
        review = tr.review_of(notice, self.config.approved_codes)
        return self._notice(tr.notice_hi_rxno(notice), lambda rx: rx.record_review(review))

    def record_purchase(self, notice: dict) -> bool:
        """7103 购药结果: False when this very purchase was recorded already."""
        purchase = tr.purchase_of(notice)
        return self._notice(tr.notice_hi_rxno(notice), lambda rx: rx.record_purchase(purchase))

    # ---- helpers -----------------------------------------------------------------------------
    def _notice(self, hi_rxno: str, apply: Callable[[Prescription], bool]) -> bool:
        def load() -> Prescription:
            rx = self.store.by_hi_rxno(hi_rxno)
            if rx is None:
                raise NotFound(f"no prescription with hi_rxno {excerpt(hi_rxno)}")
            return rx
        return self._saved(load, apply)[1]

    def _change(self, rx_id: str, apply: Callable[[Prescription], None]) -> Prescription:
        return self._saved(lambda: self.get(rx_id), lambda rx: apply(rx) is None)[0]

    def _saved(self, load: Callable[[], Prescription],
               apply: Callable[[Prescription], bool]) -> tuple[Prescription, bool]:
        """Apply to a fresh read and save when it changed something; tried again once on a
        concurrent change."""
        for attempt in range(2):
            rx = load()
            if not apply(rx):
                return rx, False
            try:
                self.store.save(rx)
                return rx, True
            except ConcurrencyConflict:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _staff(self, code: str, field_name: str) -> StaffMember:
        try:
            return self.hospital.staff(code)
        except NotFound:
            raise ValidationFailed([FieldViolation(field_name, f"{excerpt(code)} is not on the hospital's "
                                                               "staff")]) from None

    def _withdraw_charges(self, op: Operator, rx: Prescription, why: str) -> None:
        try:
            self.encounters.set_order_charges(op, rx.encounter_id, rx.id, [])
        except Exception:  # the charge stays visible on the encounter, under this order id
            log.exception("prescription %s: %s, and withdrawing its charges failed", rx.id, why)


def charges(rx: Prescription) -> list[OrderCharge]:
    """The encounter lines of a prescription kept in hospital: one per drug, priced per pack."""
    return [OrderCharge(order_item=str(x.line_no), line=FeeLine(
        item_code=x.drug.code, item_name=f"{x.drug.generic_name} {x.drug.spec}"[:200],
        national_code=x.drug.national_code, unit_price=x.drug.price, quantity=x.quantity, amount=x.amount))
        for x in rx.lines]
