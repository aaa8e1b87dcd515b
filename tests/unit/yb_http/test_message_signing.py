"""The envelope's message signature (signtype + cainfo) and its configured fields, checked on the
bytes the HTTP adapter actually sends (recorded by an httpx MockTransport)."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_http.sm2_signer import Sm2MessageSigner
from adapters.yb_http.wire import raw_member
from adapters.yb_mobile.crypto import SM2PrivateKey, SM2PublicKey, verify_base64
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.message_signer import MessageSignature, MessageSigner
from ports.platform import PlatformRefused, PlatformRequest, PlatformUnreachable
from services.bootstrap import bootstrap
from services.settings import InstitutionSettings, Settings

# An SM2 key made by OpenSSL 3.0 (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`) and
# two signatures it made of MESSAGE (`openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:ID`):
# an implementation independent of gmssl, so the user id's place in the digest is checked against it.
OPENSSL_PRIVATE_HEX = "b7a619031244ce189e53e419a2d598df465a0f0a74a2032bebe9ebe3e23fd4cf"
OPENSSL_PUBLIC_PEM = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE32OCZE5gdYMNKvB1+kzKMN+jDuUn
Xa+/hXSzvpqX+RGpO7V9IF8/XZEja6v8wgogbRsrxYAw9E4D2Z2JHcjnUA==
-----END PUBLIC KEY-----
"""
MESSAGE = "fixmedins_name=黄石市示范医院&infno=1101&infver=1&signtype=SM2"
OPENSSL_SIGNATURES = {  # user id -> r, s
    "1234567812345678": ("B13D9892036D150AB4DBF0DD0D92BC74DC630FF5364DB83448A5A3B8105D58C6",
                         "44BD15AF66D43301A7974C1CFCB2F6FE35F2A6AC377B08C9DE17B5223388702B"),
    "ALICE123@YAHOO.COM": ("CF270A2E8D1A07544A9EB560AC0A1CA019BA4571F11C418D7324D41F99C66546",
                           "6E9670454D83FD6CBD612C73EEEAE98251207195FC6175923E252337FA318BFE"),
}
OPENSSL_KEY = SM2PrivateKey(int(OPENSSL_PRIVATE_HEX, 16))
OPENSSL_KEY_B64 = base64.b64encode(bytes.fromhex(OPENSSL_PRIVATE_HEX)).decode()

KEY = SM2PrivateKey.from_seed("message-signing")
OTHER_KEY = SM2PrivateKey.from_seed("someone-else")
UNSIGNED = ("cainfo", "input")


def rs_base64(r: str, s: str) -> str:
    return base64.b64encode(bytes.fromhex(r) + bytes.fromhex(s)).decode()


# ---- the SM2 primitive with a user id, against OpenSSL -----------------------------------------

@pytest.mark.parametrize("user_id", sorted(OPENSSL_SIGNATURES))
def test_openssl_signatures_verify_under_their_user_id_only(user_id):
    public = OPENSSL_KEY.public_key
    signature = rs_base64(*OPENSSL_SIGNATURES[user_id])
    assert verify_base64(public, MESSAGE, signature, user_id=user_id)
    other = next(u for u in OPENSSL_SIGNATURES if u != user_id)
    assert not verify_base64(public, MESSAGE, signature, user_id=other)
    assert not verify_base64(public, MESSAGE.replace("infver=1", "infver=2"), signature, user_id=user_id)


def _openssl_has_sm2() -> bool:
    if shutil.which("openssl") is None:
        return False
    curves = subprocess.run(["openssl", "ecparam", "-list_curves"], capture_output=True, text=True)
    return "SM2" in curves.stdout


def _der(signature: bytes) -> bytes:
    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0") or b"\0"
        if value[0] & 0x80:
            value = b"\0" + value
        return b"\x02" + bytes([len(value)]) + value
    body = integer(signature[:32]) + integer(signature[32:])
    return b"\x30" + bytes([len(body)]) + body


@pytest.mark.skipif(not _openssl_has_sm2(), reason="needs the openssl command with SM2")
def test_our_signature_under_a_custom_user_id_verifies_in_openssl(tmp_path):
    (tmp_path / "pub.pem").write_text(OPENSSL_PUBLIC_PEM)
    (tmp_path / "m").write_bytes(MESSAGE.encode("utf-8"))
    (tmp_path / "sig").write_bytes(_der(OPENSSL_KEY.sign(MESSAGE.encode("utf-8"), user_id="ALICE123@YAHOO.COM")))

    def openssl_verify(user_id: str) -> subprocess.CompletedProcess:
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "m",
                               "-digest", "sm3", "-pkeyopt", f"distid:{user_id}", "-sigfile", "sig"],
                              cwd=tmp_path, capture_output=True, text=True)
    accepted = openssl_verify("ALICE123@YAHOO.COM")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert openssl_verify("1234567812345678").returncode != 0


