"""结算清单 end to end: an insured stay settled over gRPC (2401 … 2304 through the HTTP adapter and the
simulator's front), its settlement list built, its gaps filled by the 医保办, uploaded with 4101a once (a
retry with the same request_id and a second upload send nothing); the auditor reads but does not write. The
patients are seen at 心内科 (XNK01, DR004), as in test_e2e_inpatient."""
from __future__ import annotations

import uuid

import grpc
import pytest
from station_kit import OPERATORS, Station, refused

from his.v1 import inpatient_pb2 as ipt
from his.v1 import inpatient_pb2_grpc
from his.v1 import settlement_lists_pb2 as sl
from his.v1 import settlement_lists_pb2_grpc
from services.hospital import demo_file
from services.inpatient import demo_wards_file
from services.settings import OperatorToken

LIST_OPERATORS = [*OPERATORS, OperatorToken(token="ward-token", code="N101", name="病区护士", role="ward_nurse"),
                  OperatorToken(token="ybb-token", code="Y101", name="医保办", role="insurance_office"),
                  OperatorToken(token="audit-token", code="S101", name="稽核", role="auditor")]
# a value the platform takes for each field the HIS may leave empty
FILLS = {"ntly": "CHN", "prfs": "17", "coner_name": "联系人甲", "patn_rlts": "1", "coner_addr": "武汉市江岸区",
         "coner_tel": "13800000000", "bill_code": "42010621", "bill_no": "FP0001", "medins_fill_dept": "医保办",
         "medins_fill_psn": "周", "hi_paymtd": "3", "curr_addr": "武汉市江岸区", "dscg_caty": "A03"}


@pytest.fixture
def station(start_stack):
    with start_stack(operators=LIST_OPERATORS) as stack:
        stack.app.load_hospital_data(str(demo_file()))
        stack.app.load_wards(str(demo_wards_file()))
        yield Station(stack)


def settled_stay(station):
    api = inpatient_pb2_grpc.InpatientServiceStub(station.stack.channel)
    doctor, nurse = station.md("dr004-token"), station.md("ward-token")
    encounter = station.register_insured(station.insured_patient(), "XNK01", "DR004")
    station.diagnose(encounter.id, "dr004-token")
    order = api.IssueAdmissionOrder(ipt.IssueAdmissionOrderRequest(
        encounter_id=encounter.id, ward_code="NKBQ", med_type="21", request_id=str(uuid.uuid4())),
        metadata=doctor).order
    stay = api.Admit(ipt.AdmitRequest(order_id=order.id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
        method="CASH", amount="1000.00")), metadata=nurse).stay
    api.RecordCharges(ipt.RecordChargesRequest(stay_id=stay.id, request_id=str(uuid.uuid4()), lines=[
        ipt.ChargeLine(item_code="CW-001"), ipt.ChargeLine(item_code="HL-001")]), metadata=nurse)
    api.OrderDischarge(ipt.OrderDischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=doctor)
    api.Discharge(ipt.DischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
    return api.SettleStay(ipt.SettleStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse).stay


def test_the_insurance_office_completes_and_uploads_a_settled_stays_list_once(station):
    api = settlement_lists_pb2_grpc.SettlementListServiceStub(station.stack.channel)
    office, auditor = station.md("ybb-token"), station.md("audit-token")
    stay = settled_stay(station)
    [built] = api.BuildSettlementLists(sl.BuildSettlementListsRequest(stay_id=stay.id, request_id=str(uuid.uuid4())),
                                       metadata=office).built
    assert (built.stay_id, built.setl_id, built.state) == \
        (stay.id, stay.settlement.setl_id, sl.SETTLEMENT_LIST_STATE_DRAFT)
    gaps = {g.path: g.label for g in built.gaps}
    assert {"setlinfo.ntly": "国籍", "setlinfo.coner_name": "联系人姓名"}.items() <= gaps.items()
    values = {v.path: v for v in built.values}
    assert values["setlinfo.setl_id"].locked and values["setlinfo.medcasno"].value == stay.ipt_no
    worklist = api.ListSettlementLists(sl.ListSettlementListsRequest(), metadata=auditor).lists
    assert built.id in [x.id for x in worklist]

    denied = refused(lambda: api.FillSettlementList(sl.FillSettlementListRequest(
        list_id=built.id, values={"setlinfo.ntly": "CHN"}), metadata=auditor))
    assert denied.code() is grpc.StatusCode.PERMISSION_DENIED
    bad = refused(lambda: api.FillSettlementList(sl.FillSettlementListRequest(
        list_id=built.id, values={"setlinfo.setl_id": "X", "setlinfo.nope": "1"}), metadata=office))
    assert bad.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "setlinfo.setl_id" in bad.details() and "setlinfo.nope" in bad.details()
    early = refused(lambda: api.UploadSettlementList(sl.UploadSettlementListRequest(list_id=built.id),
                                                     metadata=office))
    assert early.code() is grpc.StatusCode.FAILED_PRECONDITION and "setlinfo.ntly" in early.details()

    fill = {path: FILLS[path.split(".", 1)[1]] for path in gaps}
    ready = api.FillSettlementList(sl.FillSettlementListRequest(list_id=built.id, values=fill,
                                                                request_id=str(uuid.uuid4())), metadata=office).list
    assert ready.state == sl.SETTLEMENT_LIST_STATE_READY and not ready.gaps
    upload = sl.UploadSettlementListRequest(list_id=built.id, request_id=str(uuid.uuid4()))
    done = api.UploadSettlementList(upload, metadata=office).list
    again = api.UploadSettlementList(upload, metadata=office).list  # the same request_id: its first reply
    other = api.UploadSettlementList(sl.UploadSettlementListRequest(list_id=built.id, request_id=str(uuid.uuid4())),
                                     metadata=office).list  # another request: uploaded already, nothing sent
    assert done.state == sl.SETTLEMENT_LIST_STATE_UPLOADED and done.setl_list_id
    assert again.setl_list_id == other.setl_list_id == done.setl_list_id
    sent = [e for e in station.stack.app.journal.for_visit(built.id) if e.infno == "4101a"]
    assert [e.state.value for e in sent] == ["OK"]
    uploaded = api.ListSettlementLists(sl.ListSettlementListsRequest(
        states=[sl.SETTLEMENT_LIST_STATE_UPLOADED], due_before=done.deadline), metadata=auditor).lists
    assert done.id not in [x.id for x in uploaded]  # due on its deadline, not before
    uploaded = api.ListSettlementLists(sl.ListSettlementListsRequest(states=[sl.SETTLEMENT_LIST_STATE_UPLOADED]),
                                       metadata=auditor).lists
    assert done.id in [x.id for x in uploaded] and all(x.state == sl.SETTLEMENT_LIST_STATE_UPLOADED for x in uploaded)
    wrong = refused(lambda: api.ListSettlementLists(sl.ListSettlementListsRequest(due_before="next week", states=[0]),
                                                    metadata=auditor))
    assert wrong.code() is grpc.StatusCode.INVALID_ARGUMENT and "due_before" in wrong.details()
    assert "states[0]" in wrong.details()
    shown = api.GetSettlementList(sl.GetSettlementListRequest(list_id=stay.settlement.setl_id), metadata=auditor).list
    assert shown.id == built.id and shown.uploaded_at.seconds > 0
