"""End to end through gRPC: the example client's visit, errors as a client sees them."""
from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from grpc_status import rpc_status
from google.rpc import error_details_pb2

from his.v1 import common_pb2, journal_pb2, journal_pb2_grpc, outpatient_pb2 as op, outpatient_pb2_grpc

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "outpatient_visit.py"
WORKER_CERTNO = "420106198005129910"
WORKER = "42010620000000000001"


def example():
    spec = importlib.util.spec_from_file_location("outpatient_visit_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def details(err: grpc.RpcError, kind):
    status = rpc_status.from_call(err)
    found = []
    for any_detail in status.details if status else []:
        message = kind()
        if any_detail.Unpack(message):
            found.append(message)
    return found


def registered_visit(stack):
    stub = outpatient_pb2_grpc.OutpatientServiceStub(stack.channel)
    stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO),
                           metadata=stack.metadata)
    visit = stub.RegisterVisit(op.RegisterVisitRequest(
        psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生"),
        metadata=stack.metadata).visit
    return stub, visit


def fee_rows(batch: str, pric: str = "12.50"):
    ex = example()
    return [op.FeeItemInput(feedetl_sn=f"{batch}-1", chrg_bchno=batch, med_list_codg="XJ01CAA040A001010104022",
                            medins_list_codg="YP0001", cnt="2", pric=pric, det_item_fee_sumamt="25.00",
                            fee_ocur_time=ex.now(), bilg_dept_codg="NK01", bilg_dept_name="内科门诊",
                            bilg_dr_codg="D001", bilg_dr_name="王医生")]


def test_the_example_client_runs_a_whole_visit(stack):
    lines: list[str] = []
    ex = example()
    seen = ex.run_visit(stack.channel, "demo-token", out=lines.append)
    s = seen["settlement"]
    # by hand from the example's five rows and the simulator's policy (310: 起付线 200.00, 70 %):
    #   阿莫西林 2 × 12.50 = 25.00 甲类; 诊察费 10.00 甲类 (at its 10.00 ceiling); 注射器 3 × 1.10 = 3.30
    #   乙类, 先行自付 20 % = 0.66; 肝功能 80.00 乙类, 10 % = 8.00; 超声 150.00 乙类 (at its ceiling), 10 % = 15.00
    #   total 268.30, in scope 268.30 - 23.66 = 244.64; fund (244.64 - 200.00) × 0.70 = 31.248 → 31.25;
    #   person 268.30 - 31.25 = 237.05, all from the account
    assert (s.medfee_sumamt, s.inscp_scp_amt, s.preselfpay_amt, s.act_pay_dedc) == (
        "268.30", "244.64", "23.66", "200.00")
    assert (s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay) == ("31.25", "237.05", "237.05", "0.00")
    assert seen["negative"].medfee_sumamt == "-268.30"
    assert seen["visit"].state == common_pb2.VISIT_STATE_CANCELLED
    assert [e.infno for e in seen["journal"]] == ["2201A", "2203", "2204", "2206", "2207", "2208", "2205", "2202"]
    assert all(e.state == common_pb2.JOURNAL_STATE_OK for e in seen["journal"])
    assert any(line.startswith("2207") for line in lines)
    assert stack.simulator.balance(WORKER, "310") == Decimal("1500.00")


def test_no_token_is_unauthenticated(stack):
    stub = outpatient_pb2_grpc.OutpatientServiceStub(stack.channel)
    with pytest.raises(grpc.RpcError) as err:
        stub.ListVisits(op.ListVisitsRequest(psn_no=WORKER))
    assert err.value.code() is grpc.StatusCode.UNAUTHENTICATED


def test_bad_fee_row_is_invalid_argument_with_field_details_and_writes_nothing(stack):
    stub, visit = registered_visit(stack)
    bad = fee_rows("B1", pric="12.5x")
    with pytest.raises(grpc.RpcError) as err:
        stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=bad), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    violations = [v.field for d in details(err.value, error_details_pb2.BadRequest) for v in d.field_violations]
    assert violations == ["fees[0].pric"]
    again = stub.GetVisit(op.GetVisitRequest(visit_id=visit.id, include_journal=True), metadata=stack.metadata)
    assert list(again.visit.fees) == [] and [e.infno for e in again.journal_entries] == ["2201A"]


def test_platform_refusal_carries_error_info(stack):
    stub, visit = registered_visit(stack)
    rows = fee_rows("B1")
    rows[0].med_list_codg = "NOT-A-CODE"
    with pytest.raises(grpc.RpcError) as err:
        stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=rows), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    info = details(err.value, error_details_pb2.ErrorInfo)[0]
    assert info.reason == "PLATFORM_REFUSED" and info.metadata["infcode"] == "-1"
    assert info.metadata["msgid"].startswith("H42010600001") and info.metadata["journal_id"]


def test_timeout_after_commit_is_unavailable_and_reversed(stack):
    stub, visit = registered_visit(stack)
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    stack.simulator.faults.add("2207", "timeout_after_commit", 1, 3.0)
    with pytest.raises(grpc.RpcError) as err:
        stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1", use_personal_account=True),
                         metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.UNAVAILABLE
    info = details(err.value, error_details_pb2.ErrorInfo)[0]
    assert info.metadata["outcome"] == "reversed"
    journal = journal_pb2_grpc.JournalServiceStub(stack.channel)
    entry = journal.GetJournalEntry(journal_pb2.GetJournalEntryRequest(id=int(info.metadata["journal_id"])),
                                    metadata=stack.metadata).entry
    assert entry.state == common_pb2.JOURNAL_STATE_REVERSED and entry.reversal_msgid
    assert stack.simulator.balance(WORKER, "310") == Decimal("1500.00")
    settled = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1", use_personal_account=True),
                               metadata=stack.metadata)
    assert settled.visit.state == common_pb2.VISIT_STATE_SETTLED
    # 25.00 甲类 below the 200.00 起付线: the account pays all of it, once (the reversed attempt left nothing)
    assert settled.settlement.acct_pay == "25.00"
    assert stack.simulator.balance(WORKER, "310") == Decimal("1475.00")


def test_fee_upload_whose_reply_timed_out_is_proven_by_5204_and_succeeds(stack):
    stub, visit = registered_visit(stack)
    stack.simulator.faults.add("2204", "timeout_after_commit", 1, 3.0)  # longer than the 1 s read timeout
    uploaded = stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")),
                               metadata=stack.metadata).visit
    assert [f.feedetl_sn for f in uploaded.fees] == ["B1-1"] and uploaded.fees[0].chrgitm_lv
    journal = journal_pb2_grpc.JournalServiceStub(stack.channel)
    entries = journal.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(visit_id=visit.id),
                                         metadata=stack.metadata).entries
    upload = next(e for e in entries if e.infno == "2204")
    assert upload.state == common_pb2.JOURNAL_STATE_CONFIRMED and upload.resolution.startswith("5204 ")
    assert any(e.infno == "5204" and e.state == common_pb2.JOURNAL_STATE_OK for e in entries)


def test_unknown_visit_is_not_found_and_double_settle_is_failed_precondition(stack):
    stub, visit = registered_visit(stack)
    with pytest.raises(grpc.RpcError) as err:
        stub.GetVisit(op.GetVisitRequest(visit_id="no-such-visit"), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.NOT_FOUND
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=stack.metadata)
    with pytest.raises(grpc.RpcError) as err:
        stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=stack.metadata)
    assert err.value.code() is grpc.StatusCode.FAILED_PRECONDITION
