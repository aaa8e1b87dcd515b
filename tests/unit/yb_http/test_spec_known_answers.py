"""Known answers taken from the interface spec itself, not from our code.

The HIS client and the simulator share one signature function, one envelope builder and one JSON
codec (adapters.yb_http.wire, ports.jsoncodec): a fault common to both passes every round trip
between them. These tests pin each of them to values written down outside the project: the x-tif
test vector and the envelope field list of the spec's envelope.json (copied here as literals; the
project never reads ../shared at test time), and a real request envelope from
tests/fixtures/real_replies.
"""
from __future__ import annotations

import hashlib
import json
import sys
import re
import secrets
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from adapters.yb_http import wire
from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim import SimulatorHttpFront, SimulatorPlatform
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.clock import Clock
from ports.jsoncodec import encode_json
from ports.platform import PlatformRequest, make_msgid
from services.platform_gateway import PlatformGateway

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real_replies"


def _shared_fakes():
    return sys.modules["tests_shared_fakes"]  # tests/fakes.py, registered by tests/conftest.py

# ---- ../shared/spec/envelope.json → gateway_headers.signature.test_vector (copied verbatim) ----
VECTOR_TS = "1705285845"
VECTOR_TOKEN = "testapptoken"
VECTOR_NONCE = "a1b2c3"
VECTOR_SHA256_INPUT = "1705285845testapptokena1b2c31705285845"
VECTOR_SIGNATURE = "4af8682e42632e37c5a8c8dd053433eb0e517745e22cebe5edd9155c5b220e39"
# The same four parts in a wrong order (ts + nonce + token + ts): sha256 of
# "1705285845a1b2c3testapptoken1705285845", worked out once with `sha256sum`. A verifier that
# accepts it does not follow the spec's formula.
WRONG_ORDER_SIGNATURE = "ac3efce07b4aa48b7f4a55031a06e92db1b98dd83f03627cf42e928d11ae7fec"

# ---- ../shared/spec/envelope.json → request.fields, in the order the spec lists them ----
SPEC_REQUEST_FIELDS = [
    "infno", "msgid", "mdtrtarea_admvs", "insuplc_admdvs", "recer_sys_code", "dev_no", "dev_safe_info",
    "cainfo", "signtype", "infver", "opter_type", "opter", "opter_name", "inf_time", "fixmedins_code",
    "fixmedins_name", "sign_no", "input",
]


class FixedClock(Clock):
    def __init__(self, now: datetime):
        self.current = now

    def now(self) -> datetime:
        return self.current


def fixture_message(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)["message"]


