"""The inpatient context's own rules, without storage: the admission order's and the stay's state
machines, the running balance, the waiting list's order, the numbers."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import IllegalTransition, ValidationFailed
from domain.inpatient import (AdmissionDiagnosis, AdmissionOrder, Bed, BedState, Condition, Deposit, DepositKind,
                              DepositMethod, InpatientStay, OrderState, StayCharge, StayCoverage, StaySettlement,
                              StayState, WaitingState, Ward, deposit_receipt_number, ipt_number)

T = datetime(2026, 12, 7, 10, 0)
DIAG = [AdmissionDiagnosis("J18.900", "肺炎", True)]


def order(**more) -> AdmissionOrder:
    values = dict(id="O1", encounter_id="E1", patient_id="P1", dept_code="NK", ward_code="NKBQ", diagnoses=list(DIAG),
                  condition=Condition.ORDINARY, suggested_deposit=Decimal("2000.00"), planned_date=T.date(),
                  issued_by="D001", issued_at=T)
    values.update(more)
    return AdmissionOrder(**values)


def stay(state=StayState.IN_HOSPITAL) -> InpatientStay:
    return InpatientStay(id="S1", ipt_no="ZY202612070001", patient_id="P1", encounter_id="E1", admission_order_id="O1",
                         dept_code="NK", ward_code="NKBQ", condition=Condition.ORDINARY, diagnoses=list(DIAG),
                         coverage=StayCoverage.SELF_PAY, admitted_at=T, admitted_by="N001", state=state, bed_code="01")


def charge(amount="100.00", qty="1", day=T.date()) -> StayCharge:
    price = (Decimal(amount) / Decimal(qty)).quantize(Decimal("0.01"))
    return StayCharge(0, day, "NKBQ", "ZL-JZ-001", "静脉注射", "x", price, Decimal(qty), Decimal(amount), T, "N001")


def deposit(amount="1000.00", kind=DepositKind.PAYMENT, method=DepositMethod.CASH, reference="", did="D1") -> Deposit:
    return Deposit(did, "YJ1", kind, method, reference, Decimal(amount), T, "C1")


# ---- 住院证 ---------------------------------------------------------------------------------------
def test_an_order_is_used_once_and_refuses_changes_after():
    o = order()
    o.use("S1")
    assert (o.state, o.stay_id) == (OrderState.USED, "S1")
    with pytest.raises(IllegalTransition, match="USED"):
        o.use("S2")
    with pytest.raises(IllegalTransition, match="USED"):
        o.change(T, "D001", condition=Condition.URGENT)
    with pytest.raises(IllegalTransition, match="USED"):
        o.cancel(T, "no")


def test_a_released_order_is_usable_again_but_only_by_the_stay_that_used_it():
    o = order()
    o.use("S1")
    with pytest.raises(IllegalTransition):
        o.release("S2")
    o.release("S1")
    assert o.state is OrderState.ISSUED
    o.use("S3")
    assert o.stay_id == "S3"


def test_a_change_is_checked_whole_and_leaves_the_order_as_it_was_when_refused():
    o = order()
    with pytest.raises(ValidationFailed) as err:
        o.change(T, "D002", suggested_deposit=Decimal("-1"), diagnoses=[])
    assert {v.field for v in err.value.violations} == {"suggested_deposit", "diagnoses"}
    assert o.suggested_deposit == Decimal("2000.00") and o.diagnoses == DIAG and o.changed_by == ""
    o.change(T, "D002", condition=Condition.CRITICAL, ward_code="WKBQ")
    assert (o.condition, o.ward_code, o.changed_by) == (Condition.CRITICAL, "WKBQ", "D002")


def test_a_cancelled_order_cannot_be_used():
    o = order()
    o.cancel(T, "patient declined")
    with pytest.raises(IllegalTransition, match="CANCELLED"):
        o.use("S1")


def test_an_order_expires_the_day_after_its_last_day():
    o = order(planned_date=date(2026, 12, 1))
    assert o.expires_after(7) == date(2026, 12, 8)
    assert not o.expire_if_due(date(2026, 12, 8), 7)
    assert o.state is OrderState.ISSUED
    assert o.expire_if_due(date(2026, 12, 9), 7)
    assert o.state is OrderState.EXPIRED
    with pytest.raises(IllegalTransition, match="EXPIRED"):
        o.use("S1")


def test_an_order_needs_exactly_one_main_diagnosis_and_a_whole_disease():
    two_main = [AdmissionDiagnosis("A", "a", True), AdmissionDiagnosis("B", "b", True)]
    fields = {v.field for v in order(diagnoses=two_main, dise_codg="X").violations()}
    assert fields == {"diagnoses", "dise_codg"}


# ---- wards and beds -------------------------------------------------------------------------------
def ward(n=2) -> Ward:
    return Ward("NKBQ", "内科病区", "NK", [Bed("NKBQ", f"{i:02d}") for i in range(1, n + 1)])


def test_a_bed_holds_one_stay():
    w = ward()
    w.bed("01").occupy("S1", T)
    with pytest.raises(IllegalTransition, match="OCCUPIED"):
        w.bed("01").occupy("S2", T)
    assert [b.code for b in w.free_beds()] == ["02"]
    assert w.bed_of("S1").code == "01"
    with pytest.raises(IllegalTransition):
        w.bed("01").free("S2", T)
    w.bed("01").free("S1", T)
    assert w.bed("01").state is BedState.FREE and w.bed_of("S1") is None


def test_a_closed_bed_is_not_free_until_reopened():
    w = ward(1)
    w.bed("01").close(T)
    assert w.free_beds() == []
    with pytest.raises(IllegalTransition, match="CLOSED"):
        w.bed("01").occupy("S1", T)
    w.bed("01").reopen(T)
    assert [b.code for b in w.free_beds()] == ["01"]


def test_the_waiting_list_puts_critical_before_urgent_before_ordinary_then_by_arrival():
    w = ward(0)
    arrivals = [("S1", Condition.ORDINARY), ("S2", Condition.URGENT), ("S3", Condition.ORDINARY),
                ("S4", Condition.CRITICAL), ("S5", Condition.URGENT)]
    for i, (sid, cond) in enumerate(arrivals):
        w.enqueue(f"W{i}", sid, "P", cond, T + timedelta(minutes=i))
    assert [e.stay_id for e in w.queue()] == ["S4", "S2", "S5", "S1", "S3"]
    with pytest.raises(IllegalTransition):
        w.enqueue("W9", "S1", "P", Condition.ORDINARY, T)
    w.leave_queue("S4", T, placed=True)
    w.leave_queue("S1", T, placed=False)
    assert [e.stay_id for e in w.queue()] == ["S2", "S5", "S3"]
    assert {e.stay_id: e.state for e in w.waiting}["S4"] is WaitingState.PLACED


# ---- the stay -------------------------------------------------------------------------------------
def test_running_balance_is_deposits_less_refunds_less_charges():
    s = stay()
    s.take_deposit(deposit("1000.00"))
    s.add_charges([charge("120.50"), charge("30.00", "3")])
    s.refund_deposit(deposit("100.00", DepositKind.REFUND, did="R1"))
    assert (s.total_deposited(), s.total_charged(), s.balance()) == \
        (Decimal("900.00"), Decimal("150.50"), Decimal("749.50"))
    assert [c.line_no for c in s.charges] == [1, 2]


def test_a_refund_during_the_stay_never_exceeds_the_balance():
    s = stay()
    s.take_deposit(deposit("200.00"))
    s.add_charges([charge("150.00")])
    with pytest.raises(ValidationFailed, match="balance 50.00"):
        s.refund_deposit(deposit("60.00", DepositKind.REFUND, did="R1"))


def test_a_card_or_mobile_deposit_needs_its_reference():
    with pytest.raises(ValidationFailed, match="reference"):
        stay().take_deposit(deposit(method=DepositMethod.MOBILE_PAY))
    with pytest.raises(ValidationFailed, match="greater than zero"):
        stay().take_deposit(deposit("0.00"))


def test_charge_lines_must_add_up():
    bad = StayCharge(0, T.date(), "NKBQ", "X", "x", "", Decimal("10.00"), Decimal("2"), Decimal("25.00"), T, "N")
    with pytest.raises(ValidationFailed, match="amount"):
        stay().add_charges([bad])


def test_the_stay_runs_admitting_in_hospital_discharging_discharged_settled():
    s = stay(StayState.ADMITTING)
    with pytest.raises(IllegalTransition, match="ADMITTING"):
        s.add_charges([charge()])
    s.admitted("YB-1")
    assert (s.state, s.yb_admission_id) == (StayState.IN_HOSPITAL, "YB-1")
    s.take_deposit(deposit("500.00"))
    s.add_charges([charge("100.00")])
    with pytest.raises(IllegalTransition, match="IN_HOSPITAL"):
        s.discharge(T, "N001")
    s.order_discharge(list(DIAG), T)
    s.add_charges([charge("50.00")])  # the last charges after the discharge order
    with pytest.raises(IllegalTransition, match="DISCHARGING"):
        s.transfer("WK", "WKBQ", "01", T, "N001", "")
    s.discharge(T, "N001")
    assert (s.state, s.bed_code) == (StayState.DISCHARGED, "")
    with pytest.raises(IllegalTransition, match="DISCHARGED"):
        s.add_charges([charge()])
    refund = deposit("350.00", DepositKind.REFUND, did="R1")
    s.settle(StaySettlement(s.total_charged(), s.total_deposited(), Decimal("350.00"), Decimal("0"), T, "N001"),
             refund)
    assert s.state is StayState.SETTLED and s.balance() == Decimal("0.00")
    assert s.settlement.deposit_id == "R1"
    with pytest.raises(IllegalTransition, match="SETTLED"):
        s.cancel(T, "")


def test_settlement_must_close_the_balance_exactly():
    s = stay(StayState.DISCHARGED)
    s.deposits.append(deposit("100.00"))
    s.charges.append(charge("160.00"))
    settlement = StaySettlement(Decimal("160.00"), Decimal("100.00"), Decimal("0"), Decimal("60.00"), T, "N")
    with pytest.raises(ValidationFailed, match="amount due 60.00"):
        s.settle(settlement, None)
    with pytest.raises(ValidationFailed, match="amount due 60.00"):
        s.settle(settlement, deposit("50.00", DepositKind.FINAL_PAYMENT))
    s.settle(settlement, deposit("60.00", DepositKind.FINAL_PAYMENT, did="F1"))
    assert s.balance() == Decimal("0.00")


def test_a_stay_is_cancelled_only_with_nothing_charged_and_no_deposit_held():
    s = stay()
    s.take_deposit(deposit("100.00"))
    with pytest.raises(IllegalTransition, match="deposit of 100.00"):
        s.cancel(T, "")
    s.refund_deposit(deposit("100.00", DepositKind.REFUND, did="R1"))
    s.cancel(T, "patient went home")
    assert (s.state, s.bed_code) == (StayState.CANCELLED, "")
    charged = stay()
    charged.add_charges([charge()])
    with pytest.raises(IllegalTransition, match="charges"):
        charged.cancel(T, "")


def test_a_transfer_is_kept_in_the_history():
    s = stay()
    move = s.transfer("WK", "WKBQ", "03", T, "N001", "手术")
    assert (move.from_dept, move.from_ward, move.from_bed, move.to_dept, move.to_ward, move.to_bed) == \
        ("NK", "NKBQ", "01", "WK", "WKBQ", "03")
    assert (s.dept_code, s.ward_code, s.bed_code) == ("WK", "WKBQ", "03")
    with pytest.raises(ValidationFailed):
        s.transfer("WK", "WKBQ", "03", T, "N001", "")


def test_numbers_carry_the_day_and_its_sequence():
    assert ipt_number(date(2026, 12, 7), 12) == "ZY202612070012"
    assert deposit_receipt_number(date(2026, 12, 7), 3) == "YJ20261207000003"
