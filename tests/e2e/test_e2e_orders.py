"""检查申请单多部位 end to end: gRPC clients against `his serve`'s wiring, the HTTP platform adapter and
the simulator's HTTP front on real sockets, the test database (SQLite or PostgreSQL). A doctor signs a
3-part CT request (平扫 and 增强 mixed), its charges follow the demo table's additional-part rule and
settle through 2204/2206/2207; a part cancelled after upload goes by 2205 + 2204 of what remains; the
technician books, performs and reports a part; bad requests change nothing. The patients are seen at
外科 (WK01): the queue tests call the next patient at 内科 from the same database."""
from __future__ import annotations

import uuid
from decimal import Decimal

import grpc
import pytest
from station_kit import OPERATORS, Station, refused

from his.v1 import orders_pb2 as orders
from his.v1 import registration_pb2 as reg
from services.hospital import demo_file

D = Decimal


@pytest.fixture
def station(start_stack):
    with start_stack(operators=OPERATORS) as stack:
        stack.app.load_hospital_data(str(demo_file()))  # the demo hospital and its exam-item tables
        yield Station(stack)


def ct_request(encounter_id: str, **more) -> orders.RequestExamRequest:
    return orders.RequestExamRequest(**{
        "encounter_id": encounter_id, "exam_type": "CT", "request_id": str(uuid.uuid4()),
        "parts": [orders.RequestedPart(part_code="HEAD", method=orders.EXAM_METHOD_PLAIN),
                  orders.RequestedPart(part_code="CHEST", method=orders.EXAM_METHOD_PLAIN_AND_CONTRAST),
                  orders.RequestedPart(part_code="ABDOMEN", method=orders.EXAM_METHOD_CONTRAST)],
        "clinical_summary": "反复头痛伴胸闷一周", "purpose": "排除占位性病变",
        "urgency": orders.EXAM_URGENCY_URGENT,
        "contrast": orders.ContrastAnswers(allergy_history=False, consent_signed=True), **more})


def journal(station, visit_id: str) -> list[str]:
    return [e.infno for e in station.stack.app.journal.for_visit(visit_id) if e.state.value == "OK"]


def test_a_three_part_ct_charged_by_the_rule_cancelled_in_part_and_settled(station):
    patient = station.insured_patient()
    encounter = station.register_insured(patient, "WK01", "DR005")
    station.diagnose(encounter.id, "dr005-token")
    doctor = station.md("dr005-token")
    signed = station.orders.RequestExam(ct_request(encounter.id), metadata=doctor).request
    assert [(p.no, p.part_name, p.amount) for p in signed.parts] == [
        (1, "头颅", "200.00"), (2, "胸部", "430.00"), (3, "上腹部", "150.00")]  # 胸部 carries the contrast agent
    assert signed.total == "805.00" and signed.diagnosis_code == "I10.x00"
    assert journal(station, encounter.visit_id) == ["2201A", "2203", "2204"]  # uploaded when signed
    on_bill = station.encounter(encounter.id)
    assert on_bill.outstanding == "816.00"  # with the registration fee (1 + 10)
    assert {c.order_id for c in on_bill.charges if c.order_id} == {signed.id}

    cancelled = station.orders.CancelExamParts(orders.CancelExamPartsRequest(
        exam_request_id=signed.id, part_nos=[1], reason="已在外院完成", request_id=str(uuid.uuid4())),
        metadata=doctor).request
    # 胸部 is now the first part: in full (200 + 300), 上腹部 at half, contrast and film once
    assert [(p.no, p.state, p.amount) for p in cancelled.parts] == [
        (1, orders.EXAM_PART_STATE_CANCELLED, "0.00"), (2, orders.EXAM_PART_STATE_REQUESTED, "680.00"),
        (3, orders.EXAM_PART_STATE_REQUESTED, "150.00")]
    assert cancelled.total == "855.00"
    assert journal(station, encounter.visit_id) == ["2201A", "2203", "2204", "2205", "2204"]
    mdtrt = station.stack.simulator.visit(encounter.mdtrt_id)
    assert sum(f.det_item_fee_sumamt for f in mdtrt.fees.values()) == D("866.00")  # exactly the lines in force

    paid = station.registration.PayEncounter(reg.PayEncounterRequest(
        encounter_id=encounter.id, method=reg.PAYMENT_METHOD_MOBILE_PAY, reference="WX4200001234",
        request_id=str(uuid.uuid4())), metadata=station.md("cashier-token")).payment
    assert D(paid.amount) + D(paid.fund_amount) == D("866.00") and paid.setl_id
    assert journal(station, encounter.visit_id)[-2:] == ["2206", "2207"]

    tech = station.md("tech-token")
    station.orders.RecordExamPerformed(orders.RecordExamPerformedRequest(
        exam_request_id=signed.id, part_no=2, request_id=str(uuid.uuid4())), metadata=tech)
    reported = station.orders.RecordExamReport(orders.RecordExamReportRequest(
        exam_request_id=signed.id, part_no=2, report_text="双肺纹理清晰，纵隔未见肿大淋巴结。",
        request_id=str(uuid.uuid4())), metadata=tech).request
    assert reported.parts[1].state == orders.EXAM_PART_STATE_REPORTED
    assert reported.parts[1].report_text.startswith("双肺纹理清晰")
    err = refused(lambda: station.orders.CancelExamParts(orders.CancelExamPartsRequest(
        exam_request_id=signed.id, part_nos=[2], request_id=str(uuid.uuid4())), metadata=doctor))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION and "REPORTED" in err.details()