def fixture_message_text(name: str) -> bytes:
    """The `message` of a fixture exactly as the capture wrote it (number literals, spacing, key order)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    start = re.search(r'"message"\s*:\s*', text).end()
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[start:end].encode("utf-8")


# ---- x-tif signature -----------------------------------------------------------------------------
def test_the_vector_as_copied_is_self_consistent():
    # guards the copy above, independently of our code
    assert hashlib.sha256(VECTOR_SHA256_INPUT.encode("utf-8")).hexdigest() == VECTOR_SIGNATURE
    assert VECTOR_SHA256_INPUT == VECTOR_TS + VECTOR_TOKEN + VECTOR_NONCE + VECTOR_TS


def test_signature_is_the_spec_vector():
    assert wire.signature(VECTOR_TS, VECTOR_TOKEN, VECTOR_NONCE) == VECTOR_SIGNATURE


def test_gateway_headers_are_the_spec_vector():
    assert wire.gateway_headers("H42010600001", VECTOR_TOKEN, int(VECTOR_TS), VECTOR_NONCE) == {
        "x-tif-paasid": "H42010600001",
        "x-tif-timestamp": "1705285845",
        "x-tif-nonce": "a1b2c3",
        "x-tif-signature": "4af8682e42632e37c5a8c8dd053433eb0e517745e22cebe5edd9155c5b220e39",
        "Content-Type": "application/json;charset=UTF-8",
    }


class Capture(httpx.BaseTransport):
    """Keeps every request the adapter sends and answers with a real platform reply."""

    def __init__(self, replies: dict[str, bytes]):
        self.replies = replies
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        infno = json.loads(request.content)["infno"]
        return httpx.Response(200, content=self.replies[infno], headers={"Content-Type": "application/json"})


def test_http_adapter_sends_the_spec_vector_headers(monkeypatch):
    monkeypatch.setattr(secrets, "token_hex", lambda _n=None: VECTOR_NONCE)  # the nonce the vector uses
    capture = Capture({"9001": fixture_message_text("9001-response-1.json")})
    platform = HttpPlatform(HttpSettings(url="http://yb.test/fsi/api/rsfComIfsService/callService",
                                         paasid="his-paas", token=VECTOR_TOKEN),
                            Institution(), load_catalogue(), transport=capture, epoch=lambda: 1705285845.0)
    platform.execute(PlatformRequest("9001", "H42010600001202401151030450001",
                                     {"signIn": {"opter_no": "1022", "mac": "", "ip": "127.0.0.1"}},
                                     Operator("1022", "张三"), datetime(2024, 1, 15, 10, 30, 45)))
    headers = capture.sent[0].headers
    assert headers["x-tif-paasid"] == "his-paas"
    assert headers["x-tif-timestamp"] == "1705285845"
    assert headers["x-tif-nonce"] == "a1b2c3"
    assert headers["x-tif-signature"] == VECTOR_SIGNATURE


# A 9001 request envelope written out by hand after the spec's example (request.example): the
# simulator's front must take it when the headers carry the spec's vector. (The msgid's sequence
# is left open: the simulator refuses a msgid it has seen.)
SIGN_IN_BODY = (
    '{"infno":"9001","msgid":"H4201060000120240115103045%04d","mdtrtarea_admvs":"420106",'
    '"insuplc_admdvs":"","recer_sys_code":"YBXT","dev_no":"","dev_safe_info":"","cainfo":"","signtype":"",'
    '"infver":"V1.0","opter_type":"1","opter":"1022","opter_name":"张三","inf_time":"2024-01-15 10:30:45",'
    '"fixmedins_code":"H42010600001","fixmedins_name":"某某医院","sign_no":"",'
    '"input":{"signIn":{"opter_no":"1022","mac":"","ip":"127.0.0.1"}}}'
)


@pytest.fixture
def vector_front():
    # the vector's timestamp is from 2024: a window wide enough to accept it
    front = SimulatorHttpFront(SimulatorPlatform(), paasid="his-paas", token=VECTOR_TOKEN, window_seconds=10 ** 10)
    front.start()
    yield front
    front.stop()


def _post(front, signature: str, seq: int = 1) -> httpx.Response:
    headers = {"x-tif-paasid": "his-paas", "x-tif-timestamp": VECTOR_TS, "x-tif-nonce": VECTOR_NONCE,
               "x-tif-signature": signature, "Content-Type": "application/json;charset=UTF-8"}
    body = (SIGN_IN_BODY % seq).encode("utf-8")
    return httpx.post(front.url, content=body, headers=headers, timeout=5)


def test_simulator_front_accepts_the_spec_vector(vector_front):
    for seq, signature in enumerate((VECTOR_SIGNATURE, VECTOR_SIGNATURE.upper()), 1):  # the spec: both cases
        response = _post(vector_front, signature, seq)
        assert response.status_code == 200, response.text
        reply = json.loads(response.content)
        assert reply["infcode"] == 0 and reply["output"]["signinoutb"]["sign_no"]


def test_simulator_front_refuses_the_parts_in_another_order(vector_front):
    response = _post(vector_front, WRONG_ORDER_SIGNATURE)
    assert response.status_code == 401
    assert json.loads(response.content)["code"] == 400001


# ---- envelope ------------------------------------------------------------------------------------
def _spec_example_request(input: dict) -> tuple[PlatformRequest, Institution]:
    """The values of the spec's request.example (2207, 2024-01-15 10:30:45, 张三 1022 ...)."""
    institution = Institution(fixmedins_code="H42010600001", fixmedins_name="某某医院", mdtrtarea_admvs="420106",
                              recer_sys_code="YBXT", infver="V1.0")
    request = PlatformRequest(infno="2207", msgid="H42010600001202401151030450001", input=input,
                              operator=Operator("1022", "张三", "1"), inf_time=datetime(2024, 1, 15, 10, 30, 45),
                              sign_no="651918", insuplc_admdvs="420106")
    return request, institution


def test_envelope_fields_are_the_spec_list_in_its_order():
    request, institution = _spec_example_request({"data": {"psn_no": "P1"}})
    assert list(wire.build_envelope(request, institution)) == SPEC_REQUEST_FIELDS


def test_envelope_values_are_the_spec_example():
    request, institution = _spec_example_request({"data": {"psn_no": "P1"}})
    # request.example of envelope.json, field by field (its input is illustrative: ours here)
    assert wire.build_envelope(request, institution) == {
        "infno": "2207", "msgid": "H42010600001202401151030450001", "mdtrtarea_admvs": "420106",
        "insuplc_admdvs": "420106", "recer_sys_code": "YBXT", "dev_no": "", "dev_safe_info": "", "cainfo": "",
        "signtype": "", "infver": "V1.0", "opter_type": "1", "opter": "1022", "opter_name": "张三",
        "inf_time": "2024-01-15 10:30:45", "fixmedins_code": "H42010600001", "fixmedins_name": "某某医院",
        "sign_no": "651918", "input": {"data": {"psn_no": "P1"}},
    }


def test_envelope_rebuilds_a_real_request():
    """3103-request-1.json is a request a real HIS sent (Putian, Fujian): the same values through our
    builder give the same envelope (key order aside: the capture's order is arbitrary)."""
    real = fixture_message("3103-request-1.json")
    institution = Institution(fixmedins_code="H35030200090", fixmedins_name="莆田市第一医院",
                              mdtrtarea_admvs="350302", recer_sys_code="MBS_LOCAL", infver="V1.0")
    request = PlatformRequest(infno="3103", msgid="H35030200090202606120922374767", input=real["input"],
                              operator=Operator("18454", "高志森", "1"), inf_time=datetime(2026, 6, 12, 9, 22, 37),
                              sign_no="25483790", insuplc_admdvs="350303")
    assert wire.build_envelope(request, institution) == real


