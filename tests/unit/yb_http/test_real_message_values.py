"""Real platform replies through the HTTP adapter, checked against values read off the files by eye.

Every expected value below is a literal copied from tests/fixtures/real_replies (the project's
copy of the spec's real-replies): ids, amounts (as Decimal literals with the two places money
carries), infcode as a number and as a string, the negative amounts of reversals. Nothing is
computed by the code under test. The body each reply arrives in is the file's text as captured,
not a re-encoding of it.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_http.wire import normalise_infcode
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformRefused, PlatformRequest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real_replies"
D = Decimal


def captured_text(name: str) -> bytes:
    """The `message` of a fixture exactly as found: number literals (4.52, -25.1, 41509.00), spacing
    ("infcode": "0"), key order."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    start = re.search(r'"message"\s*:\s*', text).end()
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[start:end].encode("utf-8")


def receive(fixture: str, infno: str):
    """Send one request through the HTTP adapter; the platform answers with the captured reply."""
    body = captured_text(fixture)
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, content=body, headers={"Content-Type": "application/json;charset=UTF-8"}))
    platform = HttpPlatform(HttpSettings(url="http://yb.test/fsi/api/rsfComIfsService/callService", paasid="p",
                                         token="t"), Institution(), load_catalogue(), transport=transport)
    return platform.execute(PlatformRequest(infno, "H42010600001202401151030450001", {}, Operator("1022", "张三"),
                                            datetime(2024, 1, 15, 10, 30, 45)))


def money_text(value) -> str:
    assert isinstance(value, Decimal), repr(value)
    return str(value)


def test_2207_outpatient_settlement():
    reply = receive("2207-response-1.json", "2207")
    setl = reply.output["setlinfo"]
    assert setl["setl_id"] == "400125241"
    assert setl["mdtrt_id"] == "300179916"
    assert setl["medins_setl_id"] == "H13110200026202111291809520478"
    assert (setl["medfee_sumamt"], setl["fund_pay_sumamt"], setl["psn_part_amt"], setl["acct_pay"],
            setl["psn_cash_pay"]) == (D("4.52"), D("0"), D("4.52"), D("4.52"), D("0"))
    assert (setl["inscp_scp_amt"], setl["act_pay_dedc"], setl["preselfpay_amt"], setl["balc"]) == \
        (D("4.29"), D("4.29"), D("0.23"), D("1373.63"))
    # money keeps two places whatever the sender wrote (4.52, 0, 1373.63)
    assert [money_text(setl[k]) for k in ("medfee_sumamt", "psn_cash_pay", "balc")] == ["4.52", "0.00", "1373.63"]
    detail = reply.output["setldetail"]
    assert [(d["fund_pay_type"], d["fund_payamt"], d["inscp_scp_amt"]) for d in detail] == \
        [("310200", D("4.52"), D("4.29"))]
    assert reply.inf_refmsgid == "500000202107141108170000514555"


def test_2208_reversal_amounts_are_negative():
    setl = receive("2208-response-1.json", "2208").output["setlinfo"]
    assert setl["setl_id"] == "400120618"
    # as written: -25.1, -24.87, -0.23; psn_part_amt and hosp_part_amt null
    assert (setl["medfee_sumamt"], setl["acct_pay"], setl["inscp_scp_amt"], setl["act_pay_dedc"],
            setl["preselfpay_amt"]) == (D("-25.10"), D("-25.10"), D("-24.87"), D("-24.87"), D("-0.23"))
    assert money_text(setl["medfee_sumamt"]) == "-25.10"
    assert setl["psn_part_amt"] is None and setl["hosp_part_amt"] is None
    assert setl["balc"] == D("1378.15")


def test_2305_inpatient_reversal_amounts_are_negative():
    output = receive("2305-response-1.json", "2305").output
    setl = output["setlinfo"]
    assert setl["setl_id"] == "300001010540" and setl["mdtrt_id"] == "310001913300"
    assert (setl["medfee_sumamt"], setl["fund_pay_sumamt"], setl["psn_cash_pay"], setl["fulamt_ownpay_amt"],
            setl["overlmt_selfpay"], setl["preselfpay_amt"]) == \
        (D("-3379.26"), D("-2039.39"), D("-1307.01"), D("-956.34"), D("-186.31"), D("-197.22"))
    assert [(d["fund_pay_type"], d["fund_payamt"]) for d in output["setldetail"]] == \
        [("330100", D("-2039.39")), ("999997", D("-32.86"))]


