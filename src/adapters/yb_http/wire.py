"""The platform's wire format: JSON envelope, gateway signature headers, msgid, and the text a
message signature (cainfo) covers.

Shared by the HTTP adapter (which sends requests and reads replies) and the simulator's HTTP front
(which reads requests and sends replies), so both speak exactly one dialect.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal

from domain.institution import Institution
from ports.jsoncodec import INF_TIME_FORMAT, encode_json, parse_json  # noqa: F401 - re-exported
from ports.platform import PlatformRequest, make_msgid, msgid_prefix  # noqa: F401 - re-exported

HEADER_PAASID = "x-tif-paasid"
HEADER_TIMESTAMP = "x-tif-timestamp"
HEADER_NONCE = "x-tif-nonce"
HEADER_SIGNATURE = "x-tif-signature"


# ---- gateway signature -------------------------------------------------------------------------

def signature(timestamp: str, token: str, nonce: str) -> str:
    """x-tif-signature = hex(SHA256(ts + token + nonce + ts))."""
    return hashlib.sha256(f"{timestamp}{token}{nonce}{timestamp}".encode("utf-8")).hexdigest()


def gateway_headers(paasid: str, token: str, timestamp: int, nonce: str) -> dict[str, str]:
    ts = str(timestamp)
    return {
        HEADER_PAASID: paasid,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(ts, token, nonce),
        "Content-Type": "application/json;charset=UTF-8",
    }


# ---- envelope ----------------------------------------------------------------------------------

def build_envelope(request: PlatformRequest, institution: Institution) -> dict:
    op = request.operator
    return {
        "infno": request.infno,
        "msgid": request.msgid,
        "mdtrtarea_admvs": institution.mdtrtarea_admvs,
        "insuplc_admdvs": request.insuplc_admdvs,
        "recer_sys_code": institution.recer_sys_code,
        "dev_no": institution.dev_no,
        "dev_safe_info": institution.dev_safe_info,
        "cainfo": institution.cainfo,
        "signtype": institution.signtype,
        "infver": institution.infver,
        "opter_type": op.type,
        "opter": op.code,
        "opter_name": op.name,
        "inf_time": request.inf_time.strftime(INF_TIME_FORMAT),
        "fixmedins_code": institution.fixmedins_code,
        "fixmedins_name": institution.fixmedins_name,
        "sign_no": request.sign_no,
        "input": request.input,
    }


# ---- message signature (cainfo) -----------------------------------------------------------------
# What cainfo signs differs between deployments and neither form is confirmed by a public Hubei
# source; both are provisional, chosen by configuration (message_signing.signing_string):
#   sorted_fields  the envelope's top-level fields but cainfo and input, ASCII-sorted, as key=value
#                  joined by "&" (empty values kept): what a Hubei implementation signs;
#   input          the input JSON exactly as it travels in the body: what another province signs.
SIGNING_STRINGS = ("sorted_fields", "input")
UNSIGNED_FIELDS = frozenset({"cainfo", "input"})


def _field_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else encode_json(value)


def signing_string(form: str, envelope: Mapping[str, object], input_text: str) -> str:
    """The text cainfo signs. `input_text` is the input member's JSON exactly as in the body."""
    if form == "input":
        return input_text
    if form == "sorted_fields":
        return "&".join(f"{k}={_field_text(envelope[k])}" for k in sorted(envelope) if k not in UNSIGNED_FIELDS)
    raise ValueError(f"unknown signing string {form!r}; one of {', '.join(SIGNING_STRINGS)}")


_SPACE = re.compile(r"[ \t\n\r]*")


def raw_member(text: str, name: str) -> str | None:
    """The exact text of a top-level member's value in a JSON object (the last one, as json.loads
    keeps it); None when the text is not an object or lacks the member. A receiver checking a
    signature over the input must check what arrived, not a re-serialisation of it."""
    decoder = json.JSONDecoder()
    found = None
    try:
        i = _SPACE.match(text, 0).end()
        if text[i:i + 1] != "{":
            return None
        i = _SPACE.match(text, i + 1).end()
        if text[i:i + 1] == "}":
            return None
        while True:
            if text[i:i + 1] != '"':
                return None
            key, i = json.decoder.scanstring(text, i + 1)
            i = _SPACE.match(text, i).end()
            if text[i:i + 1] != ":":
                return None
            i = _SPACE.match(text, i + 1).end()
            _, end = decoder.raw_decode(text, i)
            if key == name:
                found = text[i:end]
            i = _SPACE.match(text, end).end()
            if text[i:i + 1] == "}":
                return found
            if text[i:i + 1] != ",":
                return None
            i = _SPACE.match(text, i + 1).end()
    except ValueError:
        return None


def normalise_infcode(value: object) -> int | None:
    """infcode travels as 0 or "0"; None when absent or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None
