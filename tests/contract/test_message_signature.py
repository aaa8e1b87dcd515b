"""Signed messages over a real socket: the HTTP adapter signs, the simulator's front checks cainfo
with the HIS's public key and refuses a bad signature with infcode -1, as a signing platform would."""
from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from driver import NOW, WORKER, Driver, person

from adapters.yb_http import wire
from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_http.sm2_signer import Sm2MessageSigner, Sm2MessageVerifier
from adapters.yb_mobile.crypto import SM2PrivateKey, sign_base64
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformRefused, PlatformRequest

PAASID, TOKEN = "his-signed", "signed-secret"
HIS_KEY = SM2PrivateKey.from_seed("his-message-key")
INSTITUTION = Institution(infver="1")
FORMS = ["sorted_fields", "input"]


@pytest.fixture
def serve():
    started = []

    def start(form: str) -> SimulatorHttpFront:
        front = SimulatorHttpFront(SimulatorPlatform(), paasid=PAASID, token=TOKEN,
                                   message_verifier=Sm2MessageVerifier(HIS_KEY.public_key, form))
        front.start()
        started.append(front)
        return front
    yield start
    for front in started:
        front.stop()


@pytest.fixture
def his_on():
    platforms = []

    def connect(front: SimulatorHttpFront, signer: Sm2MessageSigner | None) -> Driver:
        platform = HttpPlatform(HttpSettings(url=front.url, paasid=PAASID, token=TOKEN, read_timeout=5),
                                INSTITUTION, load_catalogue(), signer=signer)
        platforms.append(platform)
        return Driver(platform)
    yield connect
    for platform in platforms:
        platform.close()


def read_card(his: Driver):
    return his.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person(WORKER).certno}})


@pytest.mark.parametrize("form", FORMS)
def test_signed_requests_are_served(serve, his_on, form):
    his = his_on(serve(form), Sm2MessageSigner(HIS_KEY, form))
    his.sign_in()
    assert read_card(his).output["baseinfo"]["psn_no"] == WORKER


@pytest.mark.parametrize("form", FORMS)
def test_a_signature_by_another_key_is_refused(serve, his_on, form):
    front = serve(form)
    impostor = his_on(front, Sm2MessageSigner(SM2PrivateKey.from_seed("an-impostor"), form)).platform
    request = PlatformRequest("9001", "H42010600001202603020930008888",
                              {"signIn": {"opter_no": "C001", "ip": "127.0.0.1"}}, Operator("C001", "合约测试员"), NOW)
    with pytest.raises(PlatformRefused) as refused:
        impostor.execute(request)
    assert refused.value.infcode == -1 and "验签失败" in refused.value.err_msg
    # refused before the platform acted: the simulator refuses a msgid it has seen, yet the same
    # request rightly signed is served
    his = his_on(front, Sm2MessageSigner(HIS_KEY, form)).platform
    assert his.execute(request).output["signinoutb"]["sign_no"]
    with pytest.raises(PlatformRefused, match="报文ID重复"):
        his.execute(request)


def test_an_unsigned_request_is_refused(serve, his_on):
    with pytest.raises(PlatformRefused, match="cainfo"):
        his_on(serve("sorted_fields"), None).sign_in()


@pytest.mark.parametrize("his_form, platform_form", [("input", "sorted_fields"), ("sorted_fields", "input")])
def test_signing_the_wrong_text_is_refused(serve, his_on, his_form, platform_form):
    with pytest.raises(PlatformRefused, match="验签失败"):
        his_on(serve(platform_form), Sm2MessageSigner(HIS_KEY, his_form)).sign_in()


def test_a_signature_under_another_user_id_is_refused(serve, his_on):
    with pytest.raises(PlatformRefused, match="验签失败"):
        his_on(serve("sorted_fields"), Sm2MessageSigner(HIS_KEY, user_id="ALICE123@YAHOO.COM")).sign_in()


def test_a_wrong_signtype_is_refused(serve, his_on):
    with pytest.raises(PlatformRefused, match="签名类型"):
        his_on(serve("sorted_fields"), Sm2MessageSigner(HIS_KEY, signtype="SM3")).sign_in()


def post(front: SimulatorHttpFront, text: str) -> dict:
    headers = wire.gateway_headers(PAASID, TOKEN, int(time.time()), uuid.uuid4().hex)
    response = httpx.post(front.url, content=text.encode("utf-8"), headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return wire.parse_json(response.content)


def signed_envelope(form: str) -> dict:
    request = PlatformRequest("9001", "H42010600001202603020930009999",
                              {"signIn": {"opter_no": "C001", "ip": "127.0.0.1"}}, Operator("C001", "合约测试员"), NOW)
    envelope = wire.build_envelope(request, INSTITUTION)
    signed = Sm2MessageSigner(HIS_KEY, form).sign(envelope)
    envelope.update(signtype=signed.signtype, cainfo=signed.cainfo)
    return envelope


@pytest.mark.parametrize("form, field, value", [
    ("sorted_fields", "opter_name", "冒名者"), ("sorted_fields", "infver", "V1.0"),
    ("input", "input", {"signIn": {"opter_no": "C002", "ip": "127.0.0.1"}})])
def test_a_field_changed_after_signing_is_refused(serve, form, field, value):
    front = serve(form)
    envelope = signed_envelope(form)
    assert post(front, wire.encode_json(envelope))["infcode"] == 0  # as signed: served
    reply = post(front, wire.encode_json({**envelope, field: value}))
    assert reply["infcode"] == -1 and "验签失败" in reply["err_msg"]


def test_the_input_form_is_checked_over_the_text_as_it_arrived(serve):
    """A sender that indents its JSON signs the input's indented text; the platform checks that
    text, not a re-serialisation of it."""
    front = serve("input")
    envelope = signed_envelope("input")
    pretty_input = json.dumps(envelope.pop("input"), ensure_ascii=False, indent=2)
    header = json.dumps(envelope, ensure_ascii=False, indent=2)
    assert header.endswith("\n}")

    def body(cainfo: str) -> str:
        return header[:-2].replace(envelope["cainfo"], cainfo) + ',\n  "input": ' + pretty_input + "\n}"
    assert post(front, body(envelope["cainfo"]))["infcode"] == -1  # signed over the compact text: not this one
    assert post(front, body(sign_base64(HIS_KEY, pretty_input)))["infcode"] == 0
