"""Reading a query's answer into what became of a lost write (services.outcome_queries)."""
from __future__ import annotations

from decimal import Decimal

from services.outcome_queries import OUTCOME_QUERIES

REGISTRATION = {"data": {"psn_no": "P1", "ipt_otp_no": "MZ001", "begntime": "2026-03-02 09:40:00", "insutype": "310"}}
UPLOAD = {"feedetail": [{"feedetl_sn": sn, "psn_no": "P1", "mdtrt_id": "M1"} for sn in ("B1-1", "B1-2")]}


def test_registration_is_looked_up_on_its_day_by_its_outpatient_number():
    q = OUTCOME_QUERIES["2201"]
    assert q.infno == "5201"
    assert q.payload(REGISTRATION, {}) == {"data": {"psn_no": "P1", "begntime": "2026-03-02 00:00:00",
                                                "endtime": "2026-03-02 23:59:59", "med_type": "11", "mdtrt_id": ""}}
    with_type = {"data": {**REGISTRATION["data"], "med_type": "14"}}
    assert OUTCOME_QUERIES["2201A"].payload(with_type, {})["data"]["med_type"] == "14"
    assert q.payload({"data": {"psn_no": "P1"}}, {}) is None  # nothing to recognise it by


def test_registration_verdicts():
    judge = OUTCOME_QUERIES["2201"].judge
    other = {"mdtrt_id": "M0", "ipt_otp_no": "MZ000"}
    ours = {"mdtrt_id": "M9", "ipt_otp_no": "MZ001"}
    applied = judge(REGISTRATION, {"mdtrtinfo": [other, ours]}, {})
    assert applied.applied is True
    assert applied.output == {"data": {"mdtrt_id": "M9", "psn_no": "P1", "ipt_otp_no": "MZ001"}}
    assert judge(REGISTRATION, {"mdtrtinfo": [other]}, {}).applied is False
    assert judge(REGISTRATION, {"mdtrtinfo": []}, {}).applied is False
    assert judge(REGISTRATION, {"mdtrtinfo": [ours, dict(ours, mdtrt_id="M8")]}, {}).applied is None
    assert judge(REGISTRATION, {"mdtrtinfo": [dict(ours, mdtrt_id=None)]}, {}).applied is None


def test_fee_upload_verdicts():
    q = OUTCOME_QUERIES["2204"]
    assert q.infno == "5204"
    assert q.payload(UPLOAD, {}) == {"data": {"psn_no": "P1", "mdtrt_id": "M1", "setl_id": ""}}
    row = lambda sn: {"feedetl_sn": sn, "chrgitm_lv": "01", "fulamt_ownpay_amt": Decimal("0.00")}  # noqa: E731
    applied = q.judge(UPLOAD, {"output": [row("B0-1"), row("B1-2"), row("B1-1")]}, {})
    assert applied.applied is True
    assert [r["feedetl_sn"] for r in applied.output["result"]] == ["B1-1", "B1-2"]  # in the upload's order
    assert applied.output["result"][0]["chrgitm_lv"] == "01"
    assert q.judge(UPLOAD, {"output": [row("B0-1")]}, {}).applied is False
    partial = q.judge(UPLOAD, {"output": [row("B1-1")]}, {})
    assert partial.applied is None and "1 of the 2" in partial.evidence


def test_payment_and_revocation_verdicts():
    pay = {"data": {"payOrdId": "ORD1", "orgCodg": "H1", "payToken": "T", "idNo": "4201", "userName": "张三",
                    "idType": "01", "payAuthNo": "A"}}
    q = OUTCOME_QUERIES["6202"]
    assert q.infno == "6301"
    assert q.payload(pay, {}) == {"data": {"payOrdId": "ORD1", "orgCodg": "H1", "payToken": "T", "idNo": "4201",
                                       "userName": "张三", "idType": "01"}}
    assert q.payload({"data": {"payOrdId": "ORD1", "orgCodg": "H1", "payToken": "T"}}, {}) is None  # no identity
    paid = q.judge(pay, {"data": {"payOrdId": "ORD1", "ordStas": "6", "fundPay": Decimal("7.00")}}, {})
    assert paid.applied is True and paid.output["data"]["fundPay"] == Decimal("7.00")
    assert q.judge(pay, {"data": {"ordStas": "8"}}, {}).applied is True  # paid, refunded since
    assert q.judge(pay, {"data": {"ordStas": "0"}}, {}).applied is False
    assert q.judge(pay, {"data": {"ordStas": "1"}}, {}).applied is None  # still processing
    revoke = OUTCOME_QUERIES["6401"]
    assert revoke.judge(pay, {"data": {"ordStas": "12"}}, {}).applied is True
    assert revoke.judge(pay, {"data": {"ordStas": "0"}}, {}).applied is False
    assert revoke.judge(pay, {"data": {"ordStas": "6"}}, {}).applied is None


REGISTERED = {"2201A": [{"data": {"psn_no": "P1", "begntime": "2026-03-02 09:10:00", "med_type": "11",
                                  "ipt_otp_no": "MZ1"}}]}


def test_a_cancelled_registration_is_proved_by_its_visit_missing_from_5201():
    q = OUTCOME_QUERIES["2202"]
    cancel = {"data": {"psn_no": "P1", "mdtrt_id": "M1", "ipt_otp_no": "MZ1"}}
    assert q.payload(cancel, REGISTERED) == {"data": {"psn_no": "P1", "begntime": "2026-03-02 00:00:00",
                                                      "endtime": "2026-03-02 23:59:59", "med_type": "11",
                                                      "mdtrt_id": "M1"}}
    assert q.payload(cancel, {}) is None  # its registration unknown: absence would prove nothing
    assert q.judge(cancel, {"mdtrtinfo": []}, REGISTERED).applied is True
    assert q.judge(cancel, {"mdtrtinfo": [{"mdtrt_id": "M1"}]}, REGISTERED).applied is False


def test_a_cancelled_fee_batch_is_proved_by_its_rows_missing_from_5204():
    q = OUTCOME_QUERIES["2205"]
    uploads = {"2204": [{"feedetail": [{"feedetl_sn": "B1-1", "chrg_bchno": "B1"}, {"feedetl_sn": "B1-2", "chrg_bchno": "B1"},
                                       {"feedetl_sn": "B2-1", "chrg_bchno": "B2"}]}]}
    cancel = {"data": {"psn_no": "P1", "mdtrt_id": "M1", "chrg_bchno": "B1"}}
    assert q.payload(cancel, uploads) == {"data": {"psn_no": "P1", "mdtrt_id": "M1", "setl_id": ""}}
    assert q.payload(cancel, {}) is None
    assert q.judge(cancel, {"output": [{"feedetl_sn": "B2-1"}]}, uploads).applied is True
    assert q.judge(cancel, {"output": [{"feedetl_sn": "B1-1"}, {"feedetl_sn": "B1-2"}]}, uploads).applied is False
    assert q.judge(cancel, {"output": [{"feedetl_sn": "B1-2"}]}, uploads).applied is None


def test_a_cancelled_visit_listed_as_invalid_proves_the_cancellation_too():
    q = OUTCOME_QUERIES["2202"]
    cancel = {"data": {"psn_no": "P1", "mdtrt_id": "M1", "ipt_otp_no": "MZ1"}}
    assert q.judge(cancel, {"mdtrtinfo": [{"mdtrt_id": "M1", "vali_flag": "0"}]}, REGISTERED).applied is True
    assert q.judge(cancel, {"mdtrtinfo": [{"mdtrt_id": "M1", "vali_flag": "1"}]}, REGISTERED).applied is False
