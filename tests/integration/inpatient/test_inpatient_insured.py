"""An insured stay end to end below gRPC: the inpatient use cases with the 医保 side plugged in
(PlatformStayInsurance over InpatientInsuranceService and the simulator): 住院证 from the insured visit,
admission with 2401 and a mobile-pay deposit, three days of ward charges, discharge (2301 + 2402),
settlement (2303 + 2304) with the funds' part offset against the deposit; a refused 2401 undoes it all."""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from inpatientkit import DOCTOR, NURSE

from domain.inpatient import BedState, OrderState, StayState
from domain.journal import JournalState
from services.errors import PlatformRejected
from services.inpatient import Admit, ChargeLineInput, DepositInput, RecordCharges, SettleStay
from services.resolver import Resolver, ResolverConfig


def platform_codes(app, stay):
    entries = app.journal.for_visit(stay.yb_admission_id)
    return [e.infno for e in entries if e.state in (JournalState.OK, JournalState.CONFIRMED)]


def test_an_insured_stay_is_admitted_charged_discharged_and_settled_against_its_deposit(insured_world, app, simulator):
    world = insured_world
    encounter = world.insured_encounter()
    order = world.order(encounter, med_type="21")
    stay = world.service.admit(NURSE, Admit(order.id, bed_code="01", deposit=DepositInput(
        "MOBILE_PAY", Decimal("2000.00"), "WX4200009999"))).stay
    assert stay.state is StayState.IN_HOSPITAL and stay.yb_admission_id
    admission = app.inpatient_insurance.get(stay.yb_admission_id)
    assert admission.mdtrt_id and admission.ipt_no == stay.ipt_no
    for _ in range(3):
        world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),
                                                                    ChargeLineInput("HL-001"))))
        world.clock.at += timedelta(days=1)
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.discharge(NURSE, stay.id)
    settled = world.service.settle(NURSE, SettleStay(stay.id))
    assert settled.state is StayState.SETTLED and settled.settlement.setl_id
    on_platform = app.inpatient_insurance.get(stay.yb_admission_id).settlements[-1]
    assert on_platform.medfee_sumamt == settled.total_charged() == Decimal("204.00")  # 3 × (50 + 18)
    cash = on_platform.psn_cash_pay
    assert settled.settlement.fund_amount == on_platform.medfee_sumamt - cash
    refund = settled.deposit(settled.settlement.deposit_id)
    assert refund.amount == Decimal("2000.00") - cash  # the patient's part taken from the deposit, the rest back
    assert platform_codes(app, settled) == ["2401", "2301", "2402", "2303", "2304"]


def test_a_refused_2401_undoes_the_admission_and_frees_the_bed(insured_world, app, simulator):
    world = insured_world
    order = world.order(world.insured_encounter(), med_type="21")
    simulator.faults.add("2401", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        world.service.admit(NURSE, Admit(order.id, bed_code="02"))
    assert world.service.ward(world.nk).bed("02").state is BedState.FREE
    assert world.service.get_order(order.id).state is OrderState.ISSUED  # usable again
    assert [s.state for s in world.service.stays_of_encounter(order.encounter_id)] == [StayState.CANCELLED]


def test_a_2401_in_doubt_keeps_the_stay_admitting_with_its_bed_until_the_journal_settles_it(insured_world, app,
                                                                                            simulator):
    from services.errors import PlatformUnavailable

    world = insured_world
    order = world.order(world.insured_encounter(), med_type="21")
    simulator.faults.add("2401", "timeout_after_commit", 1, 0)  # admitted on the platform, the reply lost
    simulator.faults.add("5201", "drop_before_commit", 1, 0)  # and the query that would prove it fails too
    with pytest.raises(PlatformUnavailable) as err:
        world.service.admit(NURSE, Admit(order.id, bed_code="03"))
    assert err.value.outcome == "unresolved"
    [stay] = world.service.stays_of_encounter(order.encounter_id)
    assert stay.state is StayState.ADMITTING  # neither undone nor complete: never half
    assert world.service.ward(world.nk).bed("03").stay_id == stay.id  # its bed held meanwhile
    app.journal.resolve(err.value.journal_id)  # what the resolver does in the background; then its pass
    tag = uuid.uuid4().hex[:8]  # runs its follow-ups, which settle the stay without anyone reading it
    resolver = Resolver(app.journal, app.container.instances(), app.clock, f"r-{tag}",
                        ResolverConfig(interval=timedelta(seconds=1), lease_ttl=timedelta(seconds=30)),
                        lease=f"test-{tag}")
    resolver.followers = (world.service.settle_admitting,)
    assert resolver.run_once() is not None
    [settled] = world.service.stays_of_encounter(order.encounter_id)  # a listing: reading settles nothing
    assert settled.state is StayState.IN_HOSPITAL and settled.yb_admission_id
    assert app.inpatient_insurance.get(settled.yb_admission_id).mdtrt_id
    assert world.service.get_order(order.id).state is OrderState.USED


def test_a_bed_taken_meanwhile_refuses_the_admission_before_the_platform_hears_of_it(insured_world, app):
    from sqlalchemy import func, select

    from adapters.db.tables import journal
    from domain.errors import DomainError

    def admissions_sent() -> int:
        with app.container.engine().connect() as conn:
            return conn.execute(select(func.count()).select_from(journal).where(journal.c.infno == "2401")).scalar_one()

    world = insured_world
    first = world.order(world.insured_encounter(), med_type="21")
    world.service.admit(NURSE, Admit(first.id, bed_code="01"))
    second = world.order(world.insured_encounter(), med_type="21")
    before = admissions_sent()
    with pytest.raises(DomainError, match="01"):
        world.service.admit(NURSE, Admit(second.id, bed_code="01"))
    assert admissions_sent() == before  # no 2401 for a bed that is not there
    assert world.service.get_order(second.id).state is OrderState.ISSUED
    assert world.service.stays_of_encounter(second.encounter_id) == []
