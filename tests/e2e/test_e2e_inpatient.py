"""一站式住院, self-pay, end to end: gRPC clients against `his serve`'s wiring on real sockets and the test
database. The outpatient doctor issues the 住院证 on the visit, the ward nurse admits with a mobile-pay deposit
(no cashier anywhere), the ward charges, the doctor orders the discharge, the nurse discharges and settles with
the balance refunded the way the deposit came. A retried Admit (same request_id) admits once. The same for an
insured patient, with 2401 / 2301 / 2402 / 2303 / 2304 through the HTTP adapter and the simulator's front. The
patients are seen at 心内科 (XNK01, DR004): the queue tests call patients at 内科 on the same database."""
from __future__ import annotations

import uuid
from decimal import Decimal

import grpc
import pytest
from station_kit import OPERATORS, Station, refused

from his.v1 import inpatient_pb2 as ipt
from his.v1 import inpatient_pb2_grpc
from his.v1 import registration_pb2 as reg
from his.v1 import registration_pb2_grpc
from services.hospital import demo_file
from services.inpatient import demo_wards_file
from services.settings import OperatorToken

WARD_OPERATORS = [*OPERATORS, OperatorToken(token="ward-token", code="N101", name="病区护士", role="ward_nurse"),
                  OperatorToken(token="adm-token", code="A101", name="入院处", role="admission_clerk")]


@pytest.fixture
def station(start_stack):
    with start_stack(operators=WARD_OPERATORS) as stack:
        stack.app.load_hospital_data(str(demo_file()))
        stack.app.load_wards(str(demo_wards_file()))  # 内科病区 NKBQ (10 beds), 外科病区 WKBQ (8)
        yield Station(stack)


def test_a_self_pay_patient_is_admitted_at_the_ward_charged_discharged_and_settled_with_no_cashier(station):
    api = inpatient_pb2_grpc.InpatientServiceStub(station.stack.channel)
    doctor, nurse, cashier = station.md("dr004-token"), station.md("ward-token"), station.md("cashier-token")
    encounter = station.register(station.register_self_pay_patient(), "XNK01", "DR004")
    station.diagnose(encounter.id, "dr004-token")

    order = api.IssueAdmissionOrder(ipt.IssueAdmissionOrderRequest(
        encounter_id=encounter.id, ward_code="NKBQ", condition=ipt.ADMISSION_CONDITION_URGENT,
        suggested_deposit="2000", request_id=str(uuid.uuid4())), metadata=doctor).order
    assert [(d.code, d.main) for d in order.diagnoses] == [("I10.x00", True)]  # from the visit
    assert (order.dept_code, order.state) == ("NK", ipt.ADMISSION_ORDER_STATE_ISSUED)

    admit = ipt.AdmitRequest(order_id=order.id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
        method="MOBILE_PAY", amount="2000.00", reference="WX" + uuid.uuid4().hex[:20]))
    assert refused(lambda: api.Admit(admit, metadata=cashier)).code() is grpc.StatusCode.PERMISSION_DENIED
    admitted = api.Admit(admit, metadata=nurse)
    again = api.Admit(admit, metadata=nurse)  # the same request_id: the first reply, one admission
    stay = admitted.stay
    assert again.stay.id == stay.id and again.deposit.receipt_no == admitted.deposit.receipt_no
    assert (stay.state, stay.ward_code, stay.coverage) == (ipt.STAY_STATE_IN_HOSPITAL, "NKBQ", "SELF_PAY")
    assert stay.bed_code and stay.ipt_no.startswith("ZY") and stay.balance == "2000.00"
    board = api.GetWard(ipt.GetWardRequest(ward_code="NKBQ"), metadata=nurse).ward
    assert next(b for b in board.beds if b.code == stay.bed_code).stay_id == stay.id

    for _ in range(3):
        stay = api.RecordCharges(ipt.RecordChargesRequest(stay_id=stay.id, request_id=str(uuid.uuid4()), lines=[
            ipt.ChargeLine(item_code="ZL-JZ-001", quantity="2"), ipt.ChargeLine(item_code="JY-XCG-001")]),
            metadata=nurse).stay
    assert (stay.total_charged, stay.balance) == ("90.00", "1910.00")  # 3 × (2 × 5 + 20)
    bad = refused(lambda: api.RecordCharges(ipt.RecordChargesRequest(
        stay_id=stay.id, lines=[ipt.ChargeLine(item_code="ZL-JZ-001", quantity="1.00001")]), metadata=nurse))
    assert bad.code() is grpc.StatusCode.INVALID_ARGUMENT and "lines[0].quantity" in bad.details()

    api.OrderDischarge(ipt.OrderDischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=doctor)
    stay = api.Discharge(ipt.DischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse).stay
    assert (stay.state, stay.bed_code) == (ipt.STAY_STATE_DISCHARGED, "")
    late = refused(lambda: api.RecordCharges(ipt.RecordChargesRequest(
        stay_id=stay.id, lines=[ipt.ChargeLine(item_code="ZL-JZ-001")]), metadata=nurse))
    assert late.code() is grpc.StatusCode.FAILED_PRECONDITION and "DISCHARGED" in late.details()

    preview = api.PreviewSettlement(ipt.PreviewSettlementRequest(stay_id=stay.id), metadata=nurse)
    assert (preview.total, preview.refund, preview.due) == ("90.00", "1910.00", "0.00")
    stay = api.SettleStay(ipt.SettleStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse).stay
    refund = next(d for d in stay.deposits if d.id == stay.settlement.deposit_id)
    assert (stay.state, refund.kind, refund.amount, refund.method) == \
        (ipt.STAY_STATE_SETTLED, "REFUND", "1910.00", "MOBILE_PAY")
    listed = api.ListStays(ipt.ListStaysRequest(encounter_id=encounter.id), metadata=doctor).stays
    assert [s.id for s in listed] == [stay.id]
    assert Decimal(stay.balance) == 0


