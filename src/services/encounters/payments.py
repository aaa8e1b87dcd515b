"""Charges and their payment at any station (the doctor's, a kiosk, the window): self-pay paid and
refunded locally with receipts; insured through 2204 / 2206 / 2207."""
from __future__ import annotations

import uuid

from domain.encounters import (REFERENCE_REQUIRED, Charge, Encounter, Payment, PaymentKind, PaymentMethod,
                               receipt_number)
from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, ValidationFailed
from domain.money import ZERO, money
from domain.operator import Operator
from domain.text import excerpt
from domain.settlement import SettlementState
from ports.unit_of_work import UnitOfWork
from services.encounters.commands import ChargeInput, PayEncounter, RefundPayment
from services.encounters.core import UPLOAD_AT_SIGNING
from services.encounters.fee_batches import FeeBatches, lines_of


class PaymentUseCases(FeeBatches):
    # ---- charges and payments --------------------------------------------------------------
    def add_charges(self, op: Operator, encounter_id: str, lines: list[ChargeInput]) -> Encounter:
        now = self.clock.now()

        def add(encounter: Encounter, _uow) -> None:
            leg = encounter.current_leg()
            encounter.add_charges([Charge.priced(c, leg.seq, now) for c in lines])
        return self._apply(encounter_id, add)

    def pay(self, op: Operator, cmd: PayEncounter) -> Payment:
        """Pay every unpaid line, at a cashier's window, the doctor station or a kiosk alike. Self-pay:
        recorded at once with its receipt. Insured: 2204 (the unpaid lines as one batch), 2206, 2207
        through OutpatientService; the patient's cash part is recorded with the receipt, the funds'
        part beside it."""
        method = _method(cmd.method, "method")
        if method in REFERENCE_REQUIRED and not cmd.reference:
            raise ValidationFailed([FieldViolation("reference", f"a {method.value} payment needs its reference")])
        encounter = self.get(cmd.encounter_id)
        encounter.require_open("take a payment")
        if not encounter.unpaid():
            raise IllegalTransition(f"encounter {encounter.id} has nothing to pay")
        if not encounter.insured:
            return self._record_payment(op, cmd, method, [c.line_no for c in encounter.unpaid()], ZERO, "", "", None)
        return self._pay_insured(op, cmd, method, encounter)

    def _pay_insured(self, op: Operator, cmd: PayEncounter, method: PaymentMethod, encounter: Encounter) -> Payment:
        due = encounter.unpaid()
        visit = self.outpatient.get_visit(encounter.visit_id)
        recorded = {p.chrg_bchno for p in encounter.payments}
        lost = next((s for s in visit.settlements if s.state is SettlementState.ACTIVE and s.chrg_bchno
                     and s.chrg_bchno not in recorded), None)
        if lost is not None:  # settled on an earlier call whose recording was lost: recorded now, not paid twice
            cash = money(lost.psn_cash_pay or ZERO)
            return self._record_payment(op, cmd, method, lines_of(visit, lost.chrg_bchno),
                                        money((lost.medfee_sumamt or ZERO) - cash), lost.setl_id or "",
                                        lost.chrg_bchno, cash, visit.id)
        chrg_bchno = self._upload_unpaid(op, encounter)  # one live batch, equal to the lines due
        visit_id = encounter.visit_id  # the registration they went to (a new one once the last was settled)
        preview = self.outpatient.pre_settle(op, visit_id, chrg_bchno, cmd.acct_used, self.config.psn_setlway)
        cash = money(preview.psn_cash_pay or ZERO)
        if cmd.amount is not None and money(cmd.amount) != cash:
            if self.config.upload_at != UPLOAD_AT_SIGNING:
                self.outpatient.cancel_fees(op, visit_id, chrg_bchno)  # nothing settled: the batch goes
            raise ValidationFailed([FieldViolation("amount", f"{money(cmd.amount)} is not the patient's part "
                                                             f"{cash} of this settlement")])
        _visit, settlement = self.outpatient.settle(op, visit_id, chrg_bchno, cmd.acct_used, self.config.psn_setlway)
        cash = money(settlement.psn_cash_pay or ZERO)
        fund = money((settlement.medfee_sumamt or ZERO) - cash)
        return self._record_payment(op, cmd, method, [c.line_no for c in due], fund, settlement.setl_id or "",
                                    chrg_bchno, cash, visit_id)

    def _record_payment(self, op: Operator, cmd: PayEncounter, method: PaymentMethod, lines: list[int],
                        fund: object, setl_id: str, chrg_bchno: str, cash, visit_id: str = "") -> Payment:
        holder: dict = {}

        def take(encounter: Encounter, uow: UnitOfWork) -> None:
            now = self.clock.now()
            payment = Payment(id=str(uuid.uuid4()), receipt_no="", kind=PaymentKind.PAYMENT, method=method,
                              reference=cmd.reference, amount=ZERO, at=now, operator_code=op.code,
                              setl_id=setl_id, fund_amount=fund, chrg_bchno=chrg_bchno, visit_id=visit_id)
            if setl_id:  # settled already: these lines are what the settlement covered, whatever came since
                for charge in encounter.charges:
                    if charge.line_no in lines:
                        charge.payment_id = payment.id
                payment.amount = cash
                encounter.payments.append(payment)
            else:
                if [c.line_no for c in encounter.unpaid()] != lines:
                    raise ConcurrencyConflict(f"encounter {encounter.id}: its charges changed meanwhile; "
                                              "read the amount due again")
                payment.amount = encounter.outstanding()
                encounter.take_payment(payment, cmd.amount)
            payment.receipt_no = receipt_number(now.date(), uow.encounters.next_receipt_seq(now.date()))
            holder["payment"] = payment
        self._apply(cmd.encounter_id, take, require_open=not setl_id)
        return holder["payment"]

    def refund(self, op: Operator, cmd: RefundPayment) -> Payment:
        """Give back all or part of a self-pay payment (never more than is left of it), with its own
        receipt number."""
        if cmd.amount is None or money(cmd.amount) <= ZERO:
            raise ValidationFailed([FieldViolation("amount", "must be greater than zero")])
        method = _method(cmd.method, "method") if cmd.method else None
        holder: dict = {}

        def give_back(encounter: Encounter, uow: UnitOfWork) -> None:
            original = encounter.payment(cmd.payment_id)
            now = self.clock.now()
            refund = Payment(id=str(uuid.uuid4()), receipt_no="", kind=PaymentKind.REFUND,
                             method=method or original.method, reference=original.reference,
                             amount=money(cmd.amount), at=now, operator_code=op.code, refund_of=original.id,
                             reason=cmd.reason)
            encounter.refund(refund)
            refund.receipt_no = receipt_number(now.date(), uow.encounters.next_receipt_seq(now.date()))
            holder["refund"] = refund
        self._apply(cmd.encounter_id, give_back, require_open=False)
        return holder["refund"]


def _method(value: str, field_name: str) -> PaymentMethod:
    try:
        return PaymentMethod(value)
    except ValueError:
        raise ValidationFailed([FieldViolation(field_name, f"{excerpt(value)} is not one of "
                                                           f"{', '.join(m.value for m in PaymentMethod)}")]) from None
