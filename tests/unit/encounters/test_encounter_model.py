"""The encounter's own rules, without storage."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from domain.encounters import (Charge, Coverage, Encounter, EncounterState, Leg, LegState, Payment, PaymentKind,
                               PaymentMethod, Transfer, TransferRules, receipt_number)
from domain.errors import IllegalTransition, ValidationFailed

T = datetime(2026, 3, 2, 9, 0)


def encounter(coverage=Coverage.SELF_PAY, med_type="") -> Encounter:
    e = Encounter(id="E1", patient_id="P1", day=T.date(), registered_at=T, registered_by="R1", reg_type="ORDINARY",
                  coverage=coverage, state=EncounterState.OPEN, med_type=med_type, visit_id="V1" if med_type else "")
    e.legs.append(Leg(1, "NK-1", "NK", "D001", "Q1", LegState.ACTIVE, T, visit_id=e.visit_id))
    return e


def charge(amount="11.00", qty="1", price="11.00") -> Charge:
    return Charge(0, "GH01", "挂号费", "001101000010000", Decimal(price), Decimal(qty), Decimal(amount), 1, T)


def payment(pid="PAY1", amount="11.00", kind=PaymentKind.PAYMENT, refund_of="") -> Payment:
    return Payment(pid, "", kind, PaymentMethod.CASH, "", Decimal(amount), T, "C1", refund_of=refund_of)


def test_charges_number_their_lines_and_refuse_a_wrong_total_whole():
    e = encounter()
    e.add_charges([charge(), charge("2.50", "2", "1.25")])
    assert [c.line_no for c in e.charges] == [1, 2] and e.outstanding() == Decimal("13.50")
    with pytest.raises(ValidationFailed) as err:
        e.add_charges([charge(), charge("2.51", "2", "1.25"), charge("1.00", "0", "1.00")])
    assert [v.field for v in err.value.violations] == ["charges[1].amount", "charges[2].quantity"]
    assert len(e.charges) == 2  # nothing of the refused batch


def test_a_payment_covers_what_is_due_and_must_match_the_amount_shown():
    e = encounter()
    e.add_charges([charge()])
    with pytest.raises(ValidationFailed) as err:
        e.take_payment(payment(), Decimal("10.00"))
    assert err.value.violations[0].field == "amount" and e.outstanding() == Decimal("11.00")
    e.take_payment(payment(), Decimal("11.00"))
    assert e.outstanding() == Decimal("0.00") and e.total_paid() == Decimal("11.00")
    with pytest.raises(IllegalTransition):
        e.take_payment(payment("PAY2"), None)


def test_refunds_never_exceed_what_is_left_of_the_payment():
    e = encounter()
    e.add_charges([charge()])
    e.take_payment(payment(), None)
    e.refund(payment("R1", "5.00", PaymentKind.REFUND, "PAY1"))
    with pytest.raises(ValidationFailed) as err:
        e.refund(payment("R2", "6.01", PaymentKind.REFUND, "PAY1"))
    assert "6.00" in err.value.violations[0].description
    e.refund(payment("R3", "6.00", PaymentKind.REFUND, "PAY1"))
    assert e.total_paid() == Decimal("0.00") and e.refunded("PAY1") == Decimal("11.00")


def test_cancel_needs_every_payment_refunded():
    e = encounter()
    e.add_charges([charge()])
    e.take_payment(payment(), None)
    with pytest.raises(IllegalTransition, match="refund"):
        e.cancel(T)
    e.refund(payment("R1", "11.00", PaymentKind.REFUND, "PAY1"))
    e.cancel(T)
    assert e.state is EncounterState.CANCELLED
    with pytest.raises(IllegalTransition, match="CANCELLED"):
        e.add_charges([charge()])


def test_a_transfer_and_its_undo_keep_the_path_in_order():
    e = encounter()
    e.move_to(Leg(2, "XNK-1", "XNK", "D002", "Q2", LegState.ACTIVE, T), Transfer(1, 1, 2, "D001", "王医生", "心电图异常", T))
    assert [(leg.seq, leg.state) for leg in e.legs] == [(1, LegState.TRANSFERRED), (2, LegState.ACTIVE)]
    assert e.current_leg().clinic_code == "XNK-1"
    with pytest.raises(ValidationFailed):
        e.move_to(Leg(3, "XNK-1", "XNK", "D002", "Q3", LegState.ACTIVE, T), Transfer(2, 2, 3, "D002", "李", "x", T))
    transfer, back, receiving = e.undo_transfer(T, "D001")
    assert (back.seq, back.state, receiving.state) == (1, LegState.ACTIVE, LegState.UNDONE)
    assert transfer.undone_by == "D001" and e.last_transfer() is None
    with pytest.raises(IllegalTransition, match="no transfer"):
        e.undo_transfer(T, "D001")


@pytest.mark.parametrize("rules, med_type, today, separate, needs", [
    (TransferRules(), "", T.date(), False, False),
    (TransferRules(), "13", T.date(), False, True),
    (TransferRules(new_registration_on_med_type_change=False), "13", T.date(), False, False),
    (TransferRules(), "", date(2026, 3, 3), False, True),
    (TransferRules(), "", T.date(), True, True),
    (TransferRules(new_registration_for_separate_clinic=False), "", T.date(), True, False),
])
def test_which_transfer_needs_a_new_registration_is_configuration(rules, med_type, today, separate, needs):
    insured = encounter(Coverage.INSURED, med_type="11")
    assert bool(rules.new_registration_reason(insured, med_type, today, separate)) is needs
    assert rules.new_registration_reason(encounter(), med_type, today, separate) == ""  # self-pay: never


def test_receipt_numbers_carry_the_day_and_the_sequence():
    assert receipt_number(date(2026, 3, 2), 7) == "20260302000007"
