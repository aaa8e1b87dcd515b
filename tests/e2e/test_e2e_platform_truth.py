"""The platform's answer is its truth, over gRPC + HTTP on real sockets: a reply with infcode 0 is
recorded as given, odd sums become discrepancies shown to the client, nothing is reversed."""
from __future__ import annotations

import json

from his.v1 import common_pb2, outpatient_pb2 as op
from test_e2e_outpatient import fee_rows, registered_visit


def infnos(stack, visit_id):
    return [e.infno for e in stack.app.journal.for_visit(visit_id)]


def test_a_settlement_whose_sums_do_not_hold_is_kept_shown_and_never_reversed(stack):
    stub, visit = registered_visit(stack)
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    stack.simulator.faults.add("2207", "uneven_sums")
    reply = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1", use_personal_account=True),
                             metadata=stack.metadata)
    s = reply.settlement
    assert reply.visit.state == common_pb2.VISIT_STATE_SETTLED and s.state == common_pb2.SETTLEMENT_STATE_ACTIVE
    assert len(s.discrepancies) == 1 and "psn_cash_pay" in s.discrepancies[0]
    assert s.discrepancies[0].endswith("(differs by -0.01)")
    assert stack.simulator.settlement(s.setl_id)["state"] == "active"  # the platform holds it: so do we
    assert "2601" not in infnos(stack, visit.id)
    shown = stub.GetVisit(op.GetVisitRequest(visit_id=visit.id, include_journal=True), metadata=stack.metadata)
    assert list(shown.visit.settlements[0].discrepancies) == list(s.discrepancies)
    settle = next(e for e in shown.journal_entries if e.infno == "2207")
    assert settle.state == common_pb2.JOURNAL_STATE_OK and settle.discrepancy == s.discrepancies[0]
    assert [e.msgid for e in stack.app.journal.with_discrepancies()][:1] == [settle.msgid]


def test_a_cancellation_with_null_parts_is_recorded_as_given(stack):
    stub, visit = registered_visit(stack)
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    settled = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"),
                               metadata=stack.metadata).settlement
    stack.simulator.faults.add("2208", "null_part_amounts")
    reply = stub.CancelSettlement(op.CancelSettlementRequest(visit_id=visit.id, setl_id=settled.setl_id),
                                  metadata=stack.metadata)
    negative = reply.settlement
    assert reply.visit.state == common_pb2.VISIT_STATE_REGISTERED
    assert (negative.psn_part_amt, negative.hosp_part_amt) == ("", "")  # not given: not guessed as 0.00
    assert negative.medfee_sumamt == "-25.00" and list(negative.discrepancies) == []
    stored = stub.GetVisit(op.GetVisitRequest(visit_id=visit.id), metadata=stack.metadata).visit
    assert [x.psn_part_amt for x in stored.settlements] == [settled.psn_part_amt, ""]
    assert "2601" not in infnos(stack, visit.id)


def test_a_warning_beside_infcode_0_is_a_success_whose_message_is_kept(stack):
    stub, visit = registered_visit(stack)
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=fee_rows("B1")), metadata=stack.metadata)
    stack.simulator.faults.add("2207", "warn_message")
    reply = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=stack.metadata)
    assert reply.visit.state == common_pb2.VISIT_STATE_SETTLED
    entries = stub.GetVisit(op.GetVisitRequest(visit_id=visit.id, include_journal=True),
                            metadata=stack.metadata).journal_entries
    settle = next(e for e in entries if e.infno == "2207")
    assert settle.state == common_pb2.JOURNAL_STATE_OK and settle.err_msg.startswith("提示：")
    assert json.loads(settle.reply_json)["setlinfo"]["setl_id"] == reply.settlement.setl_id


def test_a_fee_row_reads_the_same_from_every_method(stack):
    stub, visit = registered_visit(stack)
    rows = fee_rows("B1", pric="12.35")
    rows[0].cnt, rows[0].det_item_fee_sumamt = "3", "37.05"
    uploaded = stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=rows), metadata=stack.metadata).visit.fees[0]
    stored = stub.GetVisit(op.GetVisitRequest(visit_id=visit.id), metadata=stack.metadata).visit.fees[0]
    assert (uploaded.cnt, uploaded.pric, uploaded.det_item_fee_sumamt) == ("3.0000", "12.350000", "37.05")
    assert (stored.cnt, stored.pric, stored.det_item_fee_sumamt) == (uploaded.cnt, uploaded.pric,
                                                                      uploaded.det_item_fee_sumamt)


def test_2203_sends_the_disease_category_only_when_given_never_the_icd_code(stack):
    stub, visit = registered_visit(stack)
    diagnosis = common_pb2.Diagnosis(diag_type="1", diag_srt_no=1, diag_code="I10.x00", diag_name="高血压",
                                     diag_dept="内科", dise_dor_no="D001", dise_dor_name="王医生",
                                     diag_time=visit.begntime, maindiag_flag="1")
    stub.UploadVisitInfo(op.UploadVisitInfoRequest(visit_id=visit.id, diagnoses=[diagnosis]), metadata=stack.metadata)
    stub.UploadVisitInfo(op.UploadVisitInfoRequest(visit_id=visit.id, diagnoses=[diagnosis], dise_codg="M03900",
                                                   dise_name="高血压"), metadata=stack.metadata)
    sent = [e.request["input"]["mdtrtinfo"] for e in stack.app.journal.for_visit(visit.id) if e.infno == "2203"]
    assert [(m["dise_codg"], m["dise_name"]) for m in sent] == [("", ""), ("M03900", "高血压")]