def test_the_same_request_id_twice_is_one_request_and_a_self_pay_patient_pays_it_locally(station):
    patient = station.register_self_pay_patient()
    encounter = station.register(patient, "WK01", "DR005")
    request = ct_request(encounter.id, diagnosis_code="R51", diagnosis_name="头痛")
    first = station.orders.RequestExam(request, metadata=station.md("dr005-token")).request
    again = station.orders.RequestExam(request, metadata=station.md("dr005-token")).request
    assert again.id == first.id
    listed = station.orders.ListExamRequests(orders.ListExamRequestsRequest(encounter_id=encounter.id),
                                             metadata=station.md("cashier-token")).requests
    assert [r.id for r in listed] == [first.id]
    assert station.encounter(encounter.id).outstanding == "816.00"  # self-pay: on the bill, nothing sent
    paid = station.registration.PayEncounter(reg.PayEncounterRequest(
        encounter_id=encounter.id, method=reg.PAYMENT_METHOD_CASH, amount="816.00", request_id=str(uuid.uuid4())),
        metadata=station.md("cashier-token")).payment
    assert paid.amount == "816.00" and paid.receipt_no and not paid.setl_id  # paid locally, with a receipt
    assert not encounter.mdtrt_id  # no 医保 registration: nothing of it went to the platform


def test_bad_requests_are_refused_by_field_and_charge_nothing(station):
    patient = station.insured_patient()
    encounter = station.register_insured(patient, "WK01", "DR005")
    doctor = station.md("dr005-token")
    twice = ct_request(encounter.id, parts=[orders.RequestedPart(part_code="HEAD", method=orders.EXAM_METHOD_PLAIN),
                                            orders.RequestedPart(part_code="HEAD", method=orders.EXAM_METHOD_PLAIN)])
    unknown = ct_request(encounter.id, parts=[orders.RequestedPart(part_code="ELBOW", method=orders.EXAM_METHOD_PLAIN)])
    no_type = ct_request(encounter.id, exam_type="PET")
    no_consent = ct_request(encounter.id, contrast=orders.ContrastAnswers(allergy_history=True))
    huge = ct_request(encounter.id, clinical_summary="痛" * 100_000)
    for request, field in ((twice, "parts[1].part_code"), (unknown, "parts[0].part_code"), (no_type, "exam_type"),
                           (no_consent, "contrast.consent_signed"), (huge, "clinical_summary")):
        err = refused(lambda: station.orders.RequestExam(request, metadata=doctor))
        assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in err.details() and len(err.details()) < 2000
    assert station.orders.ListExamRequests(orders.ListExamRequestsRequest(encounter_id=encounter.id),
                                           metadata=doctor).requests == []
    assert journal(station, encounter.visit_id) == ["2201A"]
    err = refused(lambda: station.orders.RequestExam(ct_request(encounter.id), metadata=station.md("tech-token")))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED  # the technician performs, the doctor requests


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_requests_reach_the_ris_as_orm_and_its_oru_reports_the_part(start_stack):
    from tests_fake_ris import FakeRis, oru_r01

    from services.settings import OrdersSettings, RisSettings

    listen = _free_port()
    with FakeRis() as ris, start_stack(operators=OPERATORS, orders=OrdersSettings(ris=RisSettings(
            host="127.0.0.1", port=ris.port, listen=f"127.0.0.1:{listen}", interval=0.2, backoff=0.2))) as stack:
        stack.app.load_hospital_data(str(demo_file()))
        stack.app.start_exam_link()  # as `his serve` does with a RIS configured
        station = Station(stack)
        encounter = station.register(station.register_self_pay_patient(), "WK01", "DR005")
        doctor = station.md("dr005-token")
        signed = station.orders.RequestExam(ct_request(encounter.id, diagnosis_code="R51", diagnosis_name="头痛"),
                                            metadata=doctor).request
        [new] = ris.wait_for(1)
        segments = [s.split("|") for s in new.split("\r") if s]
        assert [s[0] for s in segments if s[0] in ("ORC", "OBR")] == ["ORC", "OBR"] * 3
        assert [s[2] for s in segments if s[0] == "OBR"] == [f"{signed.id}-{n}" for n in (1, 2, 3)]
        assert {s[1] for s in segments if s[0] == "ORC"} == {"NW"}
        assert "自费患者" in new and "胸部" in new  # Chinese intact on the wire

        station.orders.CancelExamParts(orders.CancelExamPartsRequest(
            exam_request_id=signed.id, part_nos=[3], reason="患者拒绝", request_id=str(uuid.uuid4())), metadata=doctor)
        cancel = ris.wait_for(2)[1]
        assert [(s[1], s[2]) for s in (x.split("|") for x in cancel.split("\r")) if s[0] == "ORC"] == \
            [("CA", f"{signed.id}-3")]

        result = oru_r01(signed.id, [(1, "颅内未见明显异常。\n脑室系统未见扩大。")], control_id="ORU20261207001")
        assert "MSA|AA|ORU20261207001" in FakeRis.send_result("127.0.0.1", listen, result)
        assert "MSA|AA" in FakeRis.send_result("127.0.0.1", listen, result)  # the same message again: no second effect
        part = station.orders.GetExamRequest(orders.GetExamRequestRequest(request_id=signed.id),
                                             metadata=doctor).request.parts[0]
        assert part.state == orders.EXAM_PART_STATE_REPORTED
        assert part.report_text == "颅内未见明显异常。\n脑室系统未见扩大。"
        unknown = oru_r01("no-such-request", [(1, "x")], control_id="ORU20261207002")
        assert "MSA|AE" in FakeRis.send_result("127.0.0.1", listen, unknown)


