"""The hospital's endpoint for the platform's 7102 / 7103 notices, over a real socket: an FSI reply
to each POST, infcode 0 once recorded (again 0 for the same notice, with one effect), -1 with err_msg
for what it cannot take, nothing recorded then."""
from __future__ import annotations

import json
import urllib.request

import pytest
from rxkit import DOCTOR, Clinic

from domain.prescriptions import RxState
from services.prescriptions import Circulate


@pytest.fixture
def clinic(app, simulator):
    return Clinic(app, simulator)


@pytest.fixture
def endpoint(app):
    return app.start_notice_endpoint("127.0.0.1:0")


def post(url: str, body: bytes) -> dict:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read().decode("utf-8"))


def review(hi_rxno: str, **over) -> dict:
    data = {"hi_rxno": hi_rxno, "fixmedins_name": "示范大药房", "fixmedins_code": "P42010600009",
            "phar_name": "李药师", "rchk_phar_name": "赵药师", "rx_chk_stas_codg": "1", "rx_chk_opnn": "通过",
            "rx_chk_time": "2026-12-07 10:30:00", **over}
    return {"data": data}


def envelope(infno: str, payload: dict, msgid: str = "YBPT4220261207103000001") -> bytes:
    return json.dumps({"infno": infno, "msgid": msgid, "input": payload}, ensure_ascii=False).encode()


def uploaded(clinic) -> str:
    e = clinic.insured_encounter()
    return clinic.rx.circulate(DOCTOR, clinic.prescribe(e.id).id, Circulate("刘药师"))


def test_a_review_is_recorded_once_however_often_it_comes(clinic, endpoint):
    rx = uploaded(clinic)
    first = post(endpoint.url, envelope("7102", review(rx.hi_rxno)))
    again = post(endpoint.url, envelope("7102", review(rx.hi_rxno), msgid="YBPT4220261207103000002"))
    assert (first["infcode"], again["infcode"]) == (0, 0)
    stored = clinic.rx.get(rx.id)
    assert stored.state is RxState.APPROVED and len(stored.reviews) == 1
    assert stored.reviews[0].pharmacy_name == "示范大药房"


@pytest.mark.parametrize("body, says", [
    (b"not json", "JSON"),
    (b"[1, 2]", "JSON"),
    (json.dumps({"infno": "2207", "msgid": "M1", "input": {}}).encode(), "2207"),
    (json.dumps({"infno": "7102", "input": {}}).encode(), "msgid"),
    (envelope("7102", {"data": {"hi_rxno": "X"}}), "入参校验失败"),
    (envelope("7103", {"data": {"hi_rxno": "X", "fund_pay_sumamt": "abc"}}), "入参校验失败"),
])
def test_a_bad_envelope_is_answered_minus_one(endpoint, body, says):
    answer = post(endpoint.url, body)
    assert answer["infcode"] == -1 and says in answer["err_msg"]


def test_an_unknown_hi_rxno_is_answered_minus_one_and_changes_nothing(clinic, endpoint):
    rx = uploaded(clinic)
    answer = post(endpoint.url, envelope("7102", review("420106RXNOSUCH0000000001")))
    assert answer["infcode"] == -1 and "420106RXNOSUCH" in answer["err_msg"]
    assert clinic.rx.get(rx.id).state is RxState.UPLOADED


def test_a_purchase_of_a_revoked_prescription_is_refused(clinic, endpoint):
    rx = uploaded(clinic)
    clinic.rx.revoke(DOCTOR, rx.id, "患者不需要")
    purchase = {"data": {"hi_rxno": rx.hi_rxno, "fund_pay_sumamt": "10.00", "psn_part_amt": "2.80",
                         "acct_pay": "2.80", "psn_cash_pay": "0.00", "setl_time": "2026-12-07 11:00:00"},
                "seltdelts": [{"drug_dosform": "胶囊剂", "drug_spec": "0.25g*24粒", "drug_totlcnt": "1",
                               "prdr_name": "示范制药有限公司", "pric": "12.80", "total_unit": "盒", "sumamt": "12.80"}]}
    answer = post(endpoint.url, envelope("7103", purchase))
    assert answer["infcode"] == -1 and "REVOKED" in answer["err_msg"]
    assert clinic.rx.get(rx.id).purchase is None


def test_a_malformed_or_stalled_request_holds_nothing_and_the_next_one_is_answered(endpoint):
    import socket

    host, port = endpoint.host, endpoint.port
    with socket.create_connection((host, port), timeout=10) as bad:
        bad.sendall(b"POST /yb/notify HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        assert bad.recv(200).split(b"\r\n", 1)[0].endswith(b"400 Bad Request")  # answered, not crashed
    stalled = socket.create_connection((host, port), timeout=10)  # says 100 bytes, sends 5, then waits
    stalled.sendall(b"POST /yb/notify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"in")
    try:
        reply = post(endpoint.url, envelope("7102", {"data": {}}))  # another sender meanwhile
        assert reply["infcode"] == -1  # answered (the input is refused), not queued behind the stalled one
    finally:
        stalled.close()
