"""The transaction catalogue as a use case: list, describe, and invoke any transaction generically.

Invoke adds only what the generic path needs on top of PlatformGateway.send: the transaction must
exist, the operator's role must cover its group, and it must still be offered in Hubei. Everything
else (validation, sign-in, journal, 冲正 of doubt) is the gateway's, as for the typed services.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from domain.errors import FieldViolation, NotFound, PermissionDenied, ValidationFailed
from domain.operator import Operator
from domain.text import excerpt
from ports.catalogue import Catalogue, Dictionary, FieldSpec, Transaction
from services.platform_gateway import CallContext, PlatformGateway, Receipt

ALL = "*"


def grants(entries: Iterable[str], tx: Transaction) -> bool:
    """Whether one role's entries cover `tx`.

    An entry is "*" (everything), a group ("医保服务/门急诊结算"), a group's top level ("医保服务",
    covering every "医保服务/..." group), or a code prefix made of ASCII letters and digits ("22").
    Group names are Chinese, so the two kinds cannot be confused."""
    for entry in entries:
        if entry == ALL or entry == tx.group or tx.group.startswith(entry + "/"):
            return True
        if entry.isascii() and entry.isalnum() and tx.code.startswith(entry):
            return True
    return False


def in_group(tx: Transaction, group: str) -> bool:
    """A filter: the whole group or its top level."""
    return tx.group == group or tx.group.startswith(group + "/")


def parse_input_json(text: str, field: str = "input_json") -> dict:
    """JSON text -> the input object, numbers with a fraction as exact Decimal (never a float).

    NaN / Infinity are refused: the platform has no such numbers, and they would arrive as floats."""
    def no_constants(name: str):
        raise ValueError(f"{name} is not a number the platform accepts")

    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except ValueError as bad:  # JSONDecodeError is a ValueError
        raise ValidationFailed([FieldViolation(field, f"is not valid JSON: {excerpt(str(bad), 120)}")]) from None
    except RecursionError:  # nesting deeper than the parser goes: no platform input is shaped so
        raise ValidationFailed([FieldViolation(field, "is nested too deeply")]) from None
    if not isinstance(value, dict):
        raise ValidationFailed([FieldViolation(field, "must be a JSON object keyed by node names")])
    return value


class TransactionService:
    def __init__(self, catalogue: Catalogue, gateway: PlatformGateway | None, roles: Mapping[str, Iterable[str]]):
        """`gateway` may be None where only list / describe are used (the CLI's offline commands);
        `roles`: role -> entries it may invoke (see `grants`)."""
        self.catalogue, self.gateway = catalogue, gateway
        self.roles = {role: tuple(entries) for role, entries in roles.items()}

    def list(self, group: str = "", code_prefix: str = "", gateway: str = "") -> list[Transaction]:
        found = [tx for tx in self.catalogue
                 if (not group or in_group(tx, group)) and tx.code.startswith(code_prefix)
                 and (not gateway or tx.gateway == gateway)]
        return sorted(found, key=lambda tx: tx.code)

    def get(self, code: str) -> Transaction:
        """The transaction, whatever the case of `code` (4101A finds 4101a); send its `.code`."""
        tx = self.catalogue.get(code.strip()) if code.strip() else None
        if tx is None:
            if not code.strip():
                raise ValidationFailed([FieldViolation("code", "is required (a transaction code such as 1101)")])
            raise NotFound(f"no transaction {excerpt(code)} in the catalogue")
        return tx

    def describe(self, code: str) -> tuple[Transaction, list[Dictionary]]:
        """The transaction and every dictionary its fields use, in order of first use."""
        tx = self.get(code)
        names: dict[str, None] = {}  # an ordered set
        for node in (*tx.input, *tx.output):
            for name in _dict_names(node.fields):
                names.setdefault(name)
        return tx, [self.catalogue.dictionaries[n] for n in names if n in self.catalogue.dictionaries]

    def may_invoke(self, role: str, tx: Transaction) -> bool:
        return grants(self.roles.get(role, ()), tx)

    def invoke(self, operator: Operator, code: str, payload: dict, ctx: CallContext = CallContext()) -> Receipt:
        tx = self.get(code)
        if not self.may_invoke(operator.role, tx):
            raise PermissionDenied(f"role {operator.role!r} of operator {operator.code} may not invoke "
                                   f"{tx.code} ({tx.group})")
        if not tx.applicable:
            # the gateway refuses too, but names "infno"; here the caller's field is "code"
            hint = f", use {tx.replaced_by}" if tx.replaced_by else ""
            raise ValidationFailed([FieldViolation("code", f"{tx.code} {tx.name}: 本交易不适用{hint}")],
                                   subject=f"{tx.code}")
        if tx.code in GATEWAY_OWNED and operator.role != "system":
            raise PermissionDenied(f"{tx.code} {tx.name} is made by the HIS itself (sign-in per operator, 冲正 of "
                                   "doubtful calls from the journal); use ResolveJournalEntry for a reversal")
        if self.gateway is None:
            raise RuntimeError("TransactionService built without a gateway cannot invoke")
        return self.gateway.send(operator, tx.code, payload, ctx)


# Sign-in/out and 冲正 belong to the gateway: a manual 2601 would undo a call the visit records
# still show, and a manual 9001/9002 would disturb the gateway's own sign-ins.
GATEWAY_OWNED = frozenset({"9001", "9002", "2601"})


def _dict_names(fields: Iterable[FieldSpec]) -> Iterable[str]:
    for spec in fields:
        if spec.dict:
            yield spec.dict
        yield from _dict_names(spec.items)
