"""The servicers pass requests through to the use cases and map the results faithfully."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from domain.journal import JournalState
from his.v1 import common_pb2, journal_pb2
from his.v1 import outpatient_pb2 as pb


def test_read_insured_person(api, auth):
    person = api.visits.ReadInsuredPerson(pb.ReadInsuredPersonRequest(
        mdtrt_cert_type="03", mdtrt_cert_no="420100198005060011", card_sn="C1", psn_name="王五"),
        metadata=auth).person
    assert api.outpatient.last[2] == ("03", "420100198005060011", "C1", "王五")
    assert (person.psn_no, person.psn_name, person.brdy, person.age) == ("P001", "王五", "1980-05-06", "43.8")
    assert [(i.insutype, i.balc, i.insuplc_admdvs) for i in person.insurances] == [("310", "1234.50", "420100")]


def test_register_passes_every_field(api, auth, registered):
    cmd = api.outpatient.last[2][0]
    assert (cmd.psn_no, cmd.insutype, cmd.med_type, cmd.mdtrt_cert_type, cmd.dept_code, cmd.caty, cmd.atddr_no,
            cmd.dr_name, cmd.ipt_otp_no, cmd.insuplc_admdvs) == (
        "P001", "310", "11", "02", "D01", "A03", "DR1", "李四", "", "")
    assert (registered.id, registered.mdtrt_id, registered.state) == ("v1", "M1", common_pb2.VISIT_STATE_REGISTERED)
    assert registered.psn_name == "张三" and registered.version == 1


def test_upload_visit_info(api, auth, registered):
    when = Timestamp(seconds=1709256600)
    reply = api.visits.UploadVisitInfo(pb.UploadVisitInfoRequest(visit_id=registered.id, main_cond_dscr="发热",
                                                                 diagnoses=[
        common_pb2.Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染",
                             diag_dept="内科", dise_dor_no="DR1", dise_dor_name="李四", diag_time=when,
                             maindiag_flag="1")]), metadata=auth)
    diagnosis = api.outpatient.last[2][1][0]
    assert diagnosis.diag_time == datetime(2024, 3, 1, 9, 30) and diagnosis.vali_flag == "1"
    assert api.outpatient.last[2][2] == "发热"
    assert reply.visit.diagnoses[0].diag_code == "J06.900" and reply.visit.diagnoses[0].diag_time == when


def test_upload_visit_info_violations_are_renamed(api, auth, registered):
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.UploadVisitInfo(pb.UploadVisitInfoRequest(visit_id=registered.id), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT and "diagnoses:" in caught.value.details()


def test_fee_defaults_and_cancel(api, auth, registered, fee_row):
    api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[fee_row()]), metadata=auth)
    item = api.outpatient.last[2][1][0]
    assert (item.rx_circ_flag, item.hosp_appr_flag, item.medins_list_name) == ("0", "1", "阿莫西林")
    reply = api.visits.CancelFees(pb.CancelFeesRequest(visit_id=registered.id, chrg_bchno="B1"), metadata=auth)
    assert reply.visit.fees[0].state == common_pb2.FEE_STATE_CANCELLED


def test_pre_settle_passes_the_flags(api, auth, registered, fee_row):
    api.visits.UploadFees(pb.UploadFeesRequest(visit_id=registered.id, fees=[fee_row()]), metadata=auth)
    api.visits.PreSettleVisit(pb.PreSettleVisitRequest(visit_id=registered.id, chrg_bchno="B1",
                                                       use_personal_account=True, psn_setlway="02"), metadata=auth)
    assert api.outpatient.last[2] == (registered.id, "B1", True, "02")


def test_get_visit_by_mdtrt_id_without_journal(api, auth, registered):
    reply = api.visits.GetVisit(pb.GetVisitRequest(visit_id="M1"), metadata=auth)
    assert reply.visit.id == registered.id and len(reply.journal_entries) == 0
    assert not any(name == "for_visit" for name, *_ in api.journal.calls)


def test_journal_methods(api, auth):
    open_entry = api.journal.add(visit_id="v1", state=JournalState.UNCERTAIN, err_msg="timed out")
    api.journal.add(visit_id="v1", state=JournalState.OK, infcode=0, reply={"setlinfo": {"balc": Decimal("9.10")}},
                    finished_at=datetime(2024, 3, 1, 9, 31))
    api.journal.add(visit_id="v2", state=JournalState.PENDING)
    listed = api.entries.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(visit_id="v1"), metadata=auth)
    assert [e.state for e in listed.entries] == [common_pb2.JOURNAL_STATE_UNCERTAIN, common_pb2.JOURNAL_STATE_OK]
    assert listed.entries[1].reply_json == '{"setlinfo":{"balc":9.10}}' and listed.entries[1].infcode == 0
    only_open = api.entries.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(
        visit_id="v1", unresolved_only=True), metadata=auth)
    assert [e.id for e in only_open.entries] == [open_entry.id]
    everywhere = api.entries.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(unresolved_only=True),
                                                metadata=auth)
    assert {e.visit_id for e in everywhere.entries} == {"v1", "v2"}

    got = api.entries.GetJournalEntry(journal_pb2.GetJournalEntryRequest(id=open_entry.id), metadata=auth).entry
    assert (got.msgid, got.infno, got.err_msg, got.operator_code) == (open_entry.msgid, "2207", "timed out", "A001")
    resolved = api.entries.ResolveJournalEntry(journal_pb2.ResolveJournalEntryRequest(id=open_entry.id),
                                               metadata=auth).entry
    assert resolved.state == common_pb2.JOURNAL_STATE_REVERSED and resolved.reversal_msgid == "R1"
    with pytest.raises(grpc.RpcError) as caught:
        api.entries.GetJournalEntry(journal_pb2.GetJournalEntryRequest(id=0), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