def test_the_request_form_prints_with_its_chinese_text_and_parts(station):
    from io import BytesIO

    from pypdf import PdfReader

    patient = station.insured_patient()
    encounter = station.register_insured(patient, "WK01", "DR005")
    doctor = station.md("dr005-token")
    signed = station.orders.RequestExam(ct_request(encounter.id, diagnosis_code="R51", diagnosis_name="头痛"),
                                        metadata=doctor).request
    station.orders.CancelExamParts(orders.CancelExamPartsRequest(
        exam_request_id=signed.id, part_nos=[3], request_id=str(uuid.uuid4())), metadata=doctor)
    printed = station.orders.PrintExamRequest(orders.PrintExamRequestRequest(request_id=signed.id), metadata=doctor)
    assert printed.content_type == "application/pdf" and printed.pdf.startswith(b"%PDF")
    pdf = PdfReader(BytesIO(printed.pdf))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) == 1
    for expected in ("武汉市示范医院", "CT检查申请单", "头颅", "胸部", "上腹部", "平扫+增强", "已取消", "刘刚", "外科",
                     "医保 职工基本医疗保险", "头痛", "反复头痛伴胸闷一周", signed.id):
        assert expected in text, expected
    err = refused(lambda: station.orders.PrintExamRequest(orders.PrintExamRequestRequest(request_id=signed.id),
                                                          metadata=station.md("screen-token")))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED  # a queue screen reads orders, it prints no patient data


def test_plain_charge_items_are_ordered_from_the_price_list_and_withdrawn(station):
    encounter = station.register(station.register_self_pay_patient(), "WK01", "DR005")
    doctor = station.md("dr005-token")
    ordered = station.orders.OrderChargeItems(orders.OrderChargeItemsRequest(
        encounter_id=encounter.id, request_id=str(uuid.uuid4()),
        items=[orders.OrderedItem(item_code="ZL-JZ-001", quantity="2"), orders.OrderedItem(item_code="CL-SB-001")]),
        metadata=doctor)
    assert [(c.item_name, c.quantity, c.amount) for c in ordered.charges] == [
        ("静脉注射", "2.0000", "10.00"), ("医用脱脂纱布", "1.0000", "2.00")]
    assert ordered.total == "12.00" and station.encounter(encounter.id).outstanding == "23.00"
    err = refused(lambda: station.orders.OrderChargeItems(orders.OrderChargeItemsRequest(
        encounter_id=encounter.id, items=[orders.OrderedItem(item_code="YP-DY-001")]), metadata=doctor))
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT and "items[0].item_code" in err.details()
    station.orders.CancelChargeItemOrder(orders.CancelChargeItemOrderRequest(
        encounter_id=encounter.id, order_id=ordered.order_id, request_id=str(uuid.uuid4())), metadata=doctor)
    assert station.encounter(encounter.id).outstanding == "11.00"
