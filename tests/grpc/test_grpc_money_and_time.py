"""Money crosses the wire as exact strings; times convert through the configured zone."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from his.v1 import common_pb2
from his.v1 import outpatient_pb2 as pb


def _violations(err):
    status = rpc_status.from_call(err)
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad)
    return {v.field: v.description for v in bad.field_violations}


def _ts(text: str) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(datetime.fromisoformat(text))
    return ts


def test_amounts_round_trip_exactly(api, auth, registered, fee_row):
    reply = api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[
        fee_row("F1", det="12.50", cnt="1", pric="12.50"),
        fee_row("F2", det="0.1", cnt="1", pric="0.1"),
        fee_row("F3", det="0.20", cnt="2", pric="0.100000"),
    ]), metadata=auth)
    fees = {f.feedetl_sn: f for f in reply.visit.fees}
    assert fees["F1"].det_item_fee_sumamt == "12.50" and fees["F1"].pric == "12.500000"
    assert fees["F2"].det_item_fee_sumamt == "0.10"  # money always two places
    assert (fees["F3"].cnt, fees["F3"].pric) == ("2.0000", "0.100000")  # cnt / pric in their platform scale
    assert fees["F1"].inscp_scp_amt == "12.50" and fees["F1"].state == common_pb2.FEE_STATE_UPLOADED
    item = api.outpatient.last[2][1][1]
    assert item.det_item_fee_sumamt == Decimal("0.10") and isinstance(item.pric, Decimal)


def test_point_one_plus_point_two_is_point_three(api, auth, registered, fee_row):
    api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[
        fee_row("F1", det="0.1", pric="0.1"), fee_row("F2", det="0.2", pric="0.2")]), metadata=auth)
    preview = api.visits.PreSettleVisit(pb.PreSettleVisitRequest(
        visit_id=registered.id, chrg_bchno="B1", use_personal_account=True), metadata=auth).settlement
    assert preview.medfee_sumamt == "0.30" and preview.state == common_pb2.SETTLEMENT_STATE_UNSPECIFIED
    reply = api.visits.SettleVisit(pb.SettleVisitRequest(visit_id=registered.id, chrg_bchno="B1",
                                                         use_personal_account=False, invono="INV1"), metadata=auth)
    s = reply.settlement
    assert (s.medfee_sumamt, s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay) == (
        "0.30", "0.21", "0.09", "0.00", "0.09")
    assert s.pool_prop_selfpay == "0.7000" and s.hifes_pay == ""  # the fake platform gave no hifes_pay
    assert s.fund_payments[0].fund_payamt == "0.21" and s.fund_payments[0].crt_payb_lmt_amt == ""
    assert reply.visit.state == common_pb2.VISIT_STATE_SETTLED
    assert api.outpatient.last[2][2:] == (False, "01", "INV1")  # acct_used, default psn_setlway, invono

    negative = api.visits.CancelSettlement(pb.CancelSettlementRequest(visit_id=registered.id, setl_id=s.setl_id),
                                           metadata=auth)
    assert negative.settlement.medfee_sumamt == "-0.30" and negative.settlement.acct_pay == "0.00"
    assert [x.state for x in negative.visit.settlements] == [common_pb2.SETTLEMENT_STATE_CANCELLED] * 2


def test_bad_money_string_names_the_field(api, auth, registered, fee_row):
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[
            fee_row("F1"), fee_row("F2", pric="12,50")]), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(caught.value)) == {"fees[1].pric"}
    assert api.outpatient.calls[-1][0] == "register"  # the use case was never called


@pytest.mark.parametrize("field, value", [
    ("det", "1e2"), ("det", "12.345"), ("det", ""), ("det", "NaN"), ("cnt", "1.00001"), ("pric", "1.1234567"),
    ("det", "12345678901234567.00"),
])
def test_malformed_decimals_are_refused(api, auth, registered, fee_row, field, value):
    names = {"det": "det_item_fee_sumamt", "cnt": "cnt", "pric": "pric"}
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[fee_row(**{field: value})]),
                              metadata=auth)
    assert f"fees[0].{names[field]}" in _violations(caught.value)


def test_all_bad_fields_are_reported_at_once(api, auth, registered, fee_row):
    rows = [fee_row("F1", det="x"), fee_row("F2"), fee_row("F3", cnt="", pric="-")]
    rows[1].ClearField("fee_ocur_time")
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=rows), metadata=auth)
    assert set(_violations(caught.value)) == {
        "fees[0].det_item_fee_sumamt", "fees[1].fee_ocur_time", "fees[2].cnt", "fees[2].pric"}


def test_domain_violations_use_the_request_field_names(api, auth, registered, fee_row):
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[
            fee_row("F1"), fee_row("F2", det="10.00", cnt="3", pric="3.33")]), metadata=auth)
    assert set(_violations(caught.value)) == {"fees[1].det_item_fee_sumamt"}  # domain said feedetail[1]


def test_registration_time_is_local_wall_time_in_the_zone(api, auth, registered):
    begin = _ts("2024-03-01T02:00:00+00:00")
    reply = api.visits.RegisterVisit(pb.RegisterVisitRequest(psn_no="P001", begntime=begin), metadata=auth)
    cmd = api.outpatient.last[2][0]
    assert cmd.begntime == datetime(2024, 3, 1, 10, 0, 0) and cmd.begntime.tzinfo is None
    assert reply.visit.begntime == begin  # back to the same instant


def test_unset_time_reaches_the_use_case_as_none(api, auth, registered, fake_now):
    assert api.outpatient.calls[-1][2][0].begntime is None
    expected = fake_now.replace(tzinfo=timezone.utc).timestamp() - 8 * 3600
    assert registered.begntime.seconds == int(expected)


def test_zone_is_configurable(utc_api, auth, fee_row):
    begin = _ts("2024-03-01T02:00:00+00:00")
    utc_api.visits.RegisterVisit(pb.RegisterVisitRequest(psn_no="P001", begntime=begin), metadata=auth)
    assert utc_api.outpatient.last[2][0].begntime == datetime(2024, 3, 1, 2, 0, 0)


def test_settlement_and_journal_times(api, auth, registered, fee_row, fake_now):
    api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[fee_row()]), metadata=auth)
    fee = api.outpatient.last[2][1][0]
    assert fee.fee_ocur_time == datetime(2024, 3, 1, 9, 30, 0)  # 01:30Z in Shanghai
    s = api.visits.SettleVisit(pb.SettleVisitRequest(visit_id=registered.id, chrg_bchno="B1"),
                               metadata=auth).settlement
    assert s.setl_time.ToDatetime(tzinfo=timezone.utc) == datetime(2024, 3, 1, 1, 30, tzinfo=timezone.utc)
    api.journal.add(visit_id=registered.id)
    entries = api.visits.GetVisit(pb.GetVisitRequest(visit_id=registered.mdtrt_id, include_journal=True),
                                  metadata=auth).journal_entries
    assert len(entries) == 1 and entries[0].created_at.ToDatetime() == datetime(2024, 3, 1, 1, 30)
    assert not entries[0].HasField("finished_at") and not entries[0].HasField("infcode")
    assert entries[0].request_json == '{"input":{"data":{"medfee_sumamt":0.30}}}'
