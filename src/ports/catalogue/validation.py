"""Checking requests before they leave and decoding replies when they arrive.

Requests are held strictly to the catalogue (required, length, type, scale, dictionary codes) and to
bounds that keep hostile input from reaching the platform, the journal or an error message:
numbers in plain form only (no exponent, NaN or Infinity, ASCII digits, a bounded count of them),
every string capped at its declared length or a bound, no control or formatting characters
(domain.text), nesting and size of the whole request bounded. Messages repeat at most a short
excerpt of a bad value. Where only whether a field is required is in doubt (the sources disagree),
a missing value is a warning, never a refusal.

Replies are read tolerantly, as real platforms send them: numbers as strings, "" for empty, null
nodes, unknown extra fields; money becomes Decimal. Every problem names its node and field.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from domain.errors import FieldViolation
from domain.money import quantize
from domain.platform_time import DATE_FORMAT, DATETIME_FORMAT, parse_date, parse_datetime
from domain.text import describe_forbidden, excerpt, forbidden_character
from ports.catalogue.model import Catalogue, FieldSpec, NodeSpec, Transaction
from ports.jsoncodec import encode_json

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "RequestCheck", "check_request", "decode_output", "validate_request",
           "MAX_DEPTH", "MAX_VALUES", "MAX_VIOLATIONS", "TEXT_BOUND", "LARGE_TEXT_BOUND", "FILE_BOUND",
           "FREE_TEXT_LENGTH"]
_LOOSE_DASH = re.compile(r"\s*-\s*")

# ---- what a request may carry at most ------------------------------------------------------------
# Objects and lists nested below the input object (which is level 1). The catalogue's deepest
# declared structure is 3101's diagnoses at level 8 (data > patient_dtos[] > fsi_encounter_dtos[] >
# fsi_diagnose_dtos[]); two more leave room for an extension object there.
MAX_DEPTH = 10
# Fields and rows of one request, all levels counted: a 2204 of 5,000 fee rows of 20 fields fits.
MAX_VALUES = 100_000
# Violations listed at most; beyond, one more says the list was cut (a message must stay short).
MAX_VIOLATIONS = 50
# A string the catalogue gives no length: exp_content's 4000, the largest declared for ordinary text.
TEXT_BOUND = 4000
# A 大文本 (a prescription or report as Base64): more than one gRPC message (4 MiB) carries anyway.
LARGE_TEXT_BOUND = 4_000_000
# A file (9101 `in`): the simulator takes 50 MiB, which is about 70 million characters as Base64.
FILE_BOUND = 100_000_000
# Free text, where TAB, LF and CR are allowed: a 大文本, a string declared FREE_TEXT_LENGTH characters
# or longer (descriptions, 主诉, 病史, memo, exp_content; the shortest of them are 200), and text the
# catalogue does not describe (open nodes, undeclared fields), which may be either. Every other
# declared string (codes, ids, names, flags) is one line. Other control and formatting characters
# are refused everywhere (domain.text.forbidden_character).
FREE_TEXT_LENGTH = 200
# Digits of any number, trailing zeros included (money is 16,2; the catalogue's widest is 30,0).
MAX_DIGITS = 40
INTEGER_DIGITS = 18  # an 整型 (counts, days, page sizes): what a 64-bit integer holds
KEY_BOUND = 100  # characters of a field name the catalogue does not declare
EXTENSION_DEPTH = 3  # levels of an exp_content given as an object
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")
_PLAIN_INTEGER = re.compile(r"-?[0-9]+\Z")


@dataclass(frozen=True)
class RequestCheck:
    """What check_request found. `violations` refuse the request; `warnings` do not (a field whose
    being required is unconfirmed is missing): pass them on to the caller or the log."""
    violations: list[FieldViolation]
    warnings: list[FieldViolation]


class _Full(Exception):
    """The walk stops: too many values, or too many violations to list."""


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _multiline(spec: FieldSpec) -> bool:
    return spec.large_text or (spec.length or 0) >= FREE_TEXT_LENGTH


def _text_bound(spec: FieldSpec) -> int:
    return spec.length or (LARGE_TEXT_BOUND if spec.large_text else TEXT_BOUND)


def _text_problem(text: str, bound: int, multiline: bool) -> str | None:
    """Why a string may not go out, or None. The length first: a string too long is not scanned."""
    if len(text) > bound:
        return f"longer than {bound} characters ({len(text)})"
    bad = forbidden_character(text)  # one line: the common case, one scan
    if bad is not None and multiline:
        bad = forbidden_character(text, multiline=True)
    return None if bad is None else describe_forbidden(text, bad)


def _written_digits(digits: tuple[int, ...], places: int) -> int:
    """Digits of a number in plain form (0.0001 writes 5), as it goes out on the wire."""
    return (len(digits) - places if len(digits) > places else 1) + places


def _plain_decimal(value: Decimal) -> str | None:
    """Why a Decimal is not a plain finite number of a sane size (1E+309, NaN), or None."""
    if not value.is_finite():
        return f"{excerpt(value)} is not a finite number"
    _, digits, exponent = value.as_tuple()
    if exponent > 0:
        return f"{excerpt(value)} is in exponent form; send the plain number"
    if _written_digits(digits, -exponent) > MAX_DIGITS:
        return f"{excerpt(value)} has more than {MAX_DIGITS} digits"
    return None


_POWERS = {MAX_DIGITS: 10 ** MAX_DIGITS, INTEGER_DIGITS: 10 ** INTEGER_DIGITS}


def _plain_int(value: int, digits: int) -> str | None:
    # compared as numbers: str() of a huge int is slow, and refused beyond 4300 digits
    if -_POWERS[digits] < value < _POWERS[digits]:
        return None
    return f"has more than {digits} digits"


class _Check:
    """One walk over a request: its violations, warnings and the values still allowed."""

    __slots__ = ("catalogue", "found", "warnings", "budget")

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.found: list[FieldViolation] = []
        self.warnings: list[FieldViolation] = []
        self.budget = MAX_VALUES

    def refuse(self, where: str, description: str) -> None:
        if len(self.found) >= MAX_VIOLATIONS:
            self.found.append(FieldViolation("input", f"more problems than the {MAX_VIOLATIONS} listed"))
            raise _Full
        self.found.append(FieldViolation(where, description))

    def enter(self, container: dict | list, where: str, depth: int) -> bool:
        """Whether the walk may look inside `container` (at nesting level `depth`)."""
        if depth > MAX_DEPTH:
            self.refuse(where, f"nested deeper than {MAX_DEPTH} levels")
            return False
        self.budget -= len(container)
        if self.budget < 0:
            self.found.append(FieldViolation(where, f"the request holds more than {MAX_VALUES} fields and rows"))
            raise _Full
        return True

    # ---- declared fields ---------------------------------------------------------------------
    def fields(self, fields: tuple[FieldSpec, ...], names: frozenset[str], row: object, where: str, depth: int,
               skip: frozenset[str] = frozenset()) -> None:
        if not isinstance(row, dict):
            self.refuse(where, "expected an object")
            return
        if not self.enter(row, where, depth):
            return
        for spec in fields:
            value = row.get(spec.name)
            if value is None:
                if spec.required:
                    self.missing(spec, f"{where}.{spec.name}")
                continue
            if value.__class__ is str:
                if not value or value.isspace():
                    if spec.required:
                        self.missing(spec, f"{where}.{spec.name}")
                    continue
                if spec.type == "string" and not spec.dict:
                    # the common case, checked inline: plain text with nothing but a length limit
                    bound = spec.length or _text_bound(spec)
                    if len(value) > bound or forbidden_character(value) is not None:  # else clean: one scan
                        problem = _text_problem(value, bound, _multiline(spec))
                        if problem:
                            self.refuse(f"{where}.{spec.name}", problem)
                    continue
            self.value(spec, value, f"{where}.{spec.name}", depth)
        if not row.keys() <= names:
            for key, value in row.items():
                if key not in names and key not in skip:
                    self.undeclared(key, value, where, depth + 1)

    def missing(self, spec: FieldSpec, where: str) -> None:
        if spec.required_unconfirmed:
            self.warnings.append(FieldViolation(where, f"{spec.label or spec.name} is missing; the sources disagree "
                                                       "on whether it is required"))
        else:
            self.refuse(where, f"{spec.label or spec.name} is required")

    def value(self, spec: FieldSpec, value: object, where: str, depth: int) -> None:
        kind = spec.type
        if kind == "string":
            self.text(spec, value, where, depth)
        elif kind == "decimal":
            problem = _decimal_problem(spec, value)
            if problem:
                self.refuse(where, problem)
        elif kind == "integer":
            problem = _integer_problem(value)
            if problem:
                self.refuse(where, problem)
        elif kind == "date":
            if not isinstance(value, (date, datetime)) and (not isinstance(value, str) or parse_date(value) is None):
                self.refuse(where, f"{excerpt(value)} is not a date yyyy-MM-dd")
        elif kind == "datetime":
            if not isinstance(value, datetime) and (not isinstance(value, str) or parse_datetime(value) is None):
                self.refuse(where, f"{excerpt(value)} is not a time yyyy-MM-dd HH:mm:ss")
        elif kind == "array":
            if not isinstance(value, list):
                self.refuse(where, "expected a list of rows")
            elif not spec.items:
                self.loose(value, where, depth + 1)
            elif self.enter(value, where, depth + 1):
                for i, row in enumerate(value):
                    self.fields(spec.items, spec.item_names, row, f"{where}[{i}]", depth + 2)
        elif kind == "object":
            if not isinstance(value, dict):
                self.refuse(where, "expected an object")
            elif spec.items:
                self.fields(spec.items, spec.item_names, value, where, depth + 1)
            else:
                self.loose(value, where, depth + 1)
        elif kind == "bytes":
            self.file_content(value, where)

    def text(self, spec: FieldSpec, value: object, where: str, depth: int) -> None:
        if isinstance(value, (dict, list)):
            if spec.name == "exp_content":  # an extension object is allowed where a string is declared
                self.extension(spec, value, where, depth)
            else:
                self.refuse(where, "expected text")
            return
        if isinstance(value, str):
            text = value
            problem = _text_problem(value, _text_bound(spec), _multiline(spec))
        elif isinstance(value, int) and not isinstance(value, bool):
            # a code or id given as a number (JSON 42): it goes out as its digits
            problem = _plain_int(value, MAX_DIGITS)
            text = str(value) if problem is None else ""
        elif isinstance(value, Decimal):
            problem = _plain_decimal(value)  # JSON 1e309 would go out as 310 digits
            text = format(value, "f") if problem is None else ""
        else:
            problem, text = f"expected text, got {type(value).__name__}", ""
        if problem is None and len(text) > _text_bound(spec):
            problem = f"longer than {_text_bound(spec)} characters ({len(text)})"
        if problem:
            self.refuse(where, problem)
            return
        if spec.dict:
            dictionary = self.catalogue.dictionaries.get(spec.dict)
            if dictionary is not None and dictionary.closed and text not in dictionary.codes:
                allowed = ", ".join(sorted(dictionary.codes)[:12])
                self.refuse(where, f"{excerpt(text)} is not a {dictionary.label} ({spec.dict}) code; known: {allowed}")

    def extension(self, spec: FieldSpec, value: dict | list, where: str, depth: int) -> None:
        """exp_content as an object: bounded in depth, and in size by the string it stands for."""
        before = len(self.found)
        self.loose(value, where, depth + 1, limit=depth + EXTENSION_DEPTH)
        if len(self.found) == before:
            size, bound = len(encode_json(value)), _text_bound(spec)
            if size > bound:
                self.refuse(where, f"the extension object takes {size} characters as JSON; at most {bound}")

    def file_content(self, value: object, where: str) -> None:
        """A file (9101 `in`): Base64 text, bytes, or a list of byte values (Java sends them signed)."""
        if isinstance(value, str):
            problem = _text_problem(value, FILE_BOUND, multiline=True)  # Base64 may be wrapped in lines
        elif isinstance(value, (bytes, bytearray)):
            problem = None if len(value) <= FILE_BOUND else f"larger than {FILE_BOUND} bytes"
        elif isinstance(value, list):
            if len(value) > FILE_BOUND:
                problem = f"larger than {FILE_BOUND} bytes"
            elif all(b.__class__ is int and -128 <= b <= 255 for b in value):
                problem = None
            else:
                problem = "expected byte values (-128 to 255)"
        else:
            problem = "expected Base64 text or bytes"
        if problem:
            self.refuse(where, problem)

    # ---- what the catalogue does not describe --------------------------------------------------
    def undeclared(self, key: object, value: object, where: str, depth: int, limit: int = MAX_DEPTH) -> None:
        """A field the catalogue does not declare: passed on, so held to the general bounds. Its
        name goes into messages, so it is checked first."""
        if not isinstance(key, str):
            self.refuse(where or "input", f"field name {excerpt(key)} is not text")
            return
        problem = _text_problem(key, KEY_BOUND, multiline=False)
        if problem:
            self.refuse(where or "input", f"a field name {excerpt(key)}: {problem}")
            return
        self.loose(value, f"{where}.{key}" if where else key, depth, limit)

    def loose(self, value: object, where: str, depth: int, limit: int = MAX_DEPTH) -> None:
        """Any value, checked against the general bounds only (open nodes, undeclared fields)."""
        if isinstance(value, str):
            problem = _text_problem(value, TEXT_BOUND, multiline=True)
        elif isinstance(value, (dict, list)):
            if depth > limit:  # only an extension object has a limit of its own
                self.refuse(where, f"nested deeper than {MAX_DEPTH} levels" if limit >= MAX_DEPTH
                            else f"an extension object nests at most {EXTENSION_DEPTH} levels")
                return
            if not self.enter(value, where, depth):
                return
            if isinstance(value, dict):
                for key, item in value.items():
                    self.undeclared(key, item, where, depth + 1, limit)
            else:
                for i, item in enumerate(value):
                    self.loose(item, f"{where}[{i}]", depth + 1, limit)
            return
        elif value is None or isinstance(value, bool):
            return
        elif isinstance(value, int):
            problem = _plain_int(value, MAX_DIGITS)
        elif isinstance(value, Decimal):
            problem = _plain_decimal(value)
        elif isinstance(value, float):
            problem = None if math.isfinite(value) else f"{excerpt(value)} is not a finite number"
        else:
            return
        if problem:
            self.refuse(where, problem)


def _decimal_problem(spec: FieldSpec, value: object) -> str | None:
    if isinstance(value, (float, bool)):
        return "must be a decimal string or an integer, not a binary float" if isinstance(value, float) \
            else f"{excerpt(value)} is not a number"
    if isinstance(value, int):
        if _plain_int(value, MAX_DIGITS):
            return f"has more than {MAX_DIGITS} digits"
        number = Decimal(value)
    elif isinstance(value, Decimal):
        problem = _plain_decimal(value)
        if problem:
            return problem
        number = value
    elif isinstance(value, str):
        # plain ASCII digits only: Decimal() would also take " 1_000", "1e309", "NaN" and other scripts' digits
        if len(value) > MAX_DIGITS + 2 or not _PLAIN_NUMBER.match(value):
            return f"{excerpt(value)} is not a plain decimal number (e.g. 12.50)"
        number = Decimal(value)
    else:
        return f"expected a number, got {type(value).__name__}"
    _, digits, exponent = number.as_tuple()  # read, not computed: no context limit is ever hit
    places = -exponent
    if _written_digits(digits, places) > MAX_DIGITS:
        return f"{excerpt(value)} has more than {MAX_DIGITS} digits"
    found = []
    # trailing zeros beyond the scale are harmless (12.500 for 16,2)
    if spec.scale is not None and places > spec.scale and any(digits[-(places - spec.scale):]):
        found.append(f"{excerpt(value)} has more than {spec.scale} decimal places")
    if spec.precision is not None:
        integer = len(digits) - places if len(digits) > places and digits[0] else 0  # Decimal drops leading zeros
        if integer > spec.precision - (spec.scale or 0):
            found.append(f"{excerpt(value)} has more than {spec.precision - (spec.scale or 0)} integer digits")
    return "; ".join(found) or None


def _integer_problem(value: object) -> str | None:
    if isinstance(value, bool):
        return f"{excerpt(value)} is not an integer"
    if isinstance(value, int):
        return _plain_int(value, INTEGER_DIGITS)
    if isinstance(value, str) and len(value) <= INTEGER_DIGITS + 1 and _PLAIN_INTEGER.match(value) \
            and len(value.lstrip("-")) <= INTEGER_DIGITS:
        return None
    return f"{excerpt(value)} is not an integer"


def check_request(catalogue: Catalogue, tx: Transaction, payload: object) -> RequestCheck:
    """What is wrong with `payload` (the envelope's input) for `tx`: violations that refuse it, and
    warnings that do not."""
    if not isinstance(payload, dict):
        return RequestCheck([FieldViolation("input", "expected an object keyed by node names")], [])
    check = _Check(catalogue)
    try:
        _check_nodes(check, tx, payload)
    except _Full:
        pass
    return RequestCheck(check.found, check.warnings)


def _check_nodes(check: _Check, tx: Transaction, payload: dict) -> None:
    check.enter(payload, "input", 1)
    nodes = frozenset(node.name for node in tx.input)
    for node in tx.input:
        if node.name == "":  # fields directly under input; the other nodes are not its fields
            if node.open:
                for key, value in payload.items():
                    if key not in nodes:
                        check.undeclared(key, value, "input", 2)
            else:
                check.fields(node.fields, node.field_names, payload, "input", 1, skip=nodes)
            continue
        value = payload.get(node.name)
        if node.open:  # fields unknown in public sources: the platform is the judge, within bounds
            if value is not None:
                check.loose(value, node.name, 2)
            continue
        if node.is_array:
            if value is None or value == []:
                # An optional list (drug_trac_info on 2207) may be left out; a transaction made of
                # one list alone (2204 feedetail) means nothing without rows.
                if len(tx.input) == 1:
                    check.refuse(node.name, "at least one row is required")
                continue
            if not isinstance(value, list):
                check.refuse(node.name, "expected a list of rows")
                continue
            if check.enter(value, node.name, 2):
                for i, row in enumerate(value):
                    check.fields(node.fields, node.field_names, row, f"{node.name}[{i}]", 3)
        elif value is None:
            required = [f for f in node.fields if f.required]
            if any(not f.required_unconfirmed for f in required):
                check.refuse(node.name, "node is required")
            elif required:
                check.warnings.append(FieldViolation(node.name, "node is missing; the sources disagree on whether "
                                                                "its fields are required"))
        else:
            check.fields(node.fields, node.field_names, value, node.name, 2)
    if "" not in nodes:
        for key, value in payload.items():
            if key not in nodes:
                check.undeclared(key, value, "", 2)


def validate_request(catalogue: Catalogue, tx: Transaction, payload: object) -> list[FieldViolation]:
    """All violations of `payload` (the envelope's input) against `tx`; empty when valid. Warnings
    are left out: see check_request."""
    return check_request(catalogue, tx, payload).violations


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
            if not number.is_finite():
                raise InvalidOperation
            if spec.scale is not None and spec.scale <= 2 and spec.precision and spec.precision >= 10:
                return quantize(number, 2)  # money: exactly two places, as stored and shown
        except InvalidOperation:  # not a number, NaN / Infinity, or too large to hold (1E+309)
            problems.append(FieldViolation(f"{parent}.{spec.name}", f"{excerpt(value)} is not a number"))
            return value
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
