"""The first check of every request: sizes and characters of its strings, before any use case runs.

Each string field of a request message, at any depth, is held to a bound and to domain.text's
character rule; a violation names the field by its path in the request ("fees[3].bilg_dr_name").
The bound of a field that travels to the platform under the same name (psn_no, dept_name, invono...)
is the longest the transaction catalogue allows it anywhere, so this check is never stricter than the
platform; the gateway then checks each transaction's exact lengths. Other fields (our ids, tokens)
get a fixed bound. Nothing here echoes more than a short excerpt of what it refuses.

A request that cannot even be decoded (a Struct nested past protobuf's limit, bytes that are no
message) becomes INVALID_ARGUMENT here too, rather than the framework's INTERNAL.
"""
from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor

from domain.errors import FieldViolation, ValidationFailed
from domain.text import describe_forbidden, forbidden_character
from ports.catalogue import Catalogue

DEFAULT_BOUND = 128  # our own ids, codes and names that have no platform twin
FREE_TEXT = 500  # a bound at least this long marks free text, where line breaks and tabs may appear
MAX_VIOLATIONS = 50
# Fields that are not a platform field nor an id: their own bounds.
OWN_BOUNDS = {
    "input_json": 1 << 20,  # Invoke's input as JSON text: its characters are JSON's business (and the catalogue's)
    "page_token": 1024,
    "request_id": 64,
    "code": 30,  # a charge item's (3301 fixmedins_hilist_id); the other records' own rules keep theirs to 16
    "code_prefix": 16,
    "group": 100,
    "gateway": 16,
    "patient_id": 50,  # our ids (a platform field of this name is shorter)
    "encounter_id": 50,
    "exam_request_id": 50,
    "clinical_summary": 2000,  # free text of the doctor's orders
    "purpose": 500,
    "report_text": 20000,  # a radiology report
}
RAW = frozenset({"input_json"})  # checked for size only
# Messages checked elsewhere: Struct values become the platform input (the catalogue checks them).
OPAQUE = frozenset({"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
                    "google.protobuf.Timestamp"})
_STRING, _MESSAGE = FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_MESSAGE


def platform_lengths(catalogue: Catalogue) -> dict[str, int]:
    """Field name -> the longest length any transaction's input gives a text field of that name."""
    found: dict[str, int] = {}

    def visit(fields) -> None:
        for spec in fields:
            if spec.type == "string" and spec.length:
                found[spec.name] = max(found.get(spec.name, 0), spec.length)
            visit(spec.items)

    for tx in catalogue:
        for node in tx.input:
            visit(node.fields)
    return found


class Undecodable:
    """Stands in for a request whose bytes could not be decoded."""

    def __init__(self, error: Exception):
        self.error = error


def safe_deserializer(deserialize):
    def read(data: bytes):
        try:
            return deserialize(data)
        except Exception as exc:  # noqa: BLE001 - any decoding failure is the client's input
            return Undecodable(exc)
    return read


class RequestGuard:
    def __init__(self, catalogue: Catalogue):
        self._bounds = {**platform_lengths(catalogue), **OWN_BOUNDS}

    def check(self, request) -> None:
        """ValidationFailed naming every oversized or forbidden string of `request`."""
        if isinstance(request, Undecodable):
            raise ValidationFailed([FieldViolation(
                "request", f"could not be decoded ({type(request.error).__name__}); is it nested too deep?")])
        found: list[FieldViolation] = []
        self._walk(request, "", found)
        if found:
            raise ValidationFailed(found[:MAX_VIOLATIONS])

    def _walk(self, message, prefix: str, found: list[FieldViolation]) -> None:
        for fd, value in message.ListFields():
            if len(found) >= MAX_VIOLATIONS:
                return
            if fd.type == _STRING:
                if fd.is_repeated:
                    for i, text in enumerate(value):
                        self._text(fd.name, text, f"{prefix}{fd.name}[{i}]", found)
                else:
                    self._text(fd.name, value, prefix + fd.name, found)
            elif fd.type == _MESSAGE and fd.message_type.full_name not in OPAQUE:
                if fd.message_type.GetOptions().map_entry:
                    continue  # no request has maps of its own
                if fd.is_repeated:
                    for i, item in enumerate(value):
                        self._walk(item, f"{prefix}{fd.name}[{i}].", found)
                else:
                    self._walk(value, f"{prefix}{fd.name}.", found)

    def _text(self, name: str, text: str, where: str, found: list[FieldViolation]) -> None:
        bound = self._bounds.get(name, DEFAULT_BOUND)
        if len(text) > bound:
            found.append(FieldViolation(where, f"longer than {bound} characters ({len(text)})"))
            return
        if name in RAW:
            return
        at = forbidden_character(text, multiline=bound >= FREE_TEXT)
        if at is not None:
            found.append(FieldViolation(where, describe_forbidden(text, at)))