def test_wire_body_carries_the_fields_in_the_spec_order_and_exact_numbers():
    capture = Capture({"2207": fixture_message_text("2207-response-1.json")})
    request, institution = _spec_example_request({"data": {
        "psn_no": "P1", "medfee_sumamt": Decimal("41509.00"), "fulamt_ownpay_amt": Decimal("0.30"),
        "overlmt_selfpay": Decimal("-25.10"), "preselfpay_amt": Decimal("0.1") + Decimal("0.2"),
        "inscp_scp_amt": Decimal("0")}})
    platform = HttpPlatform(HttpSettings(url="http://yb.test/x", paasid="p", token="t"), institution,
                            load_catalogue(), transport=capture)
    platform.execute(request)
    body = capture.sent[0].content.decode("utf-8")
    pairs = json.loads(body, object_pairs_hook=lambda kv: kv, parse_float=str)
    assert [k for k, _ in pairs] == SPEC_REQUEST_FIELDS
    # numbers as the platform writes them (JSON numbers, two places kept; never through a float)
    for field, text in (("medfee_sumamt", "41509.00"), ("fulamt_ownpay_amt", "0.30"), ("overlmt_selfpay", "-25.10"),
                        ("preselfpay_amt", "0.3"), ("inscp_scp_amt", "0")):
        assert re.search(rf'"{field}"\s*:\s*{re.escape(text)}\s*[,}}]', body), (field, body)
    assert "张三" in body and "某某医院" in body  # UTF-8 text, not \\u escapes


@pytest.mark.parametrize("value, text", [
    (Decimal("41509.00"), "41509.00"),  # 1101-response-1.json: "balc":41509.00
    (Decimal("0.30"), "0.30"),
    (Decimal("0.1") + Decimal("0.2"), "0.3"),  # exact sum, no float noise (0.30000000000000004)
    (Decimal("-25.10"), "-25.10"),
    (Decimal("4.520000"), "4.520000"),  # 单价 16,6: the scale given is the scale sent
    (Decimal("1E+2"), "100"),  # never exponent notation on the wire
    (Decimal("0E-8"), "0.00000000"),
])
def test_json_numbers_are_written_exactly(value, text):
    assert encode_json({"a": value}) == '{"a":' + text + "}"
    assert encode_json([value]) == "[" + text + "]"


# ---- msgid ---------------------------------------------------------------------------------------
def test_msgid_is_institution_time_and_four_digits():
    # envelope.json → msgid.example: "H50015501017202109240828271037" (fixmedins 12 + time 14 + seq 4)
    assert make_msgid("H50015501017", datetime(2021, 9, 24, 8, 28, 27), 1037) == "H50015501017202109240828271037"
    # 3103-request-1.json: a real HIS's msgid, "H35030200090202606120922374767"
    assert make_msgid("H35030200090", datetime(2026, 6, 12, 9, 22, 37), 4767) == "H35030200090202606120922374767"
    assert make_msgid("H42010600001", datetime(2024, 1, 5, 3, 4, 5), 7) == "H42010600001202401050304050007"
    assert len(make_msgid("H42010600001", datetime(2024, 1, 5, 3, 4, 5), 9999)) == 30
    with pytest.raises(OverflowError):
        make_msgid("H42010600001", datetime(2024, 1, 5, 3, 4, 5), 10000)  # 4 digits, never 5


def test_gateway_sends_msgids_of_the_spec_format_with_the_call_time():
    """Through the gateway and the HTTP adapter: sign-in then 1101 at 2024-01-15 10:30:45, answered
    by real replies; the msgids on the wire are the institution code, the call time and 0001, 0002."""
    capture = Capture({"9001": fixture_message_text("9001-response-1.json"),
                       "1101": fixture_message_text("1101-response-1.json")})
    institution = Institution(fixmedins_code="H42010600001")
    catalogue = load_catalogue()
    platform = HttpPlatform(HttpSettings(url="http://yb.test/x", paasid="p", token="t"), institution, catalogue,
                            transport=capture)
    fakes = _shared_fakes()
    clock = FixedClock(datetime(2024, 1, 15, 10, 30, 45))
    gateway = PlatformGateway(platform, fakes.FakeJournal(), fakes.FakeMsgIds(), clock, catalogue, institution)
    output = gateway.call(Operator("1022", "张三"), "1101",
                          {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "310103197307259914"}})
    sent = [json.loads(r.content) for r in capture.sent]
    assert [(e["infno"], e["msgid"], e["inf_time"]) for e in sent] == [
        ("9001", "H42010600001202401151030450001", "2024-01-15 10:30:45"),
        ("1101", "H42010600001202401151030450002", "2024-01-15 10:30:45"),
    ]
    assert sent[1]["sign_no"] == "359754"  # 9001-response-1.json: signinoutb.sign_no
    assert output["insuinfo"][0]["balc"] == Decimal("41509.00")
