"""Exam requests over several body parts through the real composition root (the simulator as the
platform, the test database, the demo hospital and its exam-item tables): the request and its
charges stored together, the additional-part rule on the bill and on the platform, one part
cancelled after upload (2205 + the rest uploaded again), the parts' own states, bad requests."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.journal import JournalState
from domain.operator import Operator
from domain.orders import ContrastAnswers, PartState
from services.encounters import DiagnosisInput, PayEncounter, RegisterEncounter
from services.hospital import demo_file
from services.orders import PartInput, RequestExam
from services.patients import PatientDetails

D = Decimal
CLERK = Operator("1001", "演示收费员", role="clerk")
DOCTOR = Operator("DR005", "刘刚", role="doctor")
WORKER = "42010620000000000001"


@pytest.fixture
def hospital(app):
    app.load_hospital_data(str(demo_file()))  # the demo hospital and its exam-item tables
    return app


def insured_encounter(app):
    certno = next(p.certno for p in demo_persons() if p.psn_no == WORKER)
    patient = app.patients.read_insurance(CLERK, "02", certno)
    e = app.encounters.register(CLERK, RegisterEncounter(patient.id, "WK01", "ORDINARY", doctor_code="DR005",
                                                         coverage="INSURED", insutype="310", med_type="11",
                                                         mdtrt_cert_type="02", mdtrt_cert_no=certno))
    app.encounters.record_diagnoses(DOCTOR, e.id, [DiagnosisInput("R10.400", "腹痛", main=True)])
    return e


def self_pay_encounter(app):
    patient = app.patients.register(CLERK, PatientDetails(name="王五", gender="1", birth_date=datetime(1980, 5, 1).date(),
                                                          phone="13800000000"))
    return app.encounters.register(CLERK, RegisterEncounter(patient.id, "WK01", "ORDINARY", doctor_code="DR005"))


def three_part_ct(encounter_id, **more):
    return RequestExam(**{"encounter_id": encounter_id, "exam_type": "CT", "parts": [
        PartInput("HEAD", "PLAIN"), PartInput("CHEST", "PLAIN_AND_CONTRAST"), PartInput("ABDOMEN", "CONTRAST")],
        "clinical_summary": "腹痛三天, 伴头晕", "purpose": "排除占位", "urgency": "URGENT",
        "contrast": ContrastAnswers(allergy_history=False, consent_signed=True), **more})


def ok_codes(app, visit_id):
    return [e.infno for e in app.journal.for_visit(visit_id) if e.state in (JournalState.OK, JournalState.CONFIRMED)]


def bill(app, encounter_id, order_id):
    return [(c.order_item, c.item_code, c.amount) for c in app.encounters.order_charges(encounter_id, order_id)]


def test_a_three_part_ct_is_charged_by_the_additional_part_rule_and_uploaded_when_signed(hospital, simulator):
    e = insured_encounter(hospital)
    request = hospital.exam_requests.request_exam(DOCTOR, three_part_ct(e.id))
    assert [(p.no, p.part_code, p.state) for p in request.parts] == [
        (1, "HEAD", PartState.REQUESTED), (2, "CHEST", PartState.REQUESTED), (3, "ABDOMEN", PartState.REQUESTED)]
    assert request.diagnosis_code == "R10.400" and request.diagnosis_name == "腹痛"  # the visit's, not typed again
    # demo CT table: 平扫 200, 增强 300, further parts at 50%, 碘海醇 180 once, film 25 once
    assert bill(hospital, e.id, request.id) == [
        ("1", "JC-CT-001", D("200.00")),
        ("2", "JC-CT-001", D("100.00")), ("2", "JC-CT-002", D("150.00")),
        ("3", "JC-CT-002", D("150.00")),
        ("2", "YP-DY-001", D("180.00")),
        ("", "CL-FL-001", D("25.00"))]
    assert ok_codes(hospital, e.visit_id) == ["2201A", "2203", "2204"]
    on_platform = [f for f in simulator.visit(e.mdtrt_id).fees.values()]
    assert sum(f.det_item_fee_sumamt for f in on_platform) == D("816.00")  # 805 + the registration fee 11
    assert hospital.exam_requests.for_encounter(e.id) == [request]


def test_cancelling_one_part_after_upload_reprices_what_remains_and_uploads_it_again(hospital, simulator):
    e = insured_encounter(hospital)
    request = hospital.exam_requests.request_exam(DOCTOR, three_part_ct(e.id))
    changed = hospital.exam_requests.cancel_parts(DOCTOR, request.id, [2], "患者拒绝增强")
    assert [p.state for p in changed.parts] == [PartState.REQUESTED, PartState.CANCELLED, PartState.REQUESTED]
    # the contrast agent moves to part 3, now the first enhanced part; unchanged lines keep their numbers
    assert bill(hospital, e.id, request.id) == [
        ("1", "JC-CT-001", D("200.00")), ("3", "JC-CT-002", D("150.00")),
        ("", "CL-FL-001", D("25.00")), ("3", "YP-DY-001", D("180.00"))]
    assert ok_codes(hospital, e.visit_id) == ["2201A", "2203", "2204", "2205", "2204"]
    live = [f for f in simulator.visit(e.mdtrt_id).fees.values() if not f.setl_id]
    assert sum(f.det_item_fee_sumamt for f in live) == D("566.00")  # 555 + 11: exactly part 2's lines gone
    paid = hospital.encounters.pay(CLERK, PayEncounter(e.id, "CASH"))
    assert paid.fund_amount + paid.amount == D("566.00")
    assert ok_codes(hospital, e.visit_id)[-2:] == ["2206", "2207"]


def test_a_performed_part_cannot_be_cancelled_and_nothing_is_sent(hospital):
    e = insured_encounter(hospital)
    request = hospital.exam_requests.request_exam(DOCTOR, three_part_ct(e.id))
    hospital.exam_requests.record_performed(DOCTOR, request.id, 1)
    before = ok_codes(hospital, e.visit_id)
    with pytest.raises(IllegalTransition, match="PERFORMED"):
        hospital.exam_requests.cancel_parts(DOCTOR, request.id, [2, 1])
    assert ok_codes(hospital, e.visit_id) == before
    assert [p.state for p in hospital.exam_requests.get(request.id).parts] == [
        PartState.PERFORMED, PartState.REQUESTED, PartState.REQUESTED]
    assert len(bill(hospital, e.id, request.id)) == 6


def test_parts_move_on_their_own_and_a_report_attaches_its_text(hospital):
    e = self_pay_encounter(hospital)
    request = hospital.exam_requests.request_exam(DOCTOR, three_part_ct(e.id, diagnosis_code="R51", diagnosis_name="头痛"))
    hospital.exam_requests.schedule_part(DOCTOR, request.id, 1, datetime(2026, 12, 8, 9, 30))
    reported = hospital.exam_requests.record_report(request.id, 1, "颅内未见明显异常。")
    head = reported.part(1)
    assert head.state is PartState.REPORTED and head.report_text == "颅内未见明显异常。" and head.performed_at
    assert reported.part(2).state is PartState.REQUESTED
    assert hospital.encounters.get(e.id).outstanding() == D("816.00")  # self-pay: paid locally, nothing sent


def test_bad_requests_name_their_fields_and_charge_nothing(hospital):
    e = insured_encounter(hospital)
    cases = [
        (RequestExam(e.id, "CT", [PartInput("HEAD", "PLAIN"), PartInput("HEAD", "CONTRAST")], "s", "p"),
         ["parts[1].part_code", "contrast"]),
        (RequestExam(e.id, "CT", [PartInput("ELBOW", "PLAIN")], "s", "p"), ["parts[0].part_code"]),
        (RequestExam(e.id, "PET", [PartInput("HEAD", "PLAIN")], "s", "p"), ["exam_type"]),
        (RequestExam(e.id, "CT", [PartInput("HEAD", "SIDEWAYS")], "", "p"), ["parts[0].method"]),
        (RequestExam(e.id, "CT", [], "", ""), ["parts", "clinical_summary", "purpose"]),
    ]
    for cmd, fields in cases:
        with pytest.raises(ValidationFailed) as err:
            hospital.exam_requests.request_exam(DOCTOR, cmd)
        assert [v.field for v in err.value.violations] == fields
    assert hospital.exam_requests.for_encounter(e.id) == []
    assert ok_codes(hospital, e.visit_id) == ["2201A", "2203"]
    with pytest.raises(NotFound):
        hospital.exam_requests.cancel_parts(DOCTOR, "no-such-request", [1])
