"""结算单 PDFs of stays, insured and self-pay, read back as text: the Chinese as printed, the amounts as the
platform settled them (the outpatient visit's slip is printed over gRPC in tests/e2e/test_e2e_inpatient.py)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from inpatientkit import CLERK, DOCTOR, NURSE
from pypdf import PdfReader

from adapters.pdf import ReportLabDocumentRenderer
from domain.errors import IllegalTransition
from services.inpatient import Admit, ChargeLineInput, DepositInput, RecordCharges, SettleStay
from services.settlement_slips import SettlementSlips


def text_of(pdf: bytes) -> str:
    import io
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def slips_for(app, world) -> SettlementSlips:
    return SettlementSlips(app.outpatient, world.service, app.inpatient_insurance, world.directory,
                           ReportLabDocumentRenderer(), world.clock, "武汉市示范医院")


def settled_stay(world, insured: bool):
    encounter = world.insured_encounter() if insured else world.encounter()
    order = world.order(encounter, **({"med_type": "21"} if insured else {}))
    stay = world.service.admit(NURSE, Admit(order.id, bed_code="01" if insured else "02", deposit=DepositInput(
        "CASH", Decimal("800.00")))).stay
    for _ in range(2):
        world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),
                                                                    ChargeLineInput("HL-001"))))
        world.clock.at += timedelta(days=1)
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.discharge(NURSE, stay.id)
    return world.service.settle(CLERK, SettleStay(stay.id))


def test_an_insured_stays_slip_prints_the_platforms_settlement_and_the_deposit(app, insured_world):
    world = insured_world
    stay = settled_stay(world, insured=True)
    slips = slips_for(app, world)
    form = slips.stay_form(stay.id)
    on_platform = app.inpatient_insurance.get(stay.yb_admission_id).active_settlement()
    assert form.slip_no == on_platform.setl_id and form.total == on_platform.medfee_sumamt == Decimal("136.00")
    assert sum(c.amount for c in form.charges) == form.total  # every settled row in a 费用类别
    assert sum(f.amount for f in form.funds) == on_platform.fund_pay_sumamt
    parts = {p.label: p.amount for p in form.patient_part}
    assert parts["个人现金支出"] == on_platform.psn_cash_pay and parts["预交金"] == Decimal("800.00")
    assert parts["退还预交金"] == Decimal("800.00") - on_platform.psn_cash_pay
    text = text_of(slips.stay_pdf(stay.id))
    for expected in ("医疗保障基金结算单（住院）", "武汉市示范医院", stay.ipt_no, on_platform.setl_id, "136.00", "基金支付",
                     "个人现金支出", "退还预交金"):
        assert expected in text, expected


def test_a_self_pay_stays_slip_lists_the_bill_by_item_against_the_deposit(app, world):
    stay = settled_stay(world, insured=False)
    form = slips_for(app, world).stay_form(stay.id)
    assert form.funds == () and form.slip_no == stay.ipt_no
    assert {c.label: c.amount for c in form.charges} == {c.item_name: Decimal("100.00") if c.item_code == "CW-001"
                                                        else Decimal("36.00") for c in stay.charges}
    text = text_of(slips_for(app, world).stay_pdf(stay.id))
    assert "住院结算单（自费）" in text and "664.00" in text  # 800 − 136 back


def test_an_unsettled_stay_has_no_slip(app, world):
    order = world.order(world.encounter())
    stay = world.service.admit(NURSE, Admit(order.id, bed_code="03")).stay
    with pytest.raises(IllegalTransition, match="IN_HOSPITAL"):
        slips_for(app, world).stay_pdf(stay.id)
