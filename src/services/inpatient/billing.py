"""The ward's charges, the deposit (预交金) and its running balance, discharge, and the self-pay
settlement against the deposit, all at the ward or the admission desk (no cashier)."""
from __future__ import annotations

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.inpatient import (REFERENCE_REQUIRED, AdmissionDiagnosis, Deposit, DepositKind, DepositMethod,
                              InpatientStay, SpecialAttribute, StayCharge, StaySettlement, StayState)
from domain.money import ZERO, money
from domain.operator import Operator
from domain.text import excerpt
from ports.unit_of_work import UnitOfWork
from services.inpatient.commands import (DepositInput, DiagnosisInput, RecordCharges, RefundDeposit,
                                         SettlementPreview, SettlementSlip, SettleStay, diagnoses_of)
from services.inpatient.insurance import PlatformAttribute
from services.inpatient.core import InpatientCore, parse_enum


class BillingUseCases(InpatientCore):
    # ---- charges ---------------------------------------------------------------------------
    def record_charges(self, op: Operator, cmd: RecordCharges) -> list[StayCharge]:
        """The ward's lines for a day, priced from the hospital's price list (院内收费项目)."""
        now = self.clock.now()
        day = cmd.day or now.date()
        found, lines = [], []
        for i, line in enumerate(cmd.lines):
            try:
                item = self.hospital.charge_item(line.item_code)
            except NotFound:
                found.append(FieldViolation(f"lines[{i}].item_code", f"no item {excerpt(line.item_code)} in "
                                                                     "the price list"))
                continue
            fee = item.fee_line(line.quantity)
            lines.append(fee)
        if not cmd.lines:
            found.append(FieldViolation("lines", "at least one line is required"))
        if day > now.date():
            found.append(FieldViolation("day", f"{day.isoformat()} is in the future"))
        if found:
            raise ValidationFailed(found)

        def add(stay: InpatientStay, _uow: UnitOfWork) -> list[StayCharge]:
            if day < stay.admitted_at.date():
                raise ValidationFailed([FieldViolation("day", f"{day.isoformat()} is before the admission on "
                                                              f"{stay.admitted_at.date().isoformat()}")])
            charges = [StayCharge(0, day, stay.ward_code, f.item_code, f.item_name, f.national_code, f.unit_price,
                                  f.quantity, f.amount, now, op.code) for f in lines]
            stay.add_charges(charges)
            return charges
        return self._apply(cmd.stay_id, add)

    def withdraw_charges(self, op: Operator, stay_id: str, line_nos: list[int], reason: str) -> InpatientStay:
        """退费 of lines not settled yet (in hospital, or with the discharge ordered). Insured: lines the
        platform holds (uploaded before a 出院召回) are cancelled there first (2302)."""
        if not reason:
            raise ValidationFailed([FieldViolation("reason", "say why the lines are withdrawn")])
        stay = self.get(stay_id)
        lines = stay.charges_to_withdraw(list(line_nos))  # every rule checked before the platform hears
        if stay.insured:
            self.insurance.withdraw_charges(op, stay, lines)

        def withdraw(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.withdraw_charges(list(line_nos), self.clock.now(), op.code, reason)
            return stay
        return self._apply(stay_id, withdraw)

    # ---- deposit ---------------------------------------------------------------------------
    def take_deposit(self, op: Operator, stay_id: str, deposit: DepositInput) -> Deposit:
        """预交金 or a top-up, with its receipt number."""
        method = parse_enum(DepositMethod, deposit.method, "method")
        amount = money(deposit.amount) if deposit.amount is not None else ZERO

        def take(stay: InpatientStay, uow: UnitOfWork) -> Deposit:
            d = self._receipt(uow, DepositKind.PAYMENT, method, deposit.reference, amount, op, self.clock.now())
            stay.take_deposit(d)
            return d
        return self._apply(stay_id, take)

    def refund_deposit(self, op: Operator, cmd: RefundDeposit) -> Deposit:
        """Part of the deposit given back during the stay (never more than the balance)."""
        method = parse_enum(DepositMethod, cmd.method, "method") if cmd.method else None
        amount = money(cmd.amount) if cmd.amount is not None else ZERO

        def give_back(stay: InpatientStay, uow: UnitOfWork) -> Deposit:
            way, reference = _way_back(stay, method)
            d = self._receipt(uow, DepositKind.REFUND, way, reference, amount, op, self.clock.now(), cmd.reason)
            stay.refund_deposit(d)
            return d
        return self._apply(cmd.stay_id, give_back)

    # ---- discharge -------------------------------------------------------------------------
    def order_discharge(self, op: Operator, stay_id: str,
                        diagnoses: tuple[DiagnosisInput, ...] = ()) -> InpatientStay:
        """出院医嘱: the discharge diagnoses ([] = those of the admission); the last charges may follow."""
        def order(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            given = diagnoses_of(diagnoses) if diagnoses else [AdmissionDiagnosis(d.code, d.name, d.main, d.kind)
                                                                for d in stay.diagnoses]
            stay.order_discharge(given, self.clock.now())
            return stay
        return self._apply(stay_id, order)

    def withdraw_discharge(self, op: Operator, stay_id: str) -> InpatientStay:
        def withdraw(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.withdraw_discharge()
            return stay
        return self._apply(stay_id, withdraw)

    def discharge(self, op: Operator, stay_id: str) -> InpatientStay:
        """出院: the bed freed and the bill closed. Insured: 2402 first (StayInsurance.discharge)."""
        stay = self.get(stay_id)
        if stay.insured:
            stay.require(StayState.DISCHARGING, "discharge")  # before the platform hears of it
            self.insurance.discharge(op, stay)

        def leave(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            now = self.clock.now()
            stay.discharge(now, op.code)
            ward = uow.wards.get(stay.ward_code)
            if ward is not None and ward.bed_of(stay.id) is not None:
                ward.bed_of(stay.id).free(stay.id, now)
            return stay
        return self._apply(stay_id, leave)

    def recall(self, op: Operator, stay_id: str) -> InpatientStay:
        """出院召回: a discharged, unsettled stay back in hospital (to correct its bill), in the bed it left
        when that is free, else the ward's first free bed, else its waiting list. Insured: 2405 first."""
        stay = self.get(stay_id)
        stay.require(StayState.DISCHARGED, "take the stay back in (出院召回)")
        if stay.insured:
            self.insurance.recall(op, stay)

        def back(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            now = self.clock.now()
            stay.recall(now)
            ward = self._ward(uow, stay.ward_code)
            free = {b.code for b in ward.free_beds()}
            self._take_bed(ward, stay, stay.condition, stay.last_bed if stay.last_bed in free else "", now,
                           "bed_code", spread=True)
            return stay
        return self._apply(stay_id, back)

    # ---- settlement ------------------------------------------------------------------------
    def preview_settlement(self, op: Operator, stay_id: str) -> SettlementPreview:
        """What settling now would give: for an insured stay the platform's split (2303, nothing
        changes) and the deposit against the patient's cash part."""
        stay = self.get(stay_id)
        insured = None
        if stay.insured:
            stay.require(StayState.DISCHARGED, "pre-settle")  # 2303 needs the discharge (2402)
            insured = self.insurance.preview(op, stay)
        fund = money(insured.fund_amount) if insured is not None else ZERO
        balance = money(stay.balance() + fund)
        return SettlementPreview(stay.total_charged(), stay.total_deposited(), balance, max(balance, ZERO),
                                 max(-balance, ZERO), fund, insured.cash if insured else ZERO,
                                 insured.detail if insured else None)

    def settle(self, op: Operator, cmd: SettleStay) -> InpatientStay:
        """Self-pay: the bill against the deposit; the balance given back, or the amount due paid, each
        with its receipt. Insured: 2303 / 2304 (StayInsurance.settle); the patient's part against the
        deposit the same way."""
        method = parse_enum(DepositMethod, cmd.method, "method") if cmd.method else None
        stay = self.get(cmd.stay_id)
        insured = None
        if stay.insured:
            stay.require(StayState.DISCHARGED, "settle")
            insured = self.insurance.settle(op, stay)

        def close(stay: InpatientStay, uow: UnitOfWork) -> InpatientStay:
            now = self.clock.now()
            fund = money(insured.fund_amount) if insured is not None else ZERO
            total = stay.total_charged()
            balance = money(stay.total_deposited() + fund - total)
            closing = None
            if balance > ZERO:
                way, reference = _way_back(stay, method)
                closing = self._receipt(uow, DepositKind.REFUND, way, reference, balance, op, now,
                                        "the deposit's balance at settlement")
            elif balance < ZERO:
                due = -balance
                if cmd.amount is not None and money(cmd.amount) != due:
                    raise ValidationFailed([FieldViolation("amount", f"{money(cmd.amount)} is not the amount "
                                                                     f"due {due}")])
                if method is None:
                    raise ValidationFailed([FieldViolation("method", f"{due} is due: say how it is paid")])
                if method in REFERENCE_REQUIRED and not cmd.reference:
                    raise ValidationFailed([FieldViolation("reference", f"a {method.value} payment needs its "
                                                                        "reference")])
                closing = self._receipt(uow, DepositKind.FINAL_PAYMENT, method, cmd.reference, due, op, now)
            settlement = StaySettlement(total, stay.total_deposited(), max(balance, ZERO), max(-balance, ZERO), now,
                                        op.code, setl_id=insured.setl_id if insured else "", fund_amount=fund)
            stay.settle(settlement, closing, fund)
            return stay
        return self._apply(cmd.stay_id, close)


    def cancel_settlement(self, op: Operator, stay_id: str, reason: str) -> InpatientStay:
        """结算撤销: SETTLED → DISCHARGED, the settlement kept in the history; its refund or final payment
        stays (that money moved), the next settlement squares the account. Insured: 2305 first; a
        discharge to take back (2405) comes after, by `recall`."""
        if not reason:
            raise ValidationFailed([FieldViolation("reason", "say why the settlement is cancelled")])
        stay = self.get(stay_id)
        stay.require(StayState.SETTLED, "cancel the settlement")
        if stay.insured:
            self.insurance.cancel_settlement(op, stay)

        def reopen(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.cancel_settlement(self.clock.now(), op.code, reason)
            return stay
        return self._apply(stay_id, reopen)

    def settlement_slip(self, stay_id: str) -> SettlementSlip:
        """结算单 data of a settled stay (the settlement in force)."""
        stay = self.get(stay_id)
        stay.require(StayState.SETTLED, "print the settlement slip")
        t = stay.settlement
        detail = self.insurance.settlement(stay) if stay.insured else None
        end = stay.discharged_at or t.at
        days = max((end.date() - stay.admitted_at.date()).days, 1)
        name = self.patients.get(stay.patient_id).name
        return SettlementSlip(stay, name, t.total, t.deposited, t.fund_amount, t.refund, t.paid, days, detail,
                              self.config.hospital_name)

    # ---- 2403 diagnoses, 2406/2407 special attributes ----------------------------------------
    def change_diagnoses(self, op: Operator, stay_id: str, diagnoses: tuple[DiagnosisInput, ...]) -> InpatientStay:
        """The admission diagnoses corrected during the stay; insured: 2403 follows."""
        def change(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.change_diagnoses(diagnoses_of(diagnoses))
            return stay
        stay = self._apply(stay_id, change)
        if stay.insured:
            self.insurance.change(op, stay)
        return stay

    def mark_special(self, op: Operator, stay_id: str, flag_type: str, flag: str, memo: str = "") -> InpatientStay:
        """就医特殊属性 of an insured stay, uploaded (2406) and kept on the stay with the platform's id."""
        found = [FieldViolation(name, "is required") for name, value in (("flag_type", flag_type), ("flag", flag))
                 if not value.strip()]
        found += [FieldViolation(name, f"is longer than {limit} characters") for name, value, limit in
                  (("flag_type", flag_type, 30), ("flag", flag, 30), ("memo", memo, 500)) if len(value) > limit]
        if found:
            raise ValidationFailed(found)
        stay = self.get(stay_id)
        if not stay.insured:
            raise ValidationFailed([FieldViolation("stay_id", f"stay {stay.ipt_no} is self-pay: special attributes "
                                                              "are the 医保 platform's")])
        stay.require_attributes_open()
        detl_id = self.insurance.mark_special(op, stay, flag_type, flag, memo)

        def keep(stay: InpatientStay, _uow: UnitOfWork) -> InpatientStay:
            stay.record_special_attribute(SpecialAttribute(detl_id, flag_type, flag, memo, self.clock.now(), op.code))
            return stay
        return self._apply(stay_id, keep)

    def special_attributes(self, op: Operator, stay_id: str) -> list[PlatformAttribute]:
        """What the platform holds (2407), the truth beside what the stay kept."""
        stay = self.get(stay_id)
        if not stay.insured or not stay.yb_admission_id:
            return []
        return self.insurance.special_attributes(op, stay)

    # ---- the ward's view ---------------------------------------------------------------------
    def ward_stays(self, ward_code: str) -> list[InpatientStay]:
        """The stays on a ward now (in hospital or being discharged), each with its running balance."""
        with self.uow() as uow:
            self._ward(uow, ward_code)
            return uow.stays.on_ward(ward_code)


def _way_back(stay: InpatientStay, method: DepositMethod | None) -> tuple[DepositMethod, str]:
    """How money goes back: the method asked for, else the way the last deposit came (and its
    reference, which a mobile-pay refund goes back through)."""
    paid = [d for d in stay.deposits if d.kind is DepositKind.PAYMENT and (method is None or d.method is method)]
    if paid:
        return paid[-1].method, paid[-1].reference
    if method is None:
        return DepositMethod.CASH, ""
    return method, ""
