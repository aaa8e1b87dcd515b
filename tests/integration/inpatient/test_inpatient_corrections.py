"""Correcting a stay after the fact, in the platform's order: a settlement cancelled (2305), the discharge
taken back (2405, 出院召回), lines withdrawn (2302 for those the platform holds), the stay discharged and
settled again; the diagnoses corrected (2403); 就医特殊属性 (2406/2407); the 2303 preview and the slip; the
ward's stays with their balances. Real storage, the real 医保 side over the in-memory simulator."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from inpatientkit import CLERK, DOCTOR, NURSE, World

from domain.errors import IllegalTransition, ValidationFailed
from domain.inpatient import StayState
from domain.journal import JournalState
from domain.money import ZERO
from services.inpatient import Admit, ChargeLineInput, DepositInput, DiagnosisInput, RecordCharges, SettleStay


def sent(app, stay) -> list[str]:
    return [e.infno for e in app.journal.for_visit(stay.yb_admission_id)
            if e.state in (JournalState.OK, JournalState.CONFIRMED)]


def charged_stay(world, insured: bool, deposit: str = "1000.00", bed: str = "01"):
    encounter = world.insured_encounter() if insured else world.encounter()
    order = world.order(encounter, **({"med_type": "21"} if insured else {}))
    stay = world.service.admit(NURSE, Admit(order.id, bed_code=bed, deposit=DepositInput(
        "CASH", Decimal(deposit)))).stay
    for _ in range(2):
        world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),
                                                                    ChargeLineInput("HL-001"))))
        world.clock.at += timedelta(days=1)
    return world.service.get(stay.id)


def discharged(world, stay):
    world.service.order_discharge(DOCTOR, stay.id)
    return world.service.discharge(NURSE, stay.id)


def test_an_insured_settlement_is_cancelled_the_stay_recalled_corrected_and_settled_again(insured_world, app):
    world = insured_world
    stay = discharged(world, charged_stay(world, insured=True))
    first = world.service.settle(CLERK, SettleStay(stay.id))
    first_refund = first.deposit(first.settlement.deposit_id).amount
    assert first.balance() == ZERO  # settled: deposit + what the platform paid − charges

    with pytest.raises(IllegalTransition, match="SETTLED"):
        world.service.recall(NURSE, stay.id)  # 2305 comes before 2405
    with pytest.raises(ValidationFailed, match="reason"):
        world.service.cancel_settlement(CLERK, stay.id, "")

    reopened = world.service.cancel_settlement(CLERK, stay.id, "患者费用有误")
    assert reopened.state is StayState.DISCHARGED and reopened.settlement is None
    assert [s.setl_id for s in reopened.past_settlements] == [first.settlement.setl_id]
    assert reopened.past_settlements[0].cancel_reason == "患者费用有误"
    # the refund given at settlement stays given: without the funds the patient now owes their whole bill
    assert reopened.balance() == Decimal("1000.00") - first_refund - Decimal("136.00")

    back = world.service.recall(NURSE, stay.id)
    assert back.state is StayState.IN_HOSPITAL and back.bed_code == "01" and len(back.recalls) == 1
    assert world.service.ward(world.nk).bed("01").stay_id == stay.id

    corrected = world.service.withdraw_charges(NURSE, stay.id, [2], "护理费重复")  # went up with the discharge
    assert corrected.charge(2).withdrawn_by == NURSE.code and corrected.total_charged() == Decimal("118.00")
    held = app.inpatient_insurance.get(stay.yb_admission_id)
    assert [f.state.value for f in held.fees if f.feedetl_sn == f"{stay.ipt_no}-2"] == ["CANCELLED"]

    again = world.service.settle(CLERK, SettleStay(discharged(world, corrected).id))
    on_platform = app.inpatient_insurance.get(stay.yb_admission_id).active_settlement()
    assert on_platform.medfee_sumamt == Decimal("118.00") == again.settlement.total
    assert again.balance() == ZERO and again.state is StayState.SETTLED
    assert sent(app, again) == ["2401", "2301", "2402", "2303", "2304", "2305", "2405", "2302", "2402", "2303",
                                "2304"]  # nothing uploaded twice: the second discharge had no new line


def test_a_self_pay_settlement_is_cancelled_and_the_next_one_squares_the_account(app):
    world = World(app)
    stay = discharged(world, charged_stay(world, insured=False, bed="02"))
    settled = world.service.settle(CLERK, SettleStay(stay.id))
    assert settled.deposit(settled.settlement.deposit_id).amount == Decimal("864.00")  # 1000 − 136
    reopened = world.service.cancel_settlement(CLERK, stay.id, "结算方式错误")
    assert reopened.balance() == ZERO  # the refund stands; nothing more is owed either way
    back = world.service.recall(NURSE, stay.id)
    world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("HL-001"),)))
    world.service.withdraw_charges(NURSE, stay.id, [1], "床位费记错")
    again = world.service.settle(CLERK, SettleStay(discharged(world, back).id, method="CASH"))
    assert again.settlement.total == Decimal("104.00")  # 136 − 50 (withdrawn) + 18 (added after the recall)
    assert again.settlement.refund == Decimal("32.00") and again.balance() == ZERO
    assert len(again.deposits) == 3  # the deposit, the first refund, the second refund: every movement kept


def test_withdrawing_charges_refuses_unknown_repeated_and_withdrawn_lines_changing_nothing(app):
    world = World(app)
    stay = charged_stay(world, insured=False, bed="03")
    for lines, where in (([9], "line_nos[0]"), ([1, 1], "line_nos[1]"), ([], "line_nos")):
        with pytest.raises(ValidationFailed) as err:
            world.service.withdraw_charges(NURSE, stay.id, lines, "x")
        assert [v.field for v in err.value.violations] == [where]
    world.service.withdraw_charges(NURSE, stay.id, [1], "记错")
    with pytest.raises(ValidationFailed, match="withdrawn already"):
        world.service.withdraw_charges(NURSE, stay.id, [1, 2], "x")
    assert [c.live for c in world.service.get(stay.id).charges] == [False, True, True, True]


def test_the_insured_preview_shows_the_split_the_settlement_then_has_and_the_slip_prints_it(insured_world, app):
    world = insured_world
    stay = discharged(world, charged_stay(world, insured=True, bed="02"))
    preview = world.service.preview_settlement(CLERK, stay.id)
    assert preview.detail is not None and preview.fund_amount + preview.cash == preview.total == Decimal("136.00")
    assert preview.balance == Decimal("1000.00") + preview.fund_amount - preview.total
    settled = world.service.settle(CLERK, SettleStay(stay.id))
    assert settled.deposit(settled.settlement.deposit_id).amount == preview.refund
    slip = world.service.settlement_slip(stay.id)
    assert slip.detail.setl_id == settled.settlement.setl_id and slip.detail.details  # the fund lines
    assert (slip.total, slip.refund, slip.days) == (Decimal("136.00"), preview.refund, 2)
    assert slip.patient_name == world.patients.get(stay.patient_id).name


def test_diagnoses_corrected_during_an_insured_stay_reach_the_platform(insured_world, app):
    world = insured_world
    stay = charged_stay(world, insured=True, bed="03")
    with pytest.raises(ValidationFailed):
        world.service.change_diagnoses(DOCTOR, stay.id, (DiagnosisInput("J18.900", "肺炎"),
                                                         DiagnosisInput("I10.x00", "高血压")))  # no main
    world.service.change_diagnoses(DOCTOR, stay.id, (DiagnosisInput("J15.900", "细菌性肺炎", main=True),))
    held = app.inpatient_insurance.get(stay.yb_admission_id)
    assert [(d.diag_code, d.maindiag_flag) for d in held.diagnoses] == [("J15.900", "1")]
    assert sent(app, stay)[-1] == "2403"


def test_special_attributes_go_up_with_2406_and_come_back_from_2407(insured_world, app):
    world = insured_world
    stay = charged_stay(world, insured=True, bed="01")
    marked = world.service.mark_special(NURSE, stay.id, "1", "01", "日间病房")
    [kept] = marked.special_attributes
    assert kept.detl_id and (kept.flag_type, kept.flag, kept.by) == ("1", "01", NURSE.code)
    [held] = world.service.special_attributes(NURSE, stay.id)
    assert (held.detl_id, held.flag_type, held.flag, held.memo) == (kept.detl_id, "1", "01", "日间病房")
    before = sent(app, stay)
    with pytest.raises(ValidationFailed) as err:
        world.service.mark_special(NURSE, stay.id, "", "x" * 31)
    assert {v.field for v in err.value.violations} == {"flag_type", "flag"}
    assert sent(app, stay) == before  # nothing sent for a bad request


def test_special_attributes_are_refused_for_a_self_pay_stay(app):
    world = World(app)
    stay = charged_stay(world, insured=False, bed="01")
    with pytest.raises(ValidationFailed, match="self-pay"):
        world.service.mark_special(NURSE, stay.id, "1", "01")
    assert world.service.special_attributes(NURSE, stay.id) == []


def test_the_ward_sees_its_stays_with_their_running_balances(app):
    world = World(app)
    rich = charged_stay(world, insured=False, deposit="1000.00", bed="01")
    poor = charged_stay(world, insured=False, deposit="100.00", bed="02")
    on_ward = world.service.ward_stays(world.nk)
    assert [(s.id, s.balance()) for s in on_ward] == [(rich.id, Decimal("864.00")), (poor.id, Decimal("-36.00"))]
    discharged(world, rich)
    assert [s.id for s in world.service.ward_stays(world.nk)] == [poor.id]
    with pytest.raises(ValidationFailed):
        world.service.ward_stays("NO-SUCH-WARD")


def test_a_discharge_and_a_settlement_asked_again_after_the_platform_took_them_are_not_sent_twice(insured_world,
                                                                                                 app):
    """The hospital's side of a step failed after the platform's (the 2402 / 2304 went through and were
    recorded on the 医保 admission): asked again, the step completes from what the platform holds."""
    world = insured_world
    stay = charged_stay(world, insured=True, bed="03")
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.insurance.discharge(NURSE, world.service.get(stay.id))  # the platform's part only
    left = world.service.discharge(NURSE, stay.id)
    assert left.state is StayState.DISCHARGED
    world.service.insurance.settle(CLERK, left)  # again the platform's part only
    settled = world.service.settle(CLERK, SettleStay(stay.id))
    assert settled.state is StayState.SETTLED and settled.balance() == ZERO
    assert sent(app, settled) == ["2401", "2301", "2402", "2303", "2304"]
