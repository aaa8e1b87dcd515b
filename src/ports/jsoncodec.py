"""Exact JSON: Decimals in and out as numbers, never through a float; times in platform formats."""
from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal

INF_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_TAG = "\x01"


_PLAIN = (str, int, bool, float, type(None))


def _prepare(value: object) -> object:
    # json cannot write raw number text for a custom type: decimals go out as tagged strings and
    # the tags (a control character, escaped as \u0001, never present in real data) are removed.
    cls = value.__class__
    if cls in _PLAIN:  # the bulk of every message: checked first, by exact class
        return value
    if cls is dict:
        return {k: _prepare(v) for k, v in value.items()}
    if cls is list:
        return [_prepare(v) for v in value]
    if isinstance(value, Decimal):
        return f"{_TAG}{format(value, 'f')}{_TAG}"
    if isinstance(value, datetime):
        return value.strftime(INF_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):  # 9101 file content: Base64, as most platforms take it
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    return value


def encode_json(value: object) -> str:
    text = json.dumps(_prepare(value), ensure_ascii=False, separators=(",", ":"))
    return text.replace('"\\u0001', "").replace('\\u0001"', "")


def parse_json(data: bytes | str) -> object:
    """Numbers with a fraction become Decimal: 41509.00 must not pass through a float."""
    return json.loads(data, parse_float=Decimal)
