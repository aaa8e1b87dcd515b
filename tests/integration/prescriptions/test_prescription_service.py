"""Prescriptions through the real composition root (in-memory simulator, the test database): kept in
hospital and charged on the encounter, or circulated (7101) and followed by the pharmacy's review and
purchase that the simulator pushes to the hospital's notice endpoint on a real socket (7102 / 7103),
revoked (7104) while unused."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rxkit import DOCTOR, WORKER, Clinic, line, wait_for

from domain.errors import IllegalTransition, ValidationFailed
from domain.prescriptions import RxState
from services.prescriptions import Circulate, NewPrescription


@pytest.fixture
def clinic(app, simulator):
    clinic = Clinic(app, simulator)
    endpoint = app.start_notice_endpoint("127.0.0.1:0")
    simulator.rx_notifier.configure(endpoint.url)
    yield clinic
    simulator.rx_notifier.stop()


def state_of(clinic, rx_id):
    return clinic.rx.get(rx_id).state


def test_circulated_reviewed_and_bought_the_doctor_sees_what_was_bought(clinic, simulator):
    e = clinic.insured_encounter()
    rx = clinic.prescribe(e.id, line("YP0001", "0.5", "tid", 3), line("YP0002", "0.5", "prn", 3))
    assert [(x.quantity, x.amount) for x in rx.lines] == [(Decimal(1), Decimal("12.80")), (Decimal(1), Decimal("6.50"))]
    up = clinic.rx.circulate(DOCTOR, rx.id, Circulate("刘药师"))
    assert up.state is RxState.UPLOADED and up.hi_rxno
    assert clinic.codes(e.visit_id)[-1] == "7101"
    assert clinic.app.encounters.order_charges(e.id, rx.id) == []  # paid at the pharmacy, not here

    pharmacy = clinic.pharmacy
    assert [r["auth_rxno"] for r in pharmacy.listed(WORKER.certno)]  # 7202 lists it
    downloaded = pharmacy.download(pharmacy.scan(up.hi_rxno)["epc_token"])
    assert [d["med_list_codg"] for d in downloaded["rxdrugdetail"]] == [x.drug.national_code for x in rx.lines]
    pharmacy.review(up.hi_rxno)
    wait_for(lambda: state_of(clinic, rx.id) is RxState.APPROVED, "the 7102 review recorded")
    pharmacy.sell(up.hi_rxno, WORKER.psn_no, WORKER.certno)
    done = wait_for(lambda: (r := clinic.rx.get(rx.id)).state is RxState.DISPENSED and r, "the 7103 purchase recorded")
    assert [(i.generic_name, i.quantity, i.amount) for i in done.purchase.items] == [
        ("阿莫西林胶囊", Decimal(1), Decimal("12.80")), ("对乙酰氨基酚片", Decimal(1), Decimal("6.50"))]
    assert done.purchase.fund_pay_sumamt + done.purchase.psn_part_amt == Decimal("19.30")
    assert [r.approved for r in done.reviews] == [True]


def test_a_refused_review_carries_the_pharmacists_opinion(clinic):
    e = clinic.insured_encounter()
    rx = clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id).id, Circulate("刘药师"))
    clinic.pharmacy.review(rx.hi_rxno, approve=False, opinion="剂量超常，请医师确认")
    refused = wait_for(lambda: (r := clinic.rx.get(rx.id)).state is RxState.REFUSED and r, "the refusal recorded")
    assert refused.reviews[0].opinion == "剂量超常，请医师确认" and refused.reviews[0].pharmacy_code == "P42010600001"


def test_a_notice_lost_once_and_one_delivered_twice_each_count_once(clinic, simulator):
    e = clinic.insured_encounter()
    rx = clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id).id, Circulate("刘药师"))
    simulator.faults.add("7102", "drop_before_commit", contains=rx.hi_rxno)
    simulator.faults.add("7102", "duplicate_delivery", contains=rx.hi_rxno)
    clinic.pharmacy.review(rx.hi_rxno)
    wait_for(lambda: simulator.rx_notifier.delivered >= 1 and not simulator.rx_notifier.pending(), "delivered")
    assert [r.approved for r in clinic.rx.get(rx.id).reviews] == [True]
    assert not simulator.faults.pending()  # both faults were applied to the notice


def test_revoked_while_unused_and_a_dispensed_one_is_refused_with_nothing_sent(clinic, simulator):
    e = clinic.insured_encounter()
    first = clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id).id, Circulate("刘药师"))
    revoked = clinic.rx.revoke(DOCTOR, first.id, "患者要求改药")
    assert revoked.state is RxState.REVOKED and revoked.revoke_reason == "患者要求改药"
    with pytest.raises(Exception, match="已撤销"):  # the pharmacy cannot find it any more
        clinic.pharmacy.scan(first.hi_rxno)

    second = clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id, line("YP0002", "0.5", "tid", 2)).id,
                                 Circulate("刘药师"))
    clinic.pharmacy.sell(second.hi_rxno, WORKER.psn_no, WORKER.certno)
    wait_for(lambda: state_of(clinic, second.id) is RxState.DISPENSED, "the purchase recorded")
    before = clinic.sent(e.visit_id)
    with pytest.raises(IllegalTransition, match="DISPENSED"):
        clinic.rx.revoke(DOCTOR, second.id, "开错了")
    assert clinic.sent(e.visit_id) == before and before.count("7104") == 1


def test_self_pay_kept_in_hospital_is_charged_when_signed_and_withdrawn_when_cancelled(clinic):
    e = clinic.self_pay_encounter()
    rx = clinic.prescribe(e.id, line("YP0001", "0.5", "tid", 5), line("YP0004", "0.25", "q8h", 7))
    signed = clinic.rx.sign(DOCTOR, rx.id)
    assert signed.state is RxState.SIGNED
    charged = clinic.app.encounters.order_charges(e.id, rx.id)
    assert [(c.order_item, c.item_code, c.quantity, c.amount) for c in charged] == [
        ("1", "YP0001", Decimal(2), Decimal("25.60")), ("2", "YP0004", Decimal(1), Decimal("9.80"))]
    assert clinic.app.encounters.get(e.id).outstanding() == Decimal("11.00") + Decimal("35.40")
    with pytest.raises(IllegalTransition, match="self-pay|医保"):
        clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id).id, Circulate("刘药师"))
    cancelled = clinic.rx.revoke(DOCTOR, rx.id, "")
    assert cancelled.state is RxState.CANCELLED
    assert clinic.app.encounters.order_charges(e.id, rx.id) == []
    assert clinic.app.encounters.get(e.id).outstanding() == Decimal("11.00")


def test_bad_input_is_refused_before_anything_is_stored_or_sent(clinic):
    e = clinic.insured_encounter()
    with pytest.raises(ValidationFailed) as refused:
        clinic.rx.create(DOCTOR, NewPrescription(e.id, "EMERGENCY", [line(days=3), line("YP0002", days=4)]))
    assert [v.field for v in refused.value.violations] == ["lines[1].days"]
    assert clinic.rx.for_encounter(e.id) == []
    narcotic = clinic.prescribe(e.id, line("YP0011", "10", "q12h", 3), category="NARCOTIC")
    with pytest.raises(IllegalTransition, match="麻精"):
        clinic.rx.circulate(DOCTOR, narcotic.id, Circulate("刘药师"))
    undiagnosed = clinic.insured_encounter(diagnosed=False)
    with pytest.raises(ValidationFailed) as refused:
        clinic.rx.circulate(DOCTOR, clinic.prescribe(undiagnosed.id).id, Circulate("刘药师"))
    assert [v.field for v in refused.value.violations] == ["encounter_id"]
    assert "7101" not in clinic.sent(e.visit_id) + clinic.sent(undiagnosed.visit_id)
