"""A stay on the platform through the real composition root and the in-memory simulator: admitted,
three days of fees, discharged, pre-settled and settled; undone in the platform's order."""
from __future__ import annotations

from decimal import Decimal

import pytest
from stays import OP, WORKER, admit, copies, day_fees, discharge_command

from domain.admission import AdmissionState
from domain.errors import IllegalTransition
from domain.settlement import SettlementState
from domain.visit import FeeState

AMOUNTS = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "acct_pay", "psn_cash_pay", "psn_part_amt")


def settled_stay(app):
    adm = admit(app)
    for day in range(3):
        adm = app.inpatient_insurance.upload_fees(OP, adm.id, day_fees(day))
    adm = app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    return app.inpatient_insurance.settle(OP, adm.id)


def calls(app, adm_id: str) -> list[str]:
    return [e.infno for e in app.journal.for_visit(adm_id) if e.infno != "9001"]


def test_admit_fees_discharge_pre_settle_settle_as_the_platform_computes(app, simulator):
    adm = admit(app)
    assert adm.state is AdmissionState.ADMITTED and adm.mdtrt_id
    assert simulator.visit(adm.mdtrt_id).ipt_otp_no == adm.ipt_no
    uploads = [day_fees(day) for day in range(3)]
    for rows in uploads:
        adm = app.inpatient_insurance.upload_fees(OP, adm.id, rows)
    assert len(adm.fees) == 6 and all(f.chrgitm_lv for f in adm.fees)  # classified by 2301's reply
    assert sorted(simulator.visit(adm.mdtrt_id).fees) == sorted(f.feedetl_sn for f in adm.fees)
    adm = app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    assert adm.state is AdmissionState.DISCHARGED

    preview = app.inpatient_insurance.pre_settle(OP, adm.id)
    adm, settlement = app.inpatient_insurance.settle(OP, adm.id)
    assert adm.state is AdmissionState.SETTLED and adm.settling_since is None
    assert all(f.state is FeeState.SETTLED for f in adm.fees)
    held = simulator.settlement(settlement.setl_id)
    assert settlement.medfee_sumamt == sum((f.det_item_fee_sumamt for f in adm.fees), Decimal(0)) == Decimal("105.00")
    for name in AMOUNTS:
        assert getattr(settlement, name) == Decimal(str(held[name])), name
        assert getattr(preview, name) == getattr(settlement, name), name  # nothing changed between them
    stored = app.inpatient_insurance.get(adm.mdtrt_id)  # read back from the database
    assert stored.active_settlement().setl_id == settlement.setl_id and stored.version == adm.version
    assert [s.fund_pay_type for s in stored.active_settlement().details] == [d.fund_pay_type for d in settlement.details]
    assert calls(app, adm.id) == ["2401", "2301", "2301", "2301", "2402", "2303", "2304"]


def test_the_same_upload_twice_sends_only_what_is_new(app, simulator):
    adm = admit(app)
    first = day_fees(0)
    app.inpatient_insurance.upload_fees(OP, adm.id, first)
    again = app.inpatient_insurance.upload_fees(OP, adm.id, copies(first))  # a retry: nothing new
    more = app.inpatient_insurance.upload_fees(OP, adm.id, copies(first) + day_fees(1))
    assert len(again.fees) == 2 and len(more.fees) == 4
    assert calls(app, adm.id).count("2301") == 2
    assert len(simulator.visit(adm.mdtrt_id).fees) == 4


def test_fees_cancelled_by_2302_are_left_out_of_the_settlement(app, simulator):
    adm = admit(app)
    adm = app.inpatient_insurance.upload_fees(OP, adm.id, day_fees(0) + day_fees(1))
    gone = [f.feedetl_sn for f in adm.fees if f.chrg_bchno == "D1"]
    adm = app.inpatient_insurance.cancel_fees(OP, adm.id, gone)
    assert [f.state for f in adm.fees if f.feedetl_sn in gone] == [FeeState.CANCELLED] * 2
    assert sorted(simulator.visit(adm.mdtrt_id).fees) == sorted(f.feedetl_sn for f in adm.fees
                                                                        if f.feedetl_sn not in gone)
    app.inpatient_insurance.discharge(OP, adm.id, discharge_command())
    _, settlement = app.inpatient_insurance.settle(OP, adm.id)
    assert settlement.medfee_sumamt == Decimal("35.00")


def test_cancellations_go_2305_then_2405_then_2404_and_the_wrong_order_sends_nothing(app, simulator):
    adm, settlement = settled_stay(app)
    service = app.inpatient_insurance
    before = calls(app, adm.id)
    for wrong in (lambda: service.cancel_discharge(OP, adm.id), lambda: service.cancel_admission(OP, adm.id)):
        with pytest.raises(IllegalTransition, match="SETTLED"):
            wrong()
    assert calls(app, adm.id) == before  # refused here, nothing sent

    adm, negative = service.cancel_settlement(OP, adm.id, settlement.setl_id)
    assert adm.state is AdmissionState.DISCHARGED and negative.setl_id != settlement.setl_id
    assert adm.settlement(settlement.setl_id).state is SettlementState.CANCELLED
    assert all(f.state is FeeState.UPLOADED for f in adm.fees)
    with pytest.raises(IllegalTransition, match="DISCHARGED"):
        service.cancel_admission(OP, adm.id)
    adm = service.cancel_discharge(OP, adm.id)
    assert adm.state is AdmissionState.ADMITTED and adm.endtime is None
    with pytest.raises(IllegalTransition, match="fee rows"):
        service.cancel_admission(OP, adm.id)  # the platform refuses a stay with fees: so do we, first
    adm = service.cancel_fees(OP, adm.id, [f.feedetl_sn for f in adm.fees])
    adm = service.cancel_admission(OP, adm.id)
    assert adm.state is AdmissionState.CANCELLED
    assert simulator.visit(adm.mdtrt_id).cancelled
    assert calls(app, adm.id)[len(before):] == ["2305", "2405", "2302", "2404"]


def test_a_changed_admission_is_sent_whole_and_kept(app, simulator):
    from services.inpatient_insurance import ChangeAdmission
    from stays import diagnosis

    adm = admit(app)
    adm = app.inpatient_insurance.change_admission(OP, adm.id, ChangeAdmission(
        dept_code="WK02", dept_name="外科病区", adm_bed="3", diagnoses=(diagnosis("K35.800", "急性阑尾炎"),)))
    stored = app.inpatient_insurance.get(adm.id)
    assert (stored.dept_code, stored.adm_bed, stored.diagnoses[0].diag_code) == ("WK02", "3", "K35.800")
    assert simulator.visit(adm.mdtrt_id).mdtrtinfo["adm_dept_codg"] == "WK02"


def test_the_same_admission_asked_twice_reaches_the_platform_once(app, simulator):
    first = admit(app)
    again = admit(app, ipt_no=first.ipt_no)
    assert again.id == first.id and again.mdtrt_id == first.mdtrt_id
    assert calls(app, first.id).count("2401") == 1
