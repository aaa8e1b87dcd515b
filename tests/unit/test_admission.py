"""The 医保 side of a stay: its state machine, the fee rows' idempotency by feedetl_sn, and its payloads
as the catalogue checks them."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import IllegalTransition, ValidationFailed
from domain.settlement import Settlement, SettlementState
from domain.visit import Diagnosis, FeeItem, FeeState
from ports.catalogue import load_catalogue, validate_request
from services.outcome_queries import OUTCOME_QUERIES
from services.translation import admissions as wire

T = datetime(2026, 3, 2, 9, 40)
CATALOGUE = load_catalogue()


def diagnosis(main: str = "1", code: str = "J18.900") -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=1, diag_code=code, diag_name="肺炎", diag_dept="内科",
                     dise_dor_no="D001", dise_dor_name="王医生", diag_time=T, maindiag_flag=main)


def stay(state: AdmissionState = AdmissionState.ADMITTED) -> InsuredAdmission:
    return InsuredAdmission(id="A1", psn_no="P1", insutype="310", med_type="21", mdtrt_cert_type="02",
                            mdtrt_cert_no="420106199001011234", ipt_no="ZY0001", begntime=T, dept_code="NK02",
                            dept_name="内科病区", caty="A03", atddr_no="D001", chfpdr_name="王医生", adm_bed="12",
                            mdtrt_id="M1" if state is not AdmissionState.REGISTERING else "", state=state,
                            diagnoses=[diagnosis()])


def fee(sn: str, cnt: str = "2", pric: str = "12.50") -> FeeItem:
    return FeeItem(feedetl_sn=sn, chrg_bchno="D0", med_list_codg="X1", medins_list_codg="H1",
                   det_item_fee_sumamt=(Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01")), cnt=Decimal(cnt),
                   pric=Decimal(pric), fee_ocur_time=T, bilg_dept_codg="NK02", bilg_dept_name="内科病区",
                   bilg_dr_codg="D001", bilg_dr_name="王医生")


def settlement(setl_id: str) -> Settlement:
    return Settlement(mdtrt_id="M1", psn_no="P1", chrg_bchno="", setl_id=setl_id, medfee_sumamt=Decimal("25.00"))


def discharged_with_fees() -> InsuredAdmission:
    adm = stay()
    adm.add_fees([fee("F1"), fee("F2", "1", "10.00")])
    adm.discharge(T + timedelta(days=3), "NK02", "内科病区", "1", [diagnosis()])
    return adm


def test_admitted_only_from_registering_and_only_with_a_mdtrt_id():
    adm = stay(AdmissionState.REGISTERING)
    with pytest.raises(IllegalTransition):
        adm.complete_admission("")
    adm.complete_admission("M9")
    assert (adm.state, adm.mdtrt_id) == (AdmissionState.ADMITTED, "M9")
    with pytest.raises(IllegalTransition, match="ADMITTED"):
        adm.complete_admission("M10")


def test_the_whole_way_and_back():
    adm = discharged_with_fees()
    assert adm.state is AdmissionState.DISCHARGED and adm.unsettled_total() == Decimal("35.00")
    at = T + timedelta(days=3, hours=1)
    adm.begin_settlement(at)
    assert (adm.state, adm.settling_since) == (AdmissionState.SETTLING, at)
    adm.complete_settlement(settlement("S1"))
    assert adm.state is AdmissionState.SETTLED and adm.settling_since is None
    assert {f.state for f in adm.fees} == {FeeState.SETTLED}
    adm.cancel_settlement("S1", settlement("S1-neg"))
    assert adm.state is AdmissionState.DISCHARGED and {f.state for f in adm.fees} == {FeeState.UPLOADED}
    assert [s.state for s in adm.settlements] == [SettlementState.CANCELLED, SettlementState.CANCELLED]
    adm.cancel_discharge()
    assert adm.state is AdmissionState.ADMITTED and adm.endtime is None and adm.discharge_diagnoses == []
    adm.cancel_fees(["F1", "F2"])
    adm.cancel()
    assert adm.state is AdmissionState.CANCELLED


@pytest.mark.parametrize("action, state", [
    (lambda a: a.cancel(), "SETTLED"), (lambda a: a.cancel_discharge(), "SETTLED"),
    (lambda a: a.new_fees([fee("F3")]), "SETTLED")])
def test_a_settled_stay_refuses_what_must_wait_for_2305_naming_its_state(action, state):
    adm = discharged_with_fees()
    adm.begin_settlement(T)
    adm.complete_settlement(settlement("S1"))
    with pytest.raises(IllegalTransition, match=state):
        action(adm)


def test_a_discharged_stay_must_be_taken_back_before_its_admission_is_cancelled():
    adm = discharged_with_fees()
    with pytest.raises(IllegalTransition, match="DISCHARGED"):
        adm.cancel()


def test_an_admission_with_fees_is_not_cancelled():
    adm = stay()
    adm.add_fees([fee("F1")])
    with pytest.raises(IllegalTransition, match="fee rows"):
        adm.cancel()


def test_settling_needs_a_discharge_and_unsettled_fees():
    with pytest.raises(IllegalTransition, match="ADMITTED"):
        stay().begin_settlement(T)
    adm = stay()
    adm.discharge(T + timedelta(days=1), "NK02", "内科病区", "1", [diagnosis()])
    with pytest.raises(IllegalTransition, match="no unsettled fees"):
        adm.begin_settlement(T)
    adm = discharged_with_fees()
    adm.begin_settlement(T)
    adm.abandon_settlement()
    assert adm.state is AdmissionState.DISCHARGED and adm.settling_since is None


def test_the_same_row_sent_again_is_left_out_another_under_its_number_is_refused():
    adm = stay()
    assert adm.add_fees([fee("F1")]) == [adm.fees[0]]
    assert adm.new_fees([replace(fee("F1")), fee("F2")]) == [fee("F2")]
    with pytest.raises(ValidationFailed) as err:
        adm.new_fees([fee("F1", cnt="3")])
    assert err.value.violations[0].field == "feedetail[0].feedetl_sn"
    adm.cancel_fees(["F1"])
    with pytest.raises(ValidationFailed, match="cancelled"):
        adm.new_fees([fee("F1")])
    with pytest.raises(ValidationFailed, match="twice"):
        adm.new_fees([fee("F5"), fee("F5")])


def test_diagnoses_need_exactly_one_main():
    with pytest.raises(ValidationFailed, match="main diagnosis"):
        stay().discharge(T + timedelta(days=1), "NK02", "内科病区", "1", [diagnosis("0")])
    with pytest.raises(ValidationFailed, match="main diagnosis"):
        stay().change(diagnoses=[diagnosis(), diagnosis(code="K35.800")])
    with pytest.raises(ValidationFailed):
        stay().change(ipt_no="ZY2")  # the 住院号 is the claim's key: not changed by 2403


def test_a_discharge_before_the_admission_is_refused():
    with pytest.raises(ValidationFailed, match="endtime"):
        stay().discharge(T - timedelta(hours=1), "NK02", "内科病区", "1", [diagnosis()])


def test_every_payload_passes_the_catalogue():
    adm = discharged_with_fees()
    payloads = {"2401": wire.admission(adm), "2403": wire.admission_change(adm), "2402": wire.discharge(adm),
                "2404": wire.cancellation(adm), "2405": wire.cancellation(adm), "2301": wire.fee_upload(adm, adm.fees),
                "2302": wire.fee_cancel(adm, adm.fees), "2303": wire.settle(adm, True, "01"),
                "2304": wire.settle(adm, False, "01", "INV1"), "2305": wire.settlement_cancel(adm, "S1")}
    for infno, payload in payloads.items():
        assert validate_request(CATALOGUE, CATALOGUE.get(infno), payload) == [], infno
    assert payloads["2401"]["mdtrtinfo"]["ipt_no"] == "ZY0001"
    assert payloads["2401"]["mdtrtinfo"]["dscg_maindiag_code"] == "J18.900"
    assert payloads["2303"]["data"]["medfee_sumamt"] == Decimal("35.00")
    assert payloads["2303"]["data"]["mid_setl_flag"] == "0"
    assert payloads["2304"]["data"]["acct_used_flag"] == "0" and payloads["2304"]["data"]["invono"] == "INV1"
    assert all(r["med_type"] == "21" and r["mdtrt_id"] == "M1" for r in payloads["2301"]["feedetail"])


def test_5201_proves_a_2401_by_its_valid_stay_under_our_number():
    written = wire.admission(stay())
    query = OUTCOME_QUERIES["2401"]
    asked = query.payload(written, {})
    assert asked["data"]["begntime"] == "2026-03-02 00:00:00" and asked["data"]["med_type"] == "21"
    row = {"mdtrt_id": "M7", "ipt_otp_no": "ZY0001"}
    assert query.judge(written, {"mdtrtinfo": [row]}, {}).output == {"result": {"mdtrt_id": "M7"}}
    assert query.judge(written, {"mdtrtinfo": [dict(row, vali_flag="0")]}, {}).applied is False
    assert query.judge(written, {"mdtrtinfo": [dict(row, ipt_otp_no="ZY0002")]}, {}).applied is False
    assert query.judge(written, {"mdtrtinfo": [row, dict(row, mdtrt_id="M8")]}, {}).applied is None
    assert query.preferred  # asked before 冲正


def test_2401_reply_reads_its_mdtrt_id():
    assert wire.mdtrt_id_of({"result": {"mdtrt_id": "M3"}}) == "M3"
    assert wire.mdtrt_id_of({}) == ""
