"""Checking requests before they leave and decoding replies when they arrive.

Requests are held strictly to the catalogue (required, length, type, scale, dictionary codes).
Replies are read tolerantly, as real platforms send them: numbers as strings, "" for empty, null
nodes, unknown extra fields; money becomes Decimal. Every problem names its node and field.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.errors import FieldViolation
from domain.money import quantize
from domain.platform_time import DATE_FORMAT, DATETIME_FORMAT, parse_date, parse_datetime
from ports.catalogue.model import Catalogue, FieldSpec, NodeSpec, Transaction

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "decode_output", "validate_request"]
_LOOSE_DASH = re.compile(r"\s*-\s*")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _check_decimal(spec: FieldSpec, value: object, where: str) -> list[FieldViolation]:
    if isinstance(value, (float, bool)):
        return [FieldViolation(where, "must be a decimal string or an integer, not a binary float")]
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return [FieldViolation(where, f"{value!r} is not a number")]
    else:
        return [FieldViolation(where, f"expected a number, got {type(value).__name__}")]
    if not number.is_finite():
        return [FieldViolation(where, f"{value!r} is not a finite number")]
    found = []
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if spec.scale is not None and decimals > spec.scale:
        # trailing zeros beyond the scale are harmless (12.500 for 16,2)
        if number != quantize(number, spec.scale):
            found.append(FieldViolation(where, f"{value} has more than {spec.scale} decimal places"))
    if spec.precision is not None:
        integer_digits = len(str(abs(number.to_integral_value(rounding="ROUND_DOWN"))).lstrip("0"))
        if integer_digits > spec.precision - (spec.scale or 0):
            found.append(FieldViolation(where, f"{value} has more than {spec.precision - (spec.scale or 0)} integer digits"))
    return found


def _check_value(spec: FieldSpec, value: object, where: str, catalogue: Catalogue) -> list[FieldViolation]:
    if spec.type == "decimal":
        return _check_decimal(spec, value, where)
    if spec.type == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).lstrip("-").isdigit():
            return [FieldViolation(where, f"{value!r} is not an integer")]
        return []
    if spec.type == "date":
        if isinstance(value, (date, datetime)):
            return []
        if not isinstance(value, str) or parse_date(value) is None:
            return [FieldViolation(where, f"{value!r} is not a date yyyy-MM-dd")]
        return []
    if spec.type == "datetime":
        if isinstance(value, datetime):
            return []
        if not isinstance(value, str) or parse_datetime(value) is None:
            return [FieldViolation(where, f"{value!r} is not a time yyyy-MM-dd HH:mm:ss")]
        return []
    if spec.type == "array":
        if not isinstance(value, list):
            return [FieldViolation(where, "expected a list of rows")]
        if spec.items:
            return [v for i, row in enumerate(value) for v in _check_fields(spec.items, row, f"{where}[{i}]", catalogue)]
        return []
    if spec.type == "object":
        if not isinstance(value, dict):
            return [FieldViolation(where, "expected an object")]
        return _check_fields(spec.items, value, where, catalogue) if spec.items else []
    if spec.type == "bytes":
        return []
    # string
    if isinstance(value, (dict, list)):
        if spec.name == "exp_content":  # an extension object is allowed where a string is declared
            return []
        return [FieldViolation(where, "expected text")]
    text = value if isinstance(value, str) else str(value)
    found = []
    if spec.length is not None and len(text) > spec.length:
        found.append(FieldViolation(where, f"longer than {spec.length} characters ({len(text)})"))
    if spec.dict:
        dictionary = catalogue.dictionaries.get(spec.dict)
        if dictionary is not None and dictionary.closed and text not in dictionary.codes:
            allowed = ", ".join(sorted(dictionary.codes)[:12])
            found.append(FieldViolation(where, f"{text!r} is not a {dictionary.label} ({spec.dict}) code; known: {allowed}"))
    return found


def _check_row(node: NodeSpec, row: object, where: str, catalogue: Catalogue) -> list[FieldViolation]:
    return _check_fields(node.fields, row, where, catalogue)


def _check_fields(fields, row: object, where: str, catalogue: Catalogue) -> list[FieldViolation]:
    if not isinstance(row, dict):
        return [FieldViolation(where, "expected an object")]
    found = []
    for spec in fields:
        value = row.get(spec.name)
        if value.__class__ is str and spec.type == "string" and value.strip() and not spec.dict:
            # the common case, checked inline: plain text with nothing but a length limit
            if spec.length is not None and len(value) > spec.length:
                found.append(FieldViolation(f"{where}.{spec.name}",
                                            f"longer than {spec.length} characters ({len(value)})"))
            continue
        fwhere = f"{where}.{spec.name}"
        if _is_empty(value):
            if spec.required:
                found.append(FieldViolation(fwhere, f"{spec.label or spec.name} is required"))
            continue
        found.extend(_check_value(spec, value, fwhere, catalogue))
    return found


def validate_request(catalogue: Catalogue, tx: Transaction, payload: object) -> list[FieldViolation]:
    """All violations of `payload` (the envelope's input) against `tx`; empty when valid."""
    if not isinstance(payload, dict):
        return [FieldViolation("input", "expected an object keyed by node names")]
    found = []
    for node in tx.input:
        if node.open:
            continue  # fields unknown in public sources: the platform is the judge
        if node.name == "":  # fields directly under input
            found.extend(_check_row(node, payload, "input", catalogue))
            continue
        value = payload.get(node.name)
        if node.is_array:
            if value is None or value == []:
                # An optional list (drug_trac_info on 2207) may be left out; a transaction made of
                # one list alone (2204 feedetail) means nothing without rows.
                if len(tx.input) == 1:
                    found.append(FieldViolation(node.name, "at least one row is required"))
                continue
            if not isinstance(value, list):
                found.append(FieldViolation(node.name, "expected a list of rows"))
                continue
            for i, row in enumerate(value):
                found.extend(_check_row(node, row, f"{node.name}[{i}]", catalogue))
        else:
            if value is None:
                if any(f.required for f in node.fields):
                    found.append(FieldViolation(node.name, "node is required"))
                continue
            found.extend(_check_row(node, value, node.name, catalogue))
    return found


# ---- replies -----------------------------------------------------------------------------------

def _decode_value(spec: FieldSpec, value: object, parent: str, problems: list[FieldViolation]) -> object:
    # `parent`: where the row is; the field's own place is spelled out only when there is a problem
    if spec.items and isinstance(value, list):
        return [_decode_fields(spec.items, r, f"{parent}.{spec.name}[{i}]", problems) if isinstance(r, dict) else r
                for i, r in enumerate(value)]
    if spec.items and isinstance(value, dict):
        return _decode_fields(spec.items, value, f"{parent}.{spec.name}", problems)
    if _is_empty(value):
        return None
    if spec.type == "decimal":
        try:
            number = value if value.__class__ is Decimal else Decimal(str(value).strip())
        except InvalidOperation:
            problems.append(FieldViolation(f"{parent}.{spec.name}", f"{value!r} is not a number"))
            return value
        if spec.scale is not None and spec.scale <= 2 and spec.precision and spec.precision >= 10:
            return quantize(number, 2)  # money: exactly two places, as stored and shown
        return number
    if spec.type in ("date", "datetime") and isinstance(value, str):
        # seen: "2019 - 04 - 08"; a date that still does not parse is dropped, it is informational
        parse = parse_date if spec.type == "date" else parse_datetime
        if parse(value) is not None:
            return value
        text = _LOOSE_DASH.sub("-", value.strip())
        return text if parse(text) is not None else None
    if spec.type == "string" and not isinstance(value, (str, dict, list)):
        return str(value) if not isinstance(value, Decimal) else format(value, "f")
    return value


def _decode_row(node: NodeSpec, row: dict, where: str, problems: list[FieldViolation]) -> dict:
    return _decode_fields(node.fields, row, where, problems)


def _decode_fields(fields, row: dict, where: str, problems: list[FieldViolation]) -> dict:
    out = dict(row)  # unknown extra fields are kept untouched
    for spec in fields:
        value = row.get(spec.name)
        if value is None:
            out[spec.name] = None
        elif value.__class__ is str and spec.type == "string":
            if not value.strip():  # the common case: text stays text, blank becomes None
                out[spec.name] = None
        else:
            out[spec.name] = _decode_value(spec, value, where, problems)
    return out


def decode_output(tx: Transaction, output: object) -> tuple[dict, list[FieldViolation]]:
    """Normalise a reply's output: every declared node present ({} / [] when absent), declared fields
    present (None when empty), money as Decimal. Returns the output and the problems seen."""
    problems: list[FieldViolation] = []
    source = output if isinstance(output, dict) else {}
    if output is not None and not isinstance(output, dict):
        problems.append(FieldViolation("output", f"expected an object, got {type(output).__name__}"))
    result = dict(source)
    for node in tx.output:
        if node.open:
            continue  # passed on as received
        if node.name == "":  # fields directly under output
            result.update(_decode_row(node, source, "output", problems))
            continue
        value = source.get(node.name)
        if node.is_array:
            rows = value if isinstance(value, list) else ([] if value is None else [value])
            result[node.name] = [
                _decode_row(node, r, f"{node.name}[{i}]", problems) if isinstance(r, dict) else r
                for i, r in enumerate(rows)]
        else:
            if isinstance(value, list):  # some platforms wrap a one-row node in a list
                value = value[0] if value else None
            result[node.name] = _decode_row(node, value, node.name, problems) if isinstance(value, dict) else {}
    return result, problems
