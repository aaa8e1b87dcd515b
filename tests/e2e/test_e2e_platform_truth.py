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
