"""The platform's wire format: JSON envelope, gateway signature headers, msgid.

Shared by the HTTP adapter (which sends requests and reads replies) and the simulator's HTTP front
(which reads requests and sends replies), so both speak exactly one dialect.
"""
from __future__ import annotations

import hashlib
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
        "cainfo": "",
        "signtype": "",
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
