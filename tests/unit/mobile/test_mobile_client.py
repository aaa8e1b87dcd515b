"""MobilePayPlatform's outcome mapping, against a scripted centre (httpx.MockTransport)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from adapters.yb_mobile import MobilePayPlatform, MobilePaySettings, SM2PrivateKey
from adapters.yb_mobile.envelope import Channel, header, open_sealed, seal
from domain.operator import Operator
from ports.jsoncodec import encode_json, parse_json
from ports.platform import PlatformOutcomeUnknown, PlatformRefused, PlatformRequest, PlatformUnreachable

APP_ID, SECRET = "HB4201060000TESTAPP00001", "CLIENT-TEST-SECRET"
CHANNEL = Channel(APP_ID, SECRET)
OURS, CENTRE = SM2PrivateKey.from_seed("client-test-channel"), SM2PrivateKey.from_seed("client-test-centre")
ORDER = {"payOrdId": "ORD1", "orgCodg": "H42010600001", "payToken": "T1", "idNo": "420106198005129911",
         "userName": "测试职工甲", "idType": "01"}


class Centre:
    """Answers with `reply(request_envelope, data)`; remembers what it was sent."""

    def __init__(self, reply):
        self.reply, self.seen = reply, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        envelope = parse_json(request.content)
        data = open_sealed(envelope, CHANNEL, OURS.public_key)
        self.seen.append((request.url.path, envelope, data))
        out = self.reply(envelope, data)
        if isinstance(out, httpx.Response):
            return out
        return httpx.Response(200, content=encode_json(out).encode("utf-8"))


def ok(data: dict, key: SM2PrivateKey = CENTRE, **more) -> dict:
    head = header(APP_ID, "20250616093000", code=0, message="成功", success=True, **more)
    return seal(head, data, CHANNEL, key)


def platform(reply, **settings) -> tuple[MobilePayPlatform, Centre]:
    centre = Centre(reply)
    values = dict(base_url="https://centre.test", app_id=APP_ID, app_secret=SECRET,
                  platform_public_key=CENTRE.public_key.to_base64(), private_key=OURS.to_base64())
    values.update(settings)
    client = httpx.Client(transport=httpx.MockTransport(centre))
    return MobilePayPlatform(MobilePaySettings(**values), client=client,
                             now=lambda: datetime(2025, 6, 16, 9, 30, 0)), centre


def request(infno: str = "6301", data: dict | None = None) -> PlatformRequest:
    return PlatformRequest(infno, "MSG1", {"data": dict(ORDER) if data is None else data},
                           Operator("OP001", "测试"), datetime(2025, 6, 16, 9, 30, 0))


def test_success_is_verified_decrypted_and_decoded():
    mp, centre = platform(lambda env, data: ok({"payOrdId": data["payOrdId"], "ordStas": "6",
                                                "feeSumamt": "300.00", "fundPay": Decimal("70.5")}))
    reply = mp.execute(request())
    path, envelope, data = centre.seen[0]
    assert path == "/org/local/api/hos/query_order_info"
    assert envelope["timestamp"] == "20250616093000" and "transType" not in envelope
    assert data == ORDER
    assert reply.output["data"]["feeSumamt"] == Decimal("300.00")
    assert reply.output["data"]["fundPay"] == Decimal("70.50")
    assert reply.output["data"]["ordStas"] == "6"


def test_wrapped_payload_is_unwrapped_and_trans_type_sent_when_asked():
    mp, centre = platform(lambda env, data: ok({"data": {"payOrdId": "ORD1", "ordStas": "0"}}),
                          send_trans_type=True, timestamp_style="millis")
    assert mp.execute(request()).output["data"]["payOrdId"] == "ORD1"
    envelope = centre.seen[0][1]
    assert envelope["transType"] == "6301" and len(envelope["timestamp"]) == 13


def test_business_failure_is_a_refusal():
    mp, _ = platform(lambda env, data: {"code": "2001", "message": "订单不存在", "success": False})
    with pytest.raises(PlatformRefused) as info:
        mp.execute(request())
    assert (info.value.infcode, info.value.err_msg) == (2001, "订单不存在")
    mp, _ = platform(lambda env, data: {"code": "E1001", "message": "签名错误"})
    with pytest.raises(PlatformRefused) as info:
        mp.execute(request())
    assert (info.value.infcode, info.value.err_msg) == (-1, "[E1001] 签名错误")


def test_signed_refusal_must_verify():
    def forged(env, data):
        return seal(header(APP_ID, "20250616093000", code="-1", message="no"), None, CHANNEL, OURS,
                    encrypt_empty=False)
    mp, _ = platform(forged)
    with pytest.raises(PlatformOutcomeUnknown):
        mp.execute(request())


@pytest.mark.parametrize("reply", [
    lambda env, data: ok({"payOrdId": "ORD1", "ordStas": "6"}, key=OURS),  # signed by someone else
    lambda env, data: dict(ok({"payOrdId": "ORD1", "ordStas": "6"}), signData=None),  # unsigned success
    lambda env, data: dict(ok({"payOrdId": "ORD1"}), encData="00" * 16),  # does not decrypt
    lambda env, data: dict(ok({"payOrdId": "ORD1"}), success=False),  # contradicts itself
    lambda env, data: {"message": "no code at all"},
    lambda env, data: httpx.Response(502, json={"code": "0", "message": "bad gateway"}),
    lambda env, data: httpx.Response(200, content=b"<html>oops</html>"),
])
def test_untrustworthy_replies_leave_the_outcome_unknown(reply):
    mp, _ = platform(reply)
    with pytest.raises(PlatformOutcomeUnknown):
        mp.execute(request())


def test_a_signed_success_with_an_unreadable_field_is_a_success_with_a_problem():
    # the centre signed code 0: it acted. The odd field is passed on and named, never doubted.
    mp, _ = platform(lambda env, data: ok({"payOrdId": "ORD1", "ordStas": "6", "feeSumamt": "abc"}))
    reply = mp.execute(request())
    assert reply.output["data"]["ordStas"] == "6"
    assert [p.field for p in reply.problems] == ["data.feeSumamt"]


def test_transport_failures():
    def connect_fails(env, data):
        raise httpx.ConnectError("refused")

    def read_times_out(env, data):
        raise httpx.ReadTimeout("slow")
    with pytest.raises(PlatformUnreachable):
        platform(connect_fails)[0].execute(request())
    with pytest.raises(PlatformOutcomeUnknown):
        platform(read_times_out)[0].execute(request())


def test_code_without_a_path_is_not_sent():
    mp, centre = platform(lambda env, data: ok({}))
    with pytest.raises(PlatformUnreachable, match="6101"):
        mp.execute(request("6101", {"qrCode": "x"}))
    assert centre.seen == []
    mp, centre = platform(lambda env, data: ok({"ecToken": "T"}), paths={"6101": "/custom/ec"})
    assert mp.execute(request("6101", {"qrCode": "x"})).output["data"]["ecToken"] == "T"
    assert centre.seen[0][0] == "/custom/ec"


def test_settings_are_checked():
    with pytest.raises(ValueError):
        platform(lambda env, data: ok({}), timestamp_style="iso")
    with pytest.raises(ValueError):
        platform(lambda env, data: ok({}), app_id="SHORT")