def test_2304_inpatient_settlement_large_amounts():
    setl = receive("2304-response-1.json", "2304").output["setlinfo"]
    assert setl["setl_id"] == "300014497225"
    assert (setl["medfee_sumamt"], setl["fund_pay_sumamt"], setl["psn_part_amt"], setl["acct_pay"],
            setl["psn_cash_pay"], setl["hosp_part_amt"]) == \
        (D("23442.46"), D("18785.39"), D("4152.06"), D("170.04"), D("3982.02"), D("505.01"))


def test_1101_person_with_a_big_balance():
    output = receive("1101-response-1.json", "1101").output
    assert output["baseinfo"]["psn_no"] == "801874939"
    assert output["baseinfo"]["age"] == D("50.2")
    insurance = output["insuinfo"][0]
    assert (insurance["insutype"], insurance["insuplc_admdvs"]) == ("310", "310115")
    assert money_text(insurance["balc"]) == "41509.00"  # written 41509.00: never 41509.0 or 41509


def test_2201_a_thirty_digit_mdtrt_id_stays_text():
    data = receive("2201-response-2.json", "2201").output["data"]
    assert data["mdtrt_id"] == "330000164273872766400005212141"
    assert data["psn_no"] == "33010000000000000001139482"


@pytest.mark.parametrize("fixture, infno, written", [
    ("1101-response-1.json", "1101", 0),  # a JSON number
    ("2207-response-1.json", "2207", 0),
    ("1101-response-3.json", "1101", "0"),  # a JSON string
    ("2301-response-2.json", "2301", "0"),  # a string, after a space
    ("5261-response-1.json", "5261", "0"),
])
def test_infcode_zero_as_number_or_string_is_success(fixture, infno, written):
    assert json.loads(captured_text(fixture))["infcode"] == written  # the fixture is what it claims
    assert receive(fixture, infno).output is not None


def test_infcode_string_zero_reply_values():
    rows = receive("2301-response-2.json", "2301").output["result"]
    assert [(r["feedetl_sn"], r["det_item_fee_sumamt"], r["fulamt_ownpay_amt"], r["inscp_scp_amt"], r["chrgitm_lv"])
            for r in rows] == [("5447029818475557845", D("1.50"), D("1.50"), D("0.00"), "03"),
                               ("5134031906428358051", D("2.00"), D("0.00"), D("2.00"), "01")]
    assert [money_text(r["det_item_fee_sumamt"]) for r in rows] == ["1.50", "2.00"]  # written 1.5 and 2.0


@pytest.mark.parametrize("fixture, infno, err_msg", [
    ("2601-response-1.json", "2601", "FSI-调用业务基础子系统冲正失败:冲正的结算信息退费结算标志不为未退费，不能办理冲正交易"
                                     "[iptPsnSetlMgtBO_4412][outpatientSettleBO_40]"),
    ("2401-response-1.json", "2401", "FSI-FMI返回：该人员是在院状态不能办理入院，在院信息：机构编号：H33018300563机构名称："
                                     "杭州市第一测试医院HospitalRegisterBO"),
    ("3103-response-1.json", "3103", "就诊凭证编号不能为空(8f6b6ff99132423898ac53f143718e23@10.70.130.148)"),
])
def test_infcode_minus_one_is_a_refusal_with_the_platforms_words(fixture, infno, err_msg):
    with pytest.raises(PlatformRefused) as refused:
        receive(fixture, infno)
    assert refused.value.infcode == -1
    assert refused.value.err_msg == err_msg
    assert refused.value.inf_refmsgid == ""  # null or "" in these replies


@pytest.mark.parametrize("written, code", [
    (0, 0), ("0", 0), (" 0 ", 0), (-1, -1), ("-1", -1), (D("0"), 0), (D("-1"), -1),
    (None, None), ("", None), ("ok", None), (True, None), (D("0.5"), None),
])
def test_infcode_normalised(written, code):
    assert normalise_infcode(written) == code


def test_9001_success_with_err_msg_success():
    reply = receive("9001-response-2.json", "9001")
    assert reply.output["signinoutb"] == {"sign_no": "680003", "sign_time": "2022-01-21 00:00:00"}
    assert reply.inf_refmsgid == "330000202201211447420159618450"
