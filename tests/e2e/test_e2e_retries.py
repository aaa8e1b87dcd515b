"""Retries have one effect, over real sockets: a request_id replays the first result, a 门诊号 is
registered once, whatever the client does after a lost reply."""
from __future__ import annotations

import threading
import time
import uuid

import grpc
import pytest
from google.rpc import error_details_pb2

from his.v1 import common_pb2, outpatient_pb2 as op, outpatient_pb2_grpc
from test_e2e_outpatient import WORKER, WORKER_CERTNO, details, fee_rows

OTHER = "42010620000000000004"  # another demo person (310 + 390)


def registration(**over) -> op.RegisterVisitRequest:
    fields = dict(psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
                  dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生")
    return op.RegisterVisitRequest(**(fields | over))


def sent(stack, infno: str) -> int:
    return sum(1 for m in stack.simulator._state.messages.values() if m.infno == infno and not m.refused)


@pytest.fixture
def stub(stack):
    visits = outpatient_pb2_grpc.OutpatientServiceStub(stack.channel)
    visits.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO),
                             metadata=stack.metadata)
    return visits


def test_a_retried_registration_with_one_request_id_registers_once(stack, stub):
    request_id = str(uuid.uuid4())
    first = stub.RegisterVisit(registration(request_id=request_id), metadata=stack.metadata).visit
    again = stub.RegisterVisit(registration(request_id=request_id), metadata=stack.metadata).visit
    assert again == first and first.mdtrt_id and sent(stack, "2201A") == 1
    with pytest.raises(grpc.RpcError) as err:  # the same key for another change is the client's mistake
        stub.RegisterVisit(registration(request_id=request_id, dept_name="外科门诊"), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for d in details(err.value, error_details_pb2.BadRequest) for v in d.field_violations] == [
        "request_id"]


def test_a_client_that_gave_up_waiting_retries_and_gets_the_one_visit(stack, stub):
    stack.simulator.faults.add("2201A", "delay", 1, 0.8)  # slower than the client's patience
    request_id = str(uuid.uuid4())
    with pytest.raises(grpc.RpcError) as err:
        stub.RegisterVisit(registration(request_id=request_id), metadata=stack.metadata, timeout=0.2)
    assert err.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    codes = []
    for _ in range(50):  # the retry loop of a careful client
        try:
            visit = stub.RegisterVisit(registration(request_id=request_id), metadata=stack.metadata).visit
            break
        except grpc.RpcError as retry:
            codes.append(retry.code())
            time.sleep(0.1)
    else:
        pytest.fail(f"never answered: {codes}")
    assert set(codes) <= {grpc.StatusCode.ABORTED} and codes  # told to wait while the first ran
    assert visit.state == common_pb2.VISIT_STATE_REGISTERED and sent(stack, "2201A") == 1


def test_retried_fee_uploads_and_settlements_act_once(stack, stub):
    visit = stub.RegisterVisit(registration(), metadata=stack.metadata).visit
    upload = op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1"), request_id=str(uuid.uuid4()))
    first = stub.UploadFees(upload, metadata=stack.metadata)
    assert stub.UploadFees(upload, metadata=stack.metadata) == first and sent(stack, "2204") == 1
    settle = op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1", request_id=str(uuid.uuid4()))
    settled = stub.SettleVisit(settle, metadata=stack.metadata)
    assert stub.SettleVisit(settle, metadata=stack.metadata) == settled and sent(stack, "2207") == 1


def test_a_refused_call_leaves_its_request_id_free(stack, stub):
    visit = stub.RegisterVisit(registration(), metadata=stack.metadata).visit
    rows = fee_rows("B1")
    rows[0].med_list_codg = "NOT-A-CODE"
    request_id = str(uuid.uuid4())
    for _ in range(2):  # refused by the platform each time: nothing happened, so the retry acts again
        with pytest.raises(grpc.RpcError) as err:
            stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=rows, request_id=request_id),
                            metadata=stack.metadata)
        assert err.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert sum(1 for m in stack.simulator._state.messages.values() if m.infno == "2204") == 2


def test_an_unresolved_outcome_is_replayed_not_repeated(stack, stub):
    visit = stub.RegisterVisit(registration(), metadata=stack.metadata).visit
    stack.simulator.faults.add("2204", "timeout_after_commit", 1, 3.0)
    stack.simulator.faults.add("5204", "drop_before_commit", 1, 0)  # no proof either way, for now
    request = op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1"), request_id=str(uuid.uuid4()))
    outcomes = []
    for _ in range(2):
        with pytest.raises(grpc.RpcError) as err:
            stub.UploadFees(request, metadata=stack.metadata)
        assert err.value.code() is grpc.StatusCode.UNAVAILABLE
        outcomes.append(details(err.value, error_details_pb2.ErrorInfo)[0].metadata["outcome"])
    assert outcomes == ["unresolved", "unresolved"] and sent(stack, "2204") == 1


def test_one_outpatient_number_is_one_visit(stack, stub):
    number = "MZ" + uuid.uuid4().hex[:16].upper()
    first = stub.RegisterVisit(registration(ipt_otp_no=number), metadata=stack.metadata).visit
    again = stub.RegisterVisit(registration(ipt_otp_no=number), metadata=stack.metadata).visit
    assert again.id == first.id and again.mdtrt_id == first.mdtrt_id and sent(stack, "2201A") == 1
    with pytest.raises(grpc.RpcError) as err:
        stub.RegisterVisit(registration(ipt_otp_no=number, psn_no=OTHER), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.ALREADY_EXISTS
    assert details(err.value, error_details_pb2.ResourceInfo)[0].resource_name == first.id


def test_two_desks_registering_one_number_at_once_reach_the_platform_once(stack, stub):
    number = "MZ" + uuid.uuid4().hex[:16].upper()
    stack.simulator.faults.add("2201A", "delay", 1, 0.5)  # both are in flight together
    results, start = [], threading.Barrier(2)

    def desk():
        start.wait()
        try:
            results.append(stub.RegisterVisit(registration(ipt_otp_no=number), metadata=stack.metadata).visit)
        except grpc.RpcError as err:
            results.append(err.code())

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sent(stack, "2201A") == 1
    visits = [r for r in results if isinstance(r, common_pb2.Visit)]
    assert len(visits) >= 1 and len({v.mdtrt_id for v in visits}) == 1
    assert all(r is grpc.StatusCode.FAILED_PRECONDITION for r in results if not isinstance(r, common_pb2.Visit))
