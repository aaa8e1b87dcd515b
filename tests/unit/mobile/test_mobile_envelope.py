"""The envelope both ends share: seal/open round trip, tampering, cleaning, unwrapping."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from adapters.yb_mobile.crypto import SM2PrivateKey
from adapters.yb_mobile.envelope import (Channel, EnvelopeError, business_data, code_text, format_timestamp,
                                         header, open_sealed, parse_timestamp, seal, unwrap)

CHANNEL = Channel("HB0000000000000000000APPIDTEST01", "TESTSECRET0123456789ABCDEF")
SENDER = SM2PrivateKey.from_seed("envelope-test-sender")
OTHER = SM2PrivateKey.from_seed("envelope-test-other")
DATA = {"payOrdId": "ORD1", "userName": "张三", "feeSumamt": Decimal("12.30"), "cnt": 2, "empty": "",
        "none": None, "rows": [{"a": "1", "b": ""}, {"c": None}], "nested": {"x": []}}


def sealed(**more) -> dict:
    return seal(header(CHANNEL.app_id, "20250616093000", **more), DATA, CHANNEL, SENDER)


def test_round_trip_gives_the_cleaned_stringified_data():
    envelope = sealed()
    assert set(envelope) == {"appId", "encType", "signType", "timestamp", "version", "encData", "signData"}
    assert envelope["encData"] == envelope["encData"].upper()
    assert open_sealed(envelope, CHANNEL, SENDER.public_key) == {
        "payOrdId": "ORD1", "userName": "张三", "feeSumamt": "12.30", "cnt": "2", "rows": [{"a": "1"}]}


def test_extra_is_not_signed_and_trans_type_is():
    envelope = sealed(transType="6201")
    envelope["extra"] = {"anything": "goes"}
    open_sealed(envelope, CHANNEL, SENDER.public_key)
    envelope["transType"] = "6202"
    with pytest.raises(EnvelopeError) as info:
        open_sealed(envelope, CHANNEL, SENDER.public_key)
    assert info.value.reason == EnvelopeError.BAD_SIGNATURE


@pytest.mark.parametrize("field, value", [("signData", None), ("timestamp", "20250616093001"), ("appId", None)])
def test_tampered_header_or_signature_is_rejected(field, value):
    envelope = sealed()
    if field == "signData":
        sig = envelope["signData"]
        envelope["signData"] = ("B" if sig[0] == "A" else "A") + sig[1:]
    elif value is None:
        del envelope[field]
    else:
        envelope[field] = value
    with pytest.raises(EnvelopeError) as info:
        open_sealed(envelope, CHANNEL, SENDER.public_key)
    assert info.value.reason == EnvelopeError.BAD_SIGNATURE


def test_signature_of_another_key_or_missing_is_rejected():
    envelope = sealed()
    with pytest.raises(EnvelopeError):
        open_sealed(envelope, CHANNEL, OTHER.public_key)
    del envelope["signData"]
    with pytest.raises(EnvelopeError):
        open_sealed(envelope, CHANNEL, SENDER.public_key)


def test_tampered_or_foreign_enc_data_does_not_open():
    envelope = sealed()
    other = seal(header(CHANNEL.app_id, "20250616093000"), {"payOrdId": "ORD2"}, CHANNEL, SENDER)
    swapped = dict(envelope, encData=other["encData"])  # decrypts, but the signature covers ORD1
    with pytest.raises(EnvelopeError) as info:
        open_sealed(swapped, CHANNEL, SENDER.public_key)
    assert info.value.reason == EnvelopeError.BAD_SIGNATURE
    broken = dict(envelope, encData=envelope["encData"][:-4] + "0000")
    with pytest.raises(EnvelopeError) as info:
        open_sealed(broken, CHANNEL, SENDER.public_key)
    assert info.value.reason == EnvelopeError.UNDECRYPTABLE
    with pytest.raises(EnvelopeError) as info:
        open_sealed(envelope, Channel(CHANNEL.app_id, "ANOTHER-SECRET"), SENDER.public_key)
    assert info.value.reason in (EnvelopeError.UNDECRYPTABLE, EnvelopeError.BAD_SIGNATURE)


def test_reply_header_with_code_and_boolean_is_signed():
    head = header(CHANNEL.app_id, "20250616093000", code="0", message="成功", success=True)
    envelope = seal(head, {"refStatus": "SUCC"}, CHANNEL, SENDER)
    assert open_sealed(envelope, CHANNEL, SENDER.public_key) == {"refStatus": "SUCC"}
    with pytest.raises(EnvelopeError):
        open_sealed(dict(envelope, success=False), CHANNEL, SENDER.public_key)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        business_data({"amount": 1.1})


def test_unwrap_peels_relay_layers_only():
    assert unwrap({"data": {"output": {"payOrdId": "1"}}}) == {"payOrdId": "1"}
    assert unwrap({"data": {"a": 1}, "other": 2}) == {"data": {"a": 1}, "other": 2}
    assert unwrap({"payOrdId": "1"}) == {"payOrdId": "1"}


def test_timestamps_and_codes():
    when = datetime(2025, 6, 16, 9, 30, 0)
    assert format_timestamp(when) == "20250616093000"
    assert parse_timestamp(format_timestamp(when)) == when
    assert parse_timestamp(format_timestamp(when, "millis")) == when
    assert parse_timestamp("2025-06-16") is None
    assert [code_text(v) for v in (0, "0", Decimal("0"), " 12 ", None, "")] == ["0", "0", "0", "12", None, None]
