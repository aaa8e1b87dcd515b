"""The mobile-payment centre's envelope: {appId, encType, signType, timestamp, version, encData,
signData, ...}, sealed and opened the same way in both directions.

Shared by the adapter (seals requests, opens replies) and the simulator's mobile front (opens
requests, seals replies), so both speak exactly one dialect.
"""
from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from adapters.yb_mobile.crypto import (CryptoError, SM2PrivateKey, SM2PublicKey, UNSIGNED_KEYS, canonical_json,
                                       decrypt_data, derive_data_key, encrypt_data, is_empty, sign_source,
                                       verify_base64)
from ports.jsoncodec import parse_json

ENC_TYPE = "SM4"
SIGN_TYPE = "SM2"
VERSION = "2.0.1"
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
SUCCESS_CODE = "0"
# Paths two unrelated public clients use; the others (6101, and 6204/6302 which the centre calls
# on the institution) are not published and must be configured.
SPEC_PATHS = {
    "6201": "/org/local/api/hos/uldFeeInfo",
    "6202": "/org/local/api/hos/pay_order",
    "6203": "/org/local/api/hos/refund_Order",
    "6301": "/org/local/api/hos/query_order_info",
    "6401": "/org/local/api/hos/revoke_order",
}
_WRAPPERS = ("data", "output", "body")


class EnvelopeError(ValueError):
    """An envelope that cannot be trusted; `reason` is one of the class constants."""

    MALFORMED = "malformed"
    UNDECRYPTABLE = "undecryptable"
    BAD_SIGNATURE = "bad_signature"

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Channel:
    """What both ends share for one appId: the secret and the SM4 key derived from it."""

    app_id: str
    app_secret: str = field(repr=False)
    key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", derive_data_key(self.app_id, self.app_secret))


# ---- the business object --------------------------------------------------------------------

def clean(value: object) -> object:
    """Drop null / "" values and, recursively, arrays and objects left empty."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            v = clean(v)
            if not is_empty(v):
                out[k] = v
        return out
    if isinstance(value, (list, tuple)):
        return [c for c in (clean(v) for v in value) if not is_empty(c)]
    return value


def stringify(value: object) -> object:
    """Every scalar as a JSON string ("12.30"): the one form on which all known signers agree."""
    if isinstance(value, Mapping):
        return {str(k): stringify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [stringify(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError("refusing a binary float in a mobile-payment body; use Decimal")
    return str(value)


def business_data(value: Mapping) -> dict:
    return clean(stringify(dict(value)))  # type: ignore[return-value]


def unwrap(data: object, levels: int = 3) -> object:
    """Some relays wrap the payload again in data/output/body: peel a few such single-key layers."""
    for _ in range(levels):
        if isinstance(data, dict) and len(data) == 1:
            (key, inner), = data.items()
            if key in _WRAPPERS and isinstance(inner, dict):
                data = inner
                continue
        break
    return data


# ---- sealing and opening --------------------------------------------------------------------

def header(app_id: str, timestamp: str, version: str = VERSION, enc_type: str = ENC_TYPE,
           sign_type: str = SIGN_TYPE, **more: object) -> dict:
    out = {"appId": app_id, "encType": enc_type, "signType": sign_type, "timestamp": timestamp, "version": version}
    out.update({k: v for k, v in more.items() if v is not None})
    return out


def seal(head: Mapping, data: Mapping | None, channel: Channel, signer: SM2PrivateKey,
         encrypt_empty: bool = True) -> dict:
    """`head` plus encData (SM4 of the cleaned data) and signData (SM2 over head + data)."""
    body = business_data(data or {})
    envelope = {k: v for k, v in head.items() if k not in UNSIGNED_KEYS and k != "data"}
    signed = dict(envelope, data=body)
    if body or encrypt_empty:
        envelope["encData"] = encrypt_data(channel.key, canonical_json(body))
    envelope["signData"] = base64.b64encode(
        signer.sign(sign_source(signed, channel.app_secret).encode("utf-8"))).decode("ascii")
    if "extra" in head:
        envelope["extra"] = head["extra"]
    return envelope


def decrypt(envelope: Mapping, channel: Channel) -> dict:
    """The business object inside encData ({} when there is none)."""
    enc = envelope.get("encData")
    if is_empty(enc):
        return {}
    if not isinstance(enc, str):
        raise EnvelopeError(EnvelopeError.MALFORMED, "encData is not a string")
    try:
        data = parse_json(decrypt_data(channel.key, enc))
    except CryptoError as exc:
        raise EnvelopeError(EnvelopeError.UNDECRYPTABLE, f"encData does not decrypt: {exc}") from None
    except ValueError as exc:
        raise EnvelopeError(EnvelopeError.UNDECRYPTABLE, f"decrypted encData is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise EnvelopeError(EnvelopeError.MALFORMED, f"decrypted encData is a {type(data).__name__}, not an object")
    return data


def verify(envelope: Mapping, data: Mapping, channel: Channel, public_key: SM2PublicKey) -> None:
    """Raise unless signData is the sender's signature over the envelope with `data` in place."""
    sign_data = envelope.get("signData")
    if not isinstance(sign_data, str) or not sign_data.strip():
        raise EnvelopeError(EnvelopeError.BAD_SIGNATURE, "signData is missing")
    signed = {k: v for k, v in envelope.items() if k not in UNSIGNED_KEYS and k != "data"}
    signed["data"] = dict(data)
    if not verify_base64(public_key, sign_source(signed, channel.app_secret), sign_data):
        raise EnvelopeError(EnvelopeError.BAD_SIGNATURE, "signData does not verify")


def open_sealed(envelope: Mapping, channel: Channel, public_key: SM2PublicKey) -> dict:
    """Decrypt, then verify (fail closed); returns the business object exactly as signed."""
    data = decrypt(envelope, channel)
    verify(envelope, data, channel, public_key)
    return data


# ---- small shared readings ------------------------------------------------------------------

def format_timestamp(when: datetime, style: str = "datetime") -> str:
    """yyyyMMddHHmmss (the provincial client) or 13-digit epoch milliseconds (the Java client)."""
    if style == "millis":
        return str(int(when.timestamp() * 1000))
    return when.strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: object) -> datetime | None:
    """Either form the centres use, as naive local time; None when it is neither."""
    value = str(text or "").strip()
    if len(value) == 13 and value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000)
    try:
        return datetime.strptime(value, TIMESTAMP_FORMAT)
    except ValueError:
        return None


def code_text(value: object) -> str | None:
    """The reply's code as text ("0" for 0 / "0"); None when absent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return format(value, "f") if value != value.to_integral_value() else str(int(value))
    text = str(value).strip()
    return text or None
