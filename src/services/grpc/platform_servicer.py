"""his.v1.PlatformService: the catalogue and the generic call. Proto <-> plain values, nothing more.

Struct numbers are binary doubles, so they are taken only where a double is exact and means what
the client wrote: integral values within 2^53. Anything else (12.5, 0.1) is refused by field path
rather than turned into a decimal the client never sent; exact decimals come as strings or JSON.
"""
from __future__ import annotations

import base64
import math
from datetime import date, datetime
from decimal import Decimal

from google.protobuf import struct_pb2

from domain.errors import FieldViolation, ValidationFailed
from his.v1 import platform_pb2 as pb
from his.v1 import platform_pb2_grpc
from ports.catalogue import DATETIME_FORMAT, Dictionary, FieldSpec, NodeSpec, Transaction
from ports.jsoncodec import encode_json
from services.access import AccessPolicy
from services.grpc.auth import current_operator
from services.platform_gateway import CallContext
from services.transactions import parse_input_json

INVOKE = "platform.invoke"  # the permission Invoke needs (services.grpc.permissions)

_EXACT_DOUBLE = 2 ** 53  # beyond it a double no longer holds every integer


class PlatformServicer(platform_pb2_grpc.PlatformServiceServicer):
    def __init__(self, transactions, access: AccessPolicy | None = None):
        """`transactions`: a TransactionService; `access`: the roles' permissions (whether a role may
        use Invoke at all, shown in each transaction's `invocable`)."""
        self.transactions = transactions
        self.access = access or AccessPolicy()

    def ListTransactions(self, request, context):
        role = current_operator().role
        found = self.transactions.list(group=request.group.strip(), code_prefix=request.code_prefix.strip(),
                                       gateway=request.gateway.strip())
        return pb.ListTransactionsResponse(transactions=[self._info(tx, role) for tx in found])

    def DescribeTransaction(self, request, context):
        role = current_operator().role
        tx, dictionaries = self.transactions.describe(request.code)
        return pb.DescribeTransactionResponse(
            transaction=self._info(tx, role), input=[node_to_proto(n) for n in tx.input],
            output=[node_to_proto(n) for n in tx.output], dictionaries=[dictionary_to_proto(d) for d in dictionaries])

    def Invoke(self, request, context):
        operator = current_operator()
        form = request.WhichOneof("input_form")
        if form == "input_json":
            payload = parse_input_json(request.input_json)
        elif form == "input":
            payload = struct_to_input(request.input)
        else:
            payload = {}
        ctx = CallContext(psn_no=request.psn_no, mdtrt_id=request.mdtrt_id, insuplc_admdvs=request.insuplc_admdvs)
        done = self.transactions.invoke(operator, request.code, payload, ctx)
        reply = pb.InvokeResponse(output_json=encode_json(done.output), msgid=done.msgid,
                                  journal_id=done.journal_id or 0, platform_message=done.message,
                                  discrepancies=done.discrepancies, warnings=done.warnings)
        reply.output.update(output_for_struct(done.output))
        return reply

    def _info(self, tx: Transaction, role: str) -> pb.TransactionInfo:
        invocable = self.access.allows(role, INVOKE) and self.transactions.may_invoke(role, tx)
        return transaction_to_proto(tx, invocable=invocable)


# ---- catalogue -> proto ------------------------------------------------------------------------
def transaction_to_proto(tx: Transaction, invocable: bool = False) -> pb.TransactionInfo:
    return pb.TransactionInfo(
        code=tx.code, name=tx.name, group=tx.group, call_mode=tx.call_mode, reversible=tx.reversible,
        gateway=tx.gateway, file_based=tx.file_based, applicable=tx.applicable, replaced_by=tx.replaced_by,
        fields_source=tx.fields_source, in_hubei_list=tx.in_hubei_list, description=tx.description,
        unconfirmed=tx.unconfirmed, invocable=invocable)


def node_to_proto(node: NodeSpec) -> pb.TransactionNode:
    return pb.TransactionNode(name=node.name, kind=node.kind, open=node.open,
                              fields=[field_to_proto(f) for f in node.fields], unconfirmed=node.unconfirmed,
                              note=node.note)


def field_to_proto(spec: FieldSpec) -> pb.TransactionField:
    # length / precision / scale are proto3 optionals: None leaves them unset rather than 0
    return pb.TransactionField(
        name=spec.name, label=spec.label, type=spec.type, required=spec.required, length=spec.length,
        precision=spec.precision, scale=spec.scale, dictionary=spec.dict or "", unconfirmed=spec.unconfirmed,
        items=[field_to_proto(f) for f in spec.items])


def dictionary_to_proto(d: Dictionary) -> pb.CodeDictionary:
    return pb.CodeDictionary(name=d.name, label=d.label, closed=d.closed,
                             codes=[pb.DictionaryCode(code=str(c), label=str(label)) for c, label in d.codes.items()])


# ---- Struct <-> plain values -------------------------------------------------------------------
def struct_to_input(struct: struct_pb2.Struct) -> dict:
    """The Invoke input from a Struct; every inexact number is reported with its path."""
    problems: list[FieldViolation] = []
    result = {key: _from_value(value, key, problems) for key, value in struct.fields.items()}
    if problems:
        raise ValidationFailed(problems, subject="input")
    return result


def _from_value(value: struct_pb2.Value, where: str, problems: list[FieldViolation]) -> object:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return {k: _from_value(v, f"{where}.{k}", problems) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_from_value(v, f"{where}[{i}]", problems) for i, v in enumerate(value.list_value.values)]
    if kind == "number_value":
        number = value.number_value
        if not math.isfinite(number) or not number.is_integer():
            problems.append(FieldViolation(where, "is a binary floating-point number in a Struct and cannot carry an "
                                                  "exact decimal: send decimals (money) as strings such as \"12.50\", "
                                                  "or send the input as input_json"))
            return None
        if abs(number) > _EXACT_DOUBLE:
            problems.append(FieldViolation(where, "is too large to be exact as a Struct number: send it as a string"))
            return None
        return int(number)
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    return None  # null_value, or a Value left unset


def output_for_struct(value: object) -> object:
    """Decoded output -> values a Struct holds without loss: decimals as strings, times as text."""
    if isinstance(value, dict):
        return {str(k): output_for_struct(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [output_for_struct(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _EXACT_DOUBLE else str(value)
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):  # 9102 file content, as encode_json writes it
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float):  # not expected from decoded output; kept as the double it is
        return value
    return str(value)