# ---- what the HTTP adapter sends ---------------------------------------------------------------

class Recorder:
    """A transport that keeps each request body and answers with a refusal (the body is what matters)."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.transport = httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.read())
        return httpx.Response(200, json={"infcode": -1, "err_msg": "recorded", "output": None})

    @property
    def sent(self) -> dict:
        return json.loads(self.bodies[-1])

    @property
    def text(self) -> str:
        return self.bodies[-1].decode("utf-8")


def send(institution: Institution = Institution(), signer: MessageSigner | None = None,
         input: dict | None = None) -> Recorder:
    recorder = Recorder()
    platform = HttpPlatform(HttpSettings(url="http://platform.test/callService", paasid="p", token="t"), institution,
                            load_catalogue(), transport=recorder.transport, signer=signer)
    request = PlatformRequest(
        infno="1101", msgid="H42020200001202603020930000001",
        input=input or {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "420202199001011234", "psn_name": "张三"}},
        operator=Operator("1022", "张三"), inf_time=datetime(2026, 3, 2, 9, 30), sign_no="651918",
        insuplc_admdvs="420202")
    with pytest.raises(PlatformRefused):
        platform.execute(request)
    return recorder


def sorted_fields_source(sent: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(sent.items()) if k not in UNSIGNED)


def input_text_sent(text: str) -> str:
    """The input member's value as it stands in the body, found by hand."""
    start = text.index('"input":') + len('"input":')
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[start:end]


HUANGSHI = Institution(fixmedins_code="H42020200001", fixmedins_name="黄石市示范医院", mdtrtarea_admvs="420202",
                       infver="1")


def test_by_default_the_wire_is_unchanged():
    sent = send().sent
    assert (sent["cainfo"], sent["signtype"], sent["infver"]) == ("", "", "V1.0")


def test_configured_envelope_fields_travel_as_configured():
    institution = InstitutionSettings(infver="1", signtype="SM3", cainfo="CERT-0001").institution()
    sent = send(institution).sent
    assert (sent["infver"], sent["signtype"], sent["cainfo"]) == ("1", "SM3", "CERT-0001")


def test_sorted_fields_signature_verifies_over_the_fields_sent():
    recorder = send(HUANGSHI, Sm2MessageSigner(KEY, "sorted_fields"))
    sent = recorder.sent
    assert (sent["signtype"], sent["infver"]) == ("SM2", "1")
    source = sorted_fields_source(sent)
    assert source.startswith("dev_no=&dev_safe_info=&fixmedins_code=H42020200001&fixmedins_name=黄石市示范医院&")
    assert "signtype=SM2" in source and "input" not in source and "cainfo" not in source
    assert verify_base64(KEY.public_key, source, sent["cainfo"])
    assert len(base64.b64decode(sent["cainfo"])) == 64  # r||s, like the one real cainfo on record
    assert not verify_base64(OTHER_KEY.public_key, source, sent["cainfo"])
    assert not verify_base64(KEY.public_key, source, sent["cainfo"], user_id="ALICE123@YAHOO.COM")
    for field, value in (("opter_name", "李四"), ("infver", "V1.0"), ("signtype", "SM3"), ("msgid", "X")):
        tampered = sorted_fields_source({**sent, field: value})
        assert not verify_base64(KEY.public_key, tampered, sent["cainfo"]), field


def test_input_signature_verifies_over_the_input_text_sent():
    payload = {"data": {"psn_no": "42020220000000000001", "medfee_sumamt": Decimal("41509.00"),
                        "cnt": Decimal("1.5000"), "dr_name": "王医生", "memo": 'a "quoted" \\ text'}}
    recorder = send(HUANGSHI, Sm2MessageSigner(KEY, "input", user_id="ALICE123@YAHOO.COM"), payload)
    text_sent = input_text_sent(recorder.text)
    assert '"medfee_sumamt":41509.00' in text_sent  # the exact text, not a float's
    cainfo = recorder.sent["cainfo"]
    assert verify_base64(KEY.public_key, text_sent, cainfo, user_id="ALICE123@YAHOO.COM")
    assert not verify_base64(KEY.public_key, text_sent, cainfo)  # another user id
    assert not verify_base64(KEY.public_key, text_sent.replace("41509.00", "41509.0"), cainfo,
                             user_id="ALICE123@YAHOO.COM")
    assert not verify_base64(KEY.public_key, sorted_fields_source(recorder.sent), cainfo,
                             user_id="ALICE123@YAHOO.COM")


