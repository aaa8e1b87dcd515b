"""The translation modules: what goes on the wire reads back as the same visit / fees (the resolver
rebuilds them from the journal when a process died before recording the platform's answer)."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from decimal import Decimal

from domain.visit import FeeItem, Visit, VisitState
from services.translation import fees, settlements, visits

AT = datetime(2026, 12, 7, 9, 30, 5)


def _visit() -> Visit:
    return Visit(id="v1", psn_no="42000000000000000001", insutype="310", med_type="11", mdtrt_cert_type="02",
                 mdtrt_cert_no="420106199001011234", ipt_otp_no="MZ0001", begntime=AT, dept_code="A03",
                 dept_name="内科", caty="A03", atddr_no="D420100000001", dr_name="张医生",
                 insuplc_admdvs="420100", state=VisitState.REGISTERED, mdtrt_id="M1")


def _items() -> list[FeeItem]:
    return [FeeItem(feedetl_sn="F1", chrg_bchno="B1", med_list_codg="001102000010000", medins_list_codg="H01",
                    det_item_fee_sumamt=Decimal("25.00"), cnt=Decimal("2"), pric=Decimal("12.50"),
                    fee_ocur_time=AT, bilg_dept_codg="A03", bilg_dept_name="内科",
                    bilg_dr_codg="D420100000001", bilg_dr_name="张医生")]


def test_2201a_carries_med_type_and_2201_does_not():
    assert visits.registration(_visit(), with_med_type=True)["data"]["med_type"] == "11"
    assert "med_type" not in visits.registration(_visit(), with_med_type=False)["data"]


def test_a_journaled_registration_reads_back_as_the_visit_sent():
    sent = _visit()
    journaled = {"insuplc_admdvs": "420100", "input": visits.registration(sent, with_med_type=True)}
    back = visits.visit_from_registration("v1", journaled, {"data": {"mdtrt_id": "M1"}})
    keep = ("psn_no", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no", "ipt_otp_no", "begntime",
            "dept_code", "dept_name", "caty", "atddr_no", "dr_name", "insuplc_admdvs", "mdtrt_id")
    assert {k: getattr(back, k) for k in keep} == {k: getattr(sent, k) for k in keep}


def test_a_journaled_fee_upload_reads_back_with_the_platforms_classification():
    sent = _items()
    reply = {"result": [{"feedetl_sn": "F1", "chrgitm_lv": "01", "med_chrgitm_type": "09",
                         "fulamt_ownpay_amt": "0", "inscp_scp_amt": "25"}]}
    back = fees.fees_from_upload({"input": fees.upload(_visit(), sent)}, reply)
    fees.classify(sent, reply)
    same = [f.name for f in fields(FeeItem) if f.name != "medins_list_name"]  # the HIS's name never travels
    assert [{k: getattr(i, k) for k in same} for i in back] == [{k: getattr(i, k) for k in same} for i in sent]
    assert back[0].inscp_scp_amt == Decimal("25.00") and back[0].chrgitm_lv == "01"


def test_2207_repeats_the_batch_classification_totals_and_2206_does_not():
    visit = _visit()
    items = _items()
    fees.classify(items, {"result": [{"feedetl_sn": "F1", "preselfpay_amt": "1.205", "inscp_scp_amt": "23.80"}]})
    visit.fees.extend(items)
    settle = settlements.settle(visit, "B1", acct_used=True, psn_setlway="01", invono="INV1")["data"]
    assert settle["medfee_sumamt"] == Decimal("25.00") and settle["invono"] == "INV1"
    assert settle["preselfpay_amt"] == Decimal("1.21") and settle["inscp_scp_amt"] == Decimal("23.80")
    assert "preselfpay_amt" not in settlements.settle(visit, "B1", acct_used=False, psn_setlway="01")["data"]