def test_an_insured_patient_is_admitted_with_2401_and_settled_with_2304_against_the_deposit(station):
    api = inpatient_pb2_grpc.InpatientServiceStub(station.stack.channel)
    doctor, nurse = station.md("dr004-token"), station.md("ward-token")
    encounter = station.register_insured(station.insured_patient(), "XNK01", "DR004")
    station.diagnose(encounter.id, "dr004-token")
    order = api.IssueAdmissionOrder(ipt.IssueAdmissionOrderRequest(
        encounter_id=encounter.id, ward_code="NKBQ", med_type="21", suggested_deposit="3000",
        request_id=str(uuid.uuid4())), metadata=doctor).order
    stay = api.Admit(ipt.AdmitRequest(order_id=order.id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
        method="MOBILE_PAY", amount="3000.00", reference="WX" + uuid.uuid4().hex[:20])), metadata=nurse).stay
    assert (stay.state, stay.coverage) == (ipt.STAY_STATE_IN_HOSPITAL, "INSURED") and stay.yb_admission_id
    for _ in range(3):  # three days on the ward
        stay = api.RecordCharges(ipt.RecordChargesRequest(stay_id=stay.id, request_id=str(uuid.uuid4()), lines=[
            ipt.ChargeLine(item_code="CW-001"), ipt.ChargeLine(item_code="HL-001")]), metadata=nurse).stay
    assert stay.total_charged == "204.00"
    api.OrderDischarge(ipt.OrderDischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=doctor)
    api.Discharge(ipt.DischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
    stay = api.SettleStay(ipt.SettleStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse).stay
    admission = station.stack.app.inpatient_insurance.get(stay.yb_admission_id)
    settled = admission.settlements[-1]
    assert stay.settlement.setl_id == settled.setl_id and Decimal(stay.settlement.total) == settled.medfee_sumamt
    refund = next(d for d in stay.deposits if d.id == stay.settlement.deposit_id)
    assert Decimal(refund.amount) == Decimal("3000.00") - settled.psn_cash_pay  # only the patient's part kept
    sent = [e.infno for e in station.stack.app.journal.for_visit(admission.id) if e.state.value == "OK"]
    assert sent == ["2401", "2301", "2402", "2303", "2304"]
    on_platform = station.stack.simulator.visit(admission.mdtrt_id)
    assert sum(f.det_item_fee_sumamt for f in on_platform.fees.values()) == Decimal("204.00")


def test_an_insured_stay_is_corrected_after_settlement_in_the_platforms_order_over_grpc(station):
    """2305 → 2405 → 2302 → 2402 → 2303/2304 through the HTTP adapter, each step a retry-safe RPC; the ward
    sees the stay's balance, the preview shows the split, the slip prints it, 2406/2407 go through."""
    api = inpatient_pb2_grpc.InpatientServiceStub(station.stack.channel)
    doctor, nurse, clerk = station.md("dr004-token"), station.md("ward-token"), station.md("adm-token")
    encounter = station.register_insured(station.insured_patient(), "XNK01", "DR004")
    station.diagnose(encounter.id, "dr004-token")
    order = api.IssueAdmissionOrder(ipt.IssueAdmissionOrderRequest(
        encounter_id=encounter.id, ward_code="NKBQ", med_type="21", request_id=str(uuid.uuid4())),
        metadata=doctor).order
    stay = api.Admit(ipt.AdmitRequest(order_id=order.id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
        method="CASH", amount="500.00")), metadata=nurse).stay
    stay = api.RecordCharges(ipt.RecordChargesRequest(stay_id=stay.id, request_id=str(uuid.uuid4()), lines=[
        ipt.ChargeLine(item_code="CW-001"), ipt.ChargeLine(item_code="HL-001")]), metadata=nurse).stay
    on_ward = api.ListStays(ipt.ListStaysRequest(ward_code="NKBQ"), metadata=nurse).stays
    assert next(s.balance for s in on_ward if s.id == stay.id) == "432.00"  # 500 − 68
    history = registration_pb2_grpc.RegistrationServiceStub(station.stack.channel).ListEncounters(
        reg.ListEncountersRequest(patient_id=encounter.patient_id), metadata=doctor).entries
    [entry] = [e for e in history if e.encounter.id == encounter.id]  # the visit shows the stay it led to
    assert [(s.id, s.ipt_no, s.state) for s in entry.stays] == [(stay.id, stay.ipt_no, ipt.STAY_STATE_IN_HOSPITAL)]
    marked = api.MarkSpecialAttribute(ipt.MarkSpecialAttributeRequest(
        stay_id=stay.id, flag_type="1", flag="01", request_id=str(uuid.uuid4())), metadata=nurse).stay
    listed = api.ListSpecialAttributes(ipt.ListSpecialAttributesRequest(stay_id=stay.id), metadata=nurse).attributes
    assert [a.detl_id for a in listed] == [marked.special_attributes[0].detl_id]

    def discharge_and_settle():
        api.OrderDischarge(ipt.OrderDischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())),
                           metadata=doctor)
        api.Discharge(ipt.DischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
        preview = api.PreviewSettlement(ipt.PreviewSettlementRequest(stay_id=stay.id), metadata=clerk)
        assert Decimal(preview.fund_amount) + Decimal(preview.cash) == Decimal(preview.total)
        assert preview.insured.medfee_sumamt == preview.total
        return preview, api.SettleStay(ipt.SettleStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())),
                                       metadata=clerk).stay

    _preview, settled = discharge_and_settle()
    slip = api.GetSettlementSlip(ipt.GetSettlementSlipRequest(stay_id=stay.id), metadata=clerk)
    assert slip.insured.setl_id == settled.settlement.setl_id and slip.insured.fund_payments
    assert slip.total == "68.00" and slip.hospital_name

    cancel = ipt.CancelStaySettlementRequest(stay_id=stay.id, reason="费用更正", request_id=str(uuid.uuid4()))
    assert refused(lambda: api.CancelStaySettlement(cancel, metadata=nurse)).code() is \
        grpc.StatusCode.PERMISSION_DENIED  # the ward does not undo settlements
    reopened = api.CancelStaySettlement(cancel, metadata=clerk).stay
    again = api.CancelStaySettlement(cancel, metadata=clerk).stay  # the same request_id: one 2305
    assert again.state == reopened.state == ipt.STAY_STATE_DISCHARGED
    assert [p.setl_id for p in reopened.past_settlements] == [settled.settlement.setl_id]
    api.RecallStay(ipt.RecallStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
    withdrawn = api.WithdrawCharges(ipt.WithdrawChargesRequest(
        stay_id=stay.id, line_nos=[2], reason="护理费记错", request_id=str(uuid.uuid4())), metadata=nurse).stay
    assert withdrawn.charges[1].HasField("withdrawn_at") and withdrawn.total_charged == "50.00"
    _preview, resettled = discharge_and_settle()
    assert resettled.settlement.total == "50.00" and resettled.balance == "0.00"
    admission = station.stack.app.inpatient_insurance.get(stay.yb_admission_id)
    sent = [e.infno for e in station.stack.app.journal.for_visit(admission.id) if e.state.value == "OK"]
    assert sent.count("2305") == 1 and sent[-7:] == ["2305", "2405", "2302", "2402", "2303", "2303", "2304"]


def test_settlement_slips_print_over_grpc_for_an_outpatient_visit_and_a_stay(station):
    """结算单 as PDFs: the outpatient visit's (OutpatientService) once its registration is paid through 医保, and
    a self-pay stay's (InpatientService); the cashier's role is not needed to print either."""
    from io import BytesIO

    from pypdf import PdfReader

    from his.v1 import outpatient_pb2, outpatient_pb2_grpc

    def text(pdf: bytes) -> str:
        return "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).replace(" ", "")

    encounter = station.register_insured(station.insured_patient(), "XNK01", "DR004")
    station.diagnose(encounter.id, "dr004-token")
    station.registration.PayEncounter(reg.PayEncounterRequest(
        encounter_id=encounter.id, method=reg.PAYMENT_METHOD_CASH, use_personal_account=True,
        request_id=str(uuid.uuid4())), metadata=station.md("dr004-token"))
    visit = station.stack.app.outpatient.get_visit(station.encounter(encounter.id).visit_id)
    settlement = visit.active_settlement()
    outpatient = outpatient_pb2_grpc.OutpatientServiceStub(station.stack.channel)
    printed = outpatient.PrintSettlementSlip(outpatient_pb2.PrintSettlementSlipRequest(
        visit_id=visit.mdtrt_id), metadata=station.md("dr004-token"))
    assert printed.content_type == "application/pdf" and printed.pdf.startswith(b"%PDF")
    slip = text(printed.pdf)
    assert "医疗保障基金结算单（门诊）" in slip and settlement.setl_id in slip
    assert f"{settlement.medfee_sumamt:,.2f}" in slip
    missing = refused(lambda: outpatient.PrintSettlementSlip(outpatient_pb2.PrintSettlementSlipRequest(
        visit_id=visit.id, setl_id="NO-SUCH"), metadata=station.md("dr004-token")))
    assert missing.code() is grpc.StatusCode.NOT_FOUND

    api = inpatient_pb2_grpc.InpatientServiceStub(station.stack.channel)
    doctor, nurse = station.md("dr004-token"), station.md("ward-token")
    self_pay = station.register(station.register_self_pay_patient(), "XNK01", "DR004")
    station.diagnose(self_pay.id, "dr004-token")
    order = api.IssueAdmissionOrder(ipt.IssueAdmissionOrderRequest(
        encounter_id=self_pay.id, ward_code="NKBQ", request_id=str(uuid.uuid4())), metadata=doctor).order
    stay = api.Admit(ipt.AdmitRequest(order_id=order.id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
        method="CASH", amount="300.00")), metadata=nurse).stay
    api.RecordCharges(ipt.RecordChargesRequest(stay_id=stay.id, request_id=str(uuid.uuid4()), lines=[
        ipt.ChargeLine(item_code="CW-001")]), metadata=nurse)
    api.OrderDischarge(ipt.OrderDischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=doctor)
    api.Discharge(ipt.DischargeRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
    api.SettleStay(ipt.SettleStayRequest(stay_id=stay.id, request_id=str(uuid.uuid4())), metadata=nurse)
    printed = api.PrintSettlementSlip(ipt.GetSettlementSlipRequest(stay_id=stay.id), metadata=nurse)
    slip = text(printed.pdf)
    assert "住院结算单（自费）" in slip and stay.ipt_no in slip and "250.00" in slip  # 300 − 50 back