def test_each_request_gets_a_fresh_signature():
    signer = Sm2MessageSigner(KEY, "sorted_fields")
    first, second = send(HUANGSHI, signer).sent, send(HUANGSHI, signer).sent
    assert sorted_fields_source(first) == sorted_fields_source(second)
    assert first["cainfo"] != second["cainfo"]  # a fresh nonce each time
    assert verify_base64(KEY.public_key, sorted_fields_source(second), second["cainfo"])


def test_a_signer_that_fails_means_nothing_was_sent():
    class Broken(MessageSigner):
        def sign(self, envelope) -> MessageSignature:
            raise ValueError("no key today")

    recorder = Recorder()
    platform = HttpPlatform(HttpSettings(url="http://platform.test/x", paasid="p", token="t"), HUANGSHI,
                            load_catalogue(), transport=recorder.transport, signer=Broken())
    request = PlatformRequest("9001", "H42020200001202603020930000002", {"signIn": {"opter_no": "1", "ip": "::1"}},
                              Operator("1", "a"), datetime(2026, 3, 2, 9, 30))
    with pytest.raises(PlatformUnreachable, match="no key today"):
        platform.execute(request)
    assert recorder.bodies == []


def test_raw_member_returns_the_text_as_it_arrived():
    body = '{ "input" : 1, "infno":"1101" ,\n "input" : {"data": {"a": 1.50, "b": "é\\u00e9"}} }'
    assert raw_member(body, "input") == '{"data": {"a": 1.50, "b": "é\\u00e9"}}'
    assert raw_member(body, "infno") == '"1101"'
    assert raw_member(body, "cainfo") is None
    assert raw_member("[1]", "input") is None
    assert raw_member('{"input": {"a": }', "input") is None


# ---- configuration and start-up -----------------------------------------------------------------

def http_settings(**signing) -> Settings:
    return Settings(platform={"kind": "http", "url": "http://platform.test/callService"},
                    institution={"infver": "1"}, message_signing=signing)


@pytest.mark.parametrize("key, reason", [("", "no SM2 private key given"), ("not base64!", "not Base64"),
                                         (base64.b64encode(b"\x01" * 5).decode(), "must be 32 bytes"),
                                         (base64.b64encode(b"\x00" * 32).decode(), "out of range")])
def test_a_missing_or_malformed_key_stops_start_up(key, reason):
    with pytest.raises(ValueError, match="message_signing is enabled but its private_key cannot be used") as refused:
        bootstrap(http_settings(enabled=True, private_key=key))
    assert reason in str(refused.value)


def test_signing_is_off_by_default_and_a_configured_signer_reaches_every_http_platform():
    app = bootstrap(http_settings())
    try:
        assert app.container.platform().signer is None
    finally:
        app.container.platform().close()
    app = bootstrap(http_settings(enabled=True, private_key=OPENSSL_KEY_B64, signing_string="input",
                                  user_id="ALICE123@YAHOO.COM"))
    try:
        signer = app.container.platform().signer
        assert isinstance(signer, Sm2MessageSigner)
        assert (signer.form, signer.user_id, signer.signtype) == ("input", "ALICE123@YAHOO.COM", "SM2")
        assert signer.public_key == SM2PublicKey.from_base64(
            "BN9jgmROYHWDDSrwdfpMyjDfow7lJ12vv4V0s76al/kRqTu1fSBfP12RI2ur/MIKIG0bK8WAMPROA9mdiR3I51A=")
        assert app.container.catalog_platform().signer is signer  # the catalogue sync's own HTTP platform too
        assert app.container.platform().institution.infver == "1"
    finally:
        app.container.platform().close()


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HIS_INSTITUTION__INFVER", "1")
    monkeypatch.setenv("HIS_INSTITUTION__SIGNTYPE", "SM2")
    monkeypatch.setenv("HIS_MESSAGE_SIGNING__ENABLED", "true")
    monkeypatch.setenv("HIS_MESSAGE_SIGNING__PRIVATE_KEY", OPENSSL_KEY_B64)
    monkeypatch.setenv("HIS_MESSAGE_SIGNING__SIGNING_STRING", "input")
    settings = Settings()
    assert (settings.institution.infver, settings.institution.signtype) == ("1", "SM2")
    assert settings.message_signing.enabled and settings.message_signing.signing_string == "input"
    assert settings.message_signing.user_id == "1234567812345678"
