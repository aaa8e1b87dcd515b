"""Hostile input over a real socket: every bad request is INVALID_ARGUMENT naming the request's own
field, echoes at most a short excerpt, sends nothing to the platform and changes no stored row."""
from __future__ import annotations

import grpc
import pytest
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2
from sqlalchemy import select

from adapters.db import tables as t
from his.v1 import outpatient_pb2 as op
from his.v1 import platform_pb2, platform_pb2_grpc
from services.grpc.server import build_server
from test_e2e_outpatient import WORKER, WORKER_CERTNO, details, fee_rows, registered_visit


def refused(call, *args, **kw) -> tuple[grpc.StatusCode, dict[str, str], str]:
    with pytest.raises(grpc.RpcError) as err:
        call(*args, **kw)
    fields = {v.field: v.description for d in details(err.value, error_details_pb2.BadRequest)
              for v in d.field_violations}
    return err.value.code(), fields, err.value.details()


def rows_of(stack, visit_id: str) -> list:
    """The visit's row and its children's rows, exactly as stored."""
    with stack.app.container.engine().connect() as conn:
        found = [tuple(conn.execute(select(t.visits).where(t.visits.c.id == visit_id)).one())]
        for child in (t.diagnoses, t.fee_items, t.settlements):
            found += [tuple(r) for r in conn.execute(select(child).where(child.c.visit_id == visit_id)
                                                     .order_by(child.c.id))]
    return found


def sent(stack) -> int:
    return len(stack.simulator._state.messages)


def test_bad_settlement_requests_leave_the_visit_byte_identical(stack):
    stub, visit = registered_visit(stack)
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    before, calls = rows_of(stack, visit.id), sent(stack)
    for bad, field in [(dict(psn_setlway="99"), "psn_setlway"), (dict(invono="9" * 100_000), "invono"),
                       (dict(invono="INV\x1b[31m1"), "invono"), (dict(chrg_bchno=""), "chrg_bchno"),
                       (dict(invono="I" * 51), "invono")]:
        request = dict(visit_id=visit.id, chrg_bchno="B1", use_personal_account=True) | bad
        code, fields, message = refused(stub.SettleVisit, op.SettleVisitRequest(**request), metadata=stack.metadata)
        assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == [field], (bad, fields)
        assert len(message) < 1200 and "9" * 100 not in message and "\x1b" not in message
        assert rows_of(stack, visit.id) == before, bad  # not even the version moved
    assert sent(stack) == calls


def test_a_huge_id_is_refused_by_name_not_echoed(stack):
    stub, _ = registered_visit(stack)
    code, fields, message = refused(stub.GetVisit, op.GetVisitRequest(visit_id="x" * 100_000), metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and fields == {"visit_id": "longer than 128 characters (100000)"}
    assert len(message) < 300


def test_empty_required_ids_are_invalid_argument_naming_the_field(stack):
    stub, _ = registered_visit(stack)
    for call, request, names in [
            (stub.GetVisit, op.GetVisitRequest(), ["visit_id"]),
            (stub.CancelFees, op.CancelFeesRequest(), ["visit_id", "chrg_bchno"]),
            (stub.SettleVisit, op.SettleVisitRequest(visit_id="v"), ["chrg_bchno"]),
            (stub.CancelSettlement, op.CancelSettlementRequest(visit_id="v"), ["setl_id"]),
            (stub.CancelRegistration, op.CancelRegistrationRequest(), ["visit_id"]),
            (stub.UploadFees, op.UploadFeesRequest(), ["visit_id"])]:
        code, fields, _ = refused(call, request, metadata=stack.metadata)
        assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == names, (request, fields)


def test_control_and_bidi_characters_are_refused_before_anything_is_sent(stack):
    stub, _ = registered_visit(stack)
    calls = sent(stack)
    for text in ("王\x00医生", "王医生\u202e", "\x1b[2J王医生", "王\u2066医生"):
        code, fields, message = refused(stub.RegisterVisit, op.RegisterVisitRequest(
            psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
            dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name=text), metadata=stack.metadata)
        assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == ["dr_name"]
        assert "control or formatting character" in fields["dr_name"] and text not in message
    assert sent(stack) == calls


def test_platform_field_violations_carry_the_requests_own_names(stack):
    stub, _ = registered_visit(stack)
    code, fields, _ = refused(stub.ReadInsuredPerson, op.ReadInsuredPersonRequest(mdtrt_cert_type="02"),
                              metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == ["mdtrt_cert_no"]
    code, fields, _ = refused(stub.RegisterVisit, op.RegisterVisitRequest(
        psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
        dept_code="NK01", caty="A03", atddr_no="D001", dr_name="王医生"), metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == ["dept_name"]


def test_a_thousand_bad_rows_give_a_bounded_error(stack):
    stub, visit = registered_visit(stack)
    rows = [op.FeeItemInput(feedetl_sn=f"F{i}", chrg_bchno="B1", cnt="1e3", pric="x", det_item_fee_sumamt="?")
            for i in range(1000)]
    code, fields, message = refused(stub.UploadFees, op.UploadFeesRequest(visit_id=visit.id, fees=rows),
                                    metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and 10 < len(fields) <= 51 and len(message) < 1200


@pytest.fixture
def platform_stub(stack):
    server, port = build_server(stack.app.outpatient, stack.app.journal, stack.app.settings.tokens(),
                                address="127.0.0.1:0", platform=stack.app.transactions,
                                request_scope=stack.app.request_scope)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield platform_pb2_grpc.PlatformServiceStub(channel)
    channel.close()
    server.stop(None)


def test_deeply_nested_input_is_invalid_argument_not_internal(stack, platform_stub):
    code, fields, _ = refused(platform_stub.Invoke, platform_pb2.InvokeRequest(
        code="1101", input_json="[" * 100_000 + "]" * 100_000), metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == ["input_json"]
    deep = struct_pb2.Struct()
    inner = deep
    for _ in range(200):  # past protobuf's own nesting limit: the request cannot even be decoded
        inner = inner.fields["a"].struct_value
    request = platform_pb2.InvokeRequest(code="1101")
    request.input.CopyFrom(deep)
    code, fields, _ = refused(platform_stub.Invoke, request, metadata=stack.metadata)
    assert code is grpc.StatusCode.INVALID_ARGUMENT and list(fields) == ["request"]
