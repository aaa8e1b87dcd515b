"""The hospital side of 一站式住院 on the test database: the self-pay stay from the outpatient encounter to
settlement, beds and waiting lists, transfers, the undoing of an admission the 医保 side refused."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from inpatientkit import CLERK, DOCTOR, NURSE, World

from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.inpatient import (BedState, Condition, DepositKind, DepositMethod, OrderState, StayCoverage, StayState,
                              WaitingState)
from services.inpatient import (Admit, ChangeAdmissionOrder, ChargeLineInput, DepositInput, InsuredSettlement,
                                RecordCharges, RefundDeposit, SettleStay, TransferStay)


def test_self_pay_stay_from_the_outpatient_visit_to_a_settlement_with_the_balance_refunded(world):
    encounter = world.encounter()
    order = world.order(encounter, condition="URGENT")
    assert [(d.code, d.main) for d in order.diagnoses] == [("J18.900", True), ("I10.x00", False)]  # carried over
    assert (order.dept_code, order.med_type, order.state) == ("NK", "", OrderState.ISSUED)

    admitted = world.service.admit(NURSE, Admit(order.id, bed_code="02", deposit=DepositInput(
        "MOBILE_PAY", Decimal("3000.00"), "WX4200001234202612070001")))
    stay = admitted.stay
    assert (stay.state, stay.coverage, stay.bed_code, stay.encounter_id) == \
        (StayState.IN_HOSPITAL, StayCoverage.SELF_PAY, "02", encounter.id)
    assert stay.ipt_no.startswith("ZY20261207") and admitted.waiting is None
    assert (admitted.deposit.method, admitted.deposit.reference, admitted.deposit.amount) == \
        (DepositMethod.MOBILE_PAY, "WX4200001234202612070001", Decimal("3000.00"))
    assert world.service.get_order(order.id).state is OrderState.USED
    assert world.service.ward(world.nk).bed("02").stay_id == stay.id

    days = []
    for n in range(3):  # three days on the ward
        days.append(world.clock.at.date())
        world.service.record_charges(NURSE, RecordCharges(stay.id, (
            ChargeLineInput("CW-001"), ChargeLineInput("HL-001"), ChargeLineInput("ZL-JZ-001", Decimal("2")))))
        world.clock.at += timedelta(days=1)
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("JY-XCG-001"),), day=days[0]))
    stay = world.service.get(stay.id)
    assert stay.total_charged() == Decimal("254.00")  # 3 × (50 + 18 + 10) + 20
    assert [len(stay.charges_on(d)) for d in days] == [4, 3, 3]
    assert stay.balance() == Decimal("2746.00")

    world.service.order_discharge(DOCTOR, stay.id)
    stay = world.service.discharge(NURSE, stay.id)
    assert (stay.state, stay.bed_code) == (StayState.DISCHARGED, "")
    assert [d.code for d in stay.discharge_diagnoses] == ["J18.900", "I10.x00"]
    assert world.service.ward(world.nk).bed("02").state is BedState.FREE

    preview = world.service.preview_settlement(NURSE, stay.id)
    assert (preview.total, preview.deposited, preview.refund, preview.due) == \
        (Decimal("254.00"), Decimal("3000.00"), Decimal("2746.00"), Decimal("0"))
    stay = world.service.settle(NURSE, SettleStay(stay.id))
    refund = stay.deposit(stay.settlement.deposit_id)
    assert (refund.kind, refund.amount, refund.method, refund.reference) == \
        (DepositKind.REFUND, Decimal("2746.00"), DepositMethod.MOBILE_PAY, "WX4200001234202612070001")
    assert stay.state is StayState.SETTLED and stay.balance() == Decimal("0.00")
    assert world.service.by_ipt_no(stay.ipt_no).id == stay.id
    assert [s.id for s in world.service.stays_of_encounter(encounter.id)] == [stay.id]  # linked both ways
    assert [s.id for s in world.service.stays_of_patient(encounter.patient_id)] == [stay.id]


def test_the_amount_the_deposit_did_not_cover_is_paid_at_settlement(world):
    stay = world.service.admit(CLERK, Admit(world.order().id, deposit=DepositInput("CASH", Decimal("50")))).stay
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001", Decimal("2")),)))
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.discharge(NURSE, stay.id)
    with pytest.raises(ValidationFailed, match="50.00 is due"):
        world.service.settle(NURSE, SettleStay(stay.id))
    with pytest.raises(ValidationFailed, match="reference"):
        world.service.settle(NURSE, SettleStay(stay.id, method="BANK_CARD"))
    with pytest.raises(ValidationFailed, match="not the amount due 50.00"):
        world.service.settle(NURSE, SettleStay(stay.id, method="CASH", amount=Decimal("40")))
    stay = world.service.settle(NURSE, SettleStay(stay.id, method="CASH", amount=Decimal("50.00")))
    assert (stay.settlement.paid, stay.settlement.refund) == (Decimal("50.00"), Decimal("0"))
    assert stay.deposit(stay.settlement.deposit_id).kind is DepositKind.FINAL_PAYMENT


def test_deposit_receipts_are_numbered_without_gaps_within_the_day(world):
    stay = world.service.admit(CLERK, Admit(world.order().id)).stay
    taken = [world.service.take_deposit(CLERK, stay.id, DepositInput("CASH", Decimal("100"))) for _ in range(3)]
    refund = world.service.refund_deposit(CLERK, RefundDeposit(stay.id, Decimal("30"), reason="多交"))
    numbers = [int(d.receipt_no[-6:]) for d in taken + [refund]]
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    assert all(d.receipt_no.startswith("YJ20261207") for d in taken)
    with pytest.raises(ValidationFailed, match="balance 270.00"):
        world.service.refund_deposit(CLERK, RefundDeposit(stay.id, Decimal("270.01")))
    assert world.service.get(stay.id).balance() == Decimal("270.00")


def test_the_deposit_never_blocks_admission_and_can_be_waived_by_a_named_rule(world):
    stay = world.service.admit(CLERK, Admit(world.order(condition="CRITICAL").id, waive_rule="GREEN_CHANNEL")).stay
    assert (stay.state, stay.deposit_waived, stay.deposits) == (StayState.IN_HOSPITAL, "GREEN_CHANNEL", [])
    with pytest.raises(ValidationFailed, match="critical"):
        world.service.admit(CLERK, Admit(world.order().id, waive_rule="GREEN_CHANNEL"))
    with pytest.raises(ValidationFailed, match="not one of"):
        world.service.admit(CLERK, Admit(world.order().id, waive_rule="FRIEND_OF_THE_DIRECTOR"))


def test_a_full_ward_puts_the_patient_on_its_waiting_list_critical_first(world):
    for _ in range(3):
        world.service.admit(NURSE, Admit(world.order().id))
    waiting = {}
    for condition in ("ORDINARY", "CRITICAL", "URGENT"):
        result = world.service.admit(NURSE, Admit(world.order(condition=condition).id))
        assert result.stay.bed_code == "" and result.waiting is not None
        waiting[condition] = result.stay.id
    assert [e.stay_id for e in world.service.waiting_list(world.nk)] == \
        [waiting["CRITICAL"], waiting["URGENT"], waiting["ORDINARY"]]

    leaving = next(b.stay_id for b in world.service.ward(world.nk).beds if b.code == "01")
    world.service.order_discharge(DOCTOR, leaving)
    world.service.discharge(NURSE, leaving)
    placed = world.service.place_next(NURSE, world.nk, "01")
    assert (placed.id, placed.bed_code) == (waiting["CRITICAL"], "01")
    assert [e.stay_id for e in world.service.waiting_list(world.nk)] == [waiting["URGENT"], waiting["ORDINARY"]]
    with pytest.raises(IllegalTransition, match="OCCUPIED"):
        world.service.assign_bed(NURSE, waiting["URGENT"], "02")

    cancelled = world.service.cancel(CLERK, waiting["ORDINARY"], "went to another hospital")
    assert cancelled.state is StayState.CANCELLED
    assert [e.stay_id for e in world.service.waiting_list(world.nk)] == [waiting["URGENT"]]
    order = world.service.get_order(cancelled.admission_order_id)
    assert (order.state, order.stay_id) == (OrderState.ISSUED, "")  # usable again


def test_a_transfer_frees_the_old_bed_takes_one_on_the_new_ward_and_is_kept(world):
    stay = world.service.admit(NURSE, Admit(world.order().id, bed_code="03")).stay
    moved = world.service.transfer(NURSE, TransferStay(stay.id, world.wk, reason="转外科手术"))
    assert (moved.dept_code, moved.ward_code, moved.bed_code) == ("WK", world.wk, "01")
    assert [(t.from_ward, t.from_bed, t.to_ward, t.to_bed) for t in moved.transfers] == \
        [(world.nk, "03", world.wk, "01")]
    assert world.service.ward(world.nk).bed("03").state is BedState.FREE
    assert world.service.ward(world.wk).bed("01").stay_id == stay.id
    again = world.service.transfer(NURSE, TransferStay(stay.id, world.wk, to_bed_code="02", reason="换床"))
    assert again.bed_code == "02" and world.service.ward(world.wk).bed("01").state is BedState.FREE
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),)))
    assert world.service.get(stay.id).charges[0].ward_code == world.wk


def test_an_order_is_changed_or_cancelled_while_unused_and_lapses_after_its_days(world):
    order = world.order(planned_date=date(2026, 12, 8))
    changed = world.service.change_order(DOCTOR, ChangeAdmissionOrder(order.id, ward_code=world.wk,
                                                                      condition="URGENT"))
    assert (changed.ward_code, changed.dept_code, changed.condition) == (world.wk, "WK", Condition.URGENT)
    with pytest.raises(ValidationFailed, match="ward_code"):
        world.service.change_order(DOCTOR, ChangeAdmissionOrder(order.id, ward_code="NOWHERE"))
    world.clock.at += timedelta(days=9)  # past 12-08 + 7 days
    with pytest.raises(IllegalTransition, match="EXPIRED"):
        world.service.admit(NURSE, Admit(order.id))
    assert world.service.get_order(order.id).state is OrderState.EXPIRED

    other = world.order()
    world.service.cancel_order(DOCTOR, other.id, "patient declined")
    with pytest.raises(IllegalTransition, match="CANCELLED"):
        world.service.admit(NURSE, Admit(other.id))


def test_an_order_needs_an_open_encounter_with_diagnoses_and_a_known_ward(world):
    with pytest.raises(ValidationFailed, match="no diagnoses"):
        world.order(world.encounter(diagnosed=False))
    with pytest.raises(ValidationFailed, match="no ward"):
        world.order(ward_code="NOWHERE")
    with pytest.raises(NotFound):
        world.order(type("E", (), {"id": "no-such-encounter"})())


def test_a_stay_with_charges_is_not_cancelled(world):
    stay = world.service.admit(NURSE, Admit(world.order().id)).stay
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),)))
    with pytest.raises(IllegalTransition, match="charges"):
        world.service.cancel(CLERK, stay.id)
    with pytest.raises(ValidationFailed, match="price list"):
        world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("NOPE"),)))


class Refusing:
    """The 医保 side refusing 2401."""

    def admit(self, op, stay, order):
        raise IllegalTransition("2401 refused: 参保人已在院")


class Accepting:
    def __init__(self):
        self.calls = []

    def admit(self, op, stay, order):
        self.calls.append(("admit", stay.id, order.med_type))
        return "YB-ADM-1"

    def discharge(self, op, stay):
        self.calls.append(("discharge", stay.id))

    def settle(self, op, stay):
        self.calls.append(("settle", stay.id))
        return InsuredSettlement("SETL-1", stay.total_charged(), Decimal("40.00"), stay.total_charged() - 40)

    def cancel_admission(self, op, stay):
        self.calls.append(("cancel", stay.id))

    def change(self, op, stay):
        self.calls.append(("change", stay.id))


def test_an_insured_admission_the_platform_refuses_is_undone_whole(app):
    world = World(app, beds=1, insurance=Refusing())
    order = world.order(world.insured_encounter(), condition="URGENT")
    assert order.med_type == "21"
    with pytest.raises(IllegalTransition, match="2401 refused"):
        world.service.admit(NURSE, Admit(order.id, deposit=DepositInput("CASH", Decimal("500"))))
    assert world.service.get_order(order.id).state is OrderState.ISSUED
    assert world.service.ward(world.nk).bed("01").state is BedState.FREE
    stays = world.service.stays_of_encounter(order.encounter_id)
    assert [(s.state, s.deposits) for s in stays] == [(StayState.CANCELLED, [])]


def test_an_insured_stay_goes_through_the_seam_and_settles_its_cash_part_against_the_deposit(app):
    insurance = Accepting()
    world = World(app, insurance=insurance)
    order = world.order(world.insured_encounter())
    stay = world.service.admit(NURSE, Admit(order.id, deposit=DepositInput("CASH", Decimal("100")))).stay
    assert (stay.state, stay.yb_admission_id, stay.psn_no != "") == (StayState.IN_HOSPITAL, "YB-ADM-1", True)
    assert stay.deposits[0].amount == Decimal("100.00")
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),)))
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.discharge(NURSE, stay.id)
    stay = world.service.settle(NURSE, SettleStay(stay.id))
    assert (stay.settlement.setl_id, stay.settlement.fund_amount, stay.settlement.refund) == \
        ("SETL-1", Decimal("40.00"), Decimal("90.00"))  # 100 deposit − (50 − 40 from the funds)
    assert [c[0] for c in insurance.calls] == ["admit", "discharge", "settle"]


def test_without_the_insured_side_wired_an_insured_admission_is_refused_and_undone(app):
    world = World(app, beds=1)
    order = world.order(world.insured_encounter())
    with pytest.raises(IllegalTransition, match="not wired"):
        world.service.admit(NURSE, Admit(order.id))
    assert world.service.ward(world.nk).bed("01").state is BedState.FREE
    assert world.service.get_order(order.id).state is OrderState.ISSUED


def test_the_waiting_entry_of_a_stay_placed_is_kept_as_placed(world):
    for _ in range(3):
        world.service.admit(NURSE, Admit(world.order().id))
    waiting = world.service.admit(NURSE, Admit(world.order().id)).waiting
    assert waiting.state is WaitingState.WAITING
    with pytest.raises(ValidationFailed, match="bed_code"):
        world.service.assign_bed(NURSE, waiting.stay_id, "99")
