"""The doctor station end to end: gRPC clients against `his serve`'s wiring, the HTTP platform adapter
and the simulator's HTTP front on real sockets, the test database (SQLite or PostgreSQL).

Patients (PatientService), registration, charges and payments (RegistrationService), clinic queues
(QueueService with WatchQueue) and 门诊流转, each call as the role that makes it at a hospital."""
from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import grpc
import pytest
from station_kit import OPERATORS, WORKER, Station
from station_kit import refused as _refused

from his.v1 import admin_pb2, queues_pb2
from his.v1 import registration_pb2 as reg
from services.hospital import demo_file


@pytest.fixture
def station(start_stack):
    with start_stack(operators=OPERATORS) as stack:
        stack.app.load_hospital_data(str(demo_file()))  # the demo hospital (whatever other tests left in the database)
        yield Station(stack)



def test_self_pay_visit_registered_queued_seen_charged_paid_and_refunded(station):
    patient = station.register_self_pay_patient()
    encounter = station.register(patient, "NK02", "DR002")
    assert encounter.coverage == reg.COVERAGE_SELF_PAY and not encounter.mdtrt_id
    assert Decimal(encounter.total_charged) == Decimal("11.00")  # 普通: 挂号费 1.00 + 诊查费 10.00 (demo prices)
    assert station.entry_of("NK02", encounter.id).state == queues_pb2.QUEUE_STATE_WAITING

    called = station.call_next("NK02", "dr002-token", "DR002")
    assert called.encounter_id == encounter.id and called.state == queues_pb2.QUEUE_STATE_CALLED
    station.move("StartConsultation", called.id, "dr002-token")
    station.diagnose(encounter.id, "dr002-token")
    station.registration.AddCharges(reg.AddChargesRequest(
        encounter_id=encounter.id, request_id=str(uuid.uuid4()), charges=[reg.ChargeInput(
            item_code="ZL001", item_name="静脉注射", national_code="001102000010000", unit_price="12.50",
            quantity="2", amount="25.00")]), metadata=station.md("dr002-token"))
    # paid at the doctor station itself (no cashier), by mobile pay
    paid = station.registration.PayEncounter(reg.PayEncounterRequest(
        encounter_id=encounter.id, method=reg.PAYMENT_METHOD_MOBILE_PAY, reference="WX20261207000001",
        amount="36.00", request_id=str(uuid.uuid4())), metadata=station.md("dr002-token"))
    payment = paid.payment if paid.HasField("payment") else paid.encounter.payments[-1]
    assert Decimal(payment.amount) == Decimal("36.00") and payment.receipt_no
    station.move("FinishConsultation", called.id, "dr002-token")

    station.registration.RefundPayment(reg.RefundPaymentRequest(
        encounter_id=encounter.id, payment_id=payment.id, amount="25.00", reason="未做注射",
        request_id=str(uuid.uuid4())), metadata=station.md("registrar-token"))
    after = station.encounter(encounter.id)
    assert Decimal(after.total_paid) == Decimal("11.00")
    refund = next(p for p in after.payments if p.refund_of == payment.id)
    assert Decimal(refund.amount) == Decimal("25.00") and refund.receipt_no != payment.receipt_no
    # the doctor sees it in the patient's history, with its diagnosis, in one call
    history = station.registration.ListEncounters(reg.ListEncountersRequest(patient_id=patient),
                                                  metadata=station.md("dr001-token"))
    assert [h.encounter.id for h in history.entries] == [encounter.id]
    assert [d.code for d in history.entries[0].encounter.diagnoses] == ["I10.x00"]
    assert all(e.encounter_id != encounter.id for e in station.queue("NK02"))  # finished: off the queue


def test_insured_visit_transferred_keeps_its_mdtrt_id_and_can_be_undone_until_the_receiver_starts(station):
    patient = station.insured_patient()
    encounter = station.register_insured(patient, "NK01", "DR001")
    assert encounter.mdtrt_id and encounter.coverage == reg.COVERAGE_INSURED
    station.diagnose(encounter.id, "dr001-token")
    sent = station.transfer(encounter.id, "NK02", "DR002")
    assert sent.mdtrt_id == encounter.mdtrt_id  # the registration is kept
    journal = [e.infno for e in station.stack.app.journal.for_visit(encounter.visit_id) if e.state.value == "OK"]
    assert journal == ["2201A", "2203", "2203"]  # 2203 sent again with the receiving department and doctor
    steps = station.path(encounter.id)
    assert [s.leg.clinic_code for s in steps] == ["NK01", "NK02"]
    assert steps[1].arrived_by.sent_by == "DR001" and steps[1].arrived_by.reason == "需专科诊治"
    assert station.entry_of("NK02", encounter.id).state == queues_pb2.QUEUE_STATE_WAITING
    assert all(e.encounter_id != encounter.id for e in station.queue("NK01"))  # closed there, not deleted

    undone = station.undo(encounter.id)
    assert undone.mdtrt_id == encounter.mdtrt_id
    assert station.entry_of("NK01", encounter.id).state == queues_pb2.QUEUE_STATE_WAITING
    assert all(e.encounter_id != encounter.id for e in station.queue("NK02"))
    assert [s.leg.clinic_code for s in station.path(encounter.id)] == ["NK01", "NK02"]  # the path keeps it

    # sent again; once the receiving doctor has started, the transfer stands
    station.transfer(encounter.id, "NK02", "DR002")
    entry = station.entry_of("NK02", encounter.id)
    station.move("StartConsultation", station.call_next("NK02", "dr002-token", "DR002").id, "dr002-token")
    assert entry.encounter_id == encounter.id
    before = station.encounter(encounter.id)
    err = _refused(lambda: station.undo(encounter.id))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION and "IN_CONSULTATION" in err.details()
    assert station.encounter(encounter.id) == before  # nothing changed


def test_a_transfer_to_a_clinic_that_registers_separately_registers_anew_and_cancels_the_old(station):
    patient = station.insured_patient()
    encounter = station.register_insured(patient, "NK01", "DR001")
    moved = station.transfer(encounter.id, "XNK01", "DR003")
    assert moved.mdtrt_id and moved.mdtrt_id != encounter.mdtrt_id
    arrived = station.path(encounter.id)[-1].arrived_by
    assert arrived.new_registration and arrived.old_visit_id == encounter.visit_id
    assert station.stack.app.outpatient.get_visit(encounter.visit_id).state.value == "CANCELLED"  # 2202 by the rule
    assert station.entry_of("XNK01", encounter.id).doctor_code == "DR003"


def _see_everyone_waiting(station, clinic: str, doctors: dict[str, str]) -> None:
    """Other tests on this database may have left patients waiting for these doctors: see them first."""
    for doctor, token in doctors.items():
        while True:
            try:
                entry = station.call_next(clinic, token, doctor)
            except grpc.RpcError:
                break  # nobody left
            station.move("FinishConsultation", station.move("StartConsultation", entry.id, token).id, token)


def test_two_doctors_calling_next_at_once_get_different_patients(station):
    _see_everyone_waiting(station, "NK01", {"DR001": "dr001-token", "DR002": "dr002-token"})
    for _ in range(3):
        encounters = {station.register(station.register_self_pay_patient(), "NK01").id for _ in range(2)}
        barrier, got, errors = threading.Barrier(2), [], []

        def call(token, doctor):
            barrier.wait()
            try:
                got.append(station.call_next("NK01", token, doctor).encounter_id)
            except grpc.RpcError as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=call, args=a) for a in (("dr001-token", "DR001"), ("dr002-token", "DR002"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and sorted(got) == sorted(encounters)
        for e in encounters:  # both seen, so the next round starts with an empty shared queue
            station.move("FinishConsultation", station.move("StartConsultation", station.entry_of("NK01", e).id,
                                                            "dr001-token").id, "dr001-token")


def test_watch_queue_resumes_after_a_reconnect_without_missing_or_doubling_an_event(station):
    request = queues_pb2.WatchQueueRequest(clinic_code="EK01")
    stream = station.queues.WatchQueue(request, metadata=station.md("screen-token"))
    first = next(stream)
    assert first.HasField("snapshot")
    seen = {e.encounter_id for e in first.snapshot.entries}
    a = station.register(station.register_self_pay_patient(), "EK01", "DR006")
    event = next(stream)
    assert event.event.kind == "ENQUEUED" and event.event.entry_id == station.entry_of("EK01", a.id).id
    assert event.event.seq == first.snapshot.seq + 1
    token = event.resume_token
    stream.cancel()  # the screen loses its connection ...

    b = station.register(station.register_self_pay_patient(), "EK01", "DR006")  # ... while the queue moves on
    called = station.call_next("EK01", "demo-token", "DR006")
    resumed = station.queues.WatchQueue(queues_pb2.WatchQueueRequest(resume_token=token),
                                        metadata=station.md("screen-token"))
    missed = [next(resumed).event for _ in range(2)]
    assert [(m.kind, m.seq) for m in missed] == [("ENQUEUED", event.event.seq + 1), ("CALLED", event.event.seq + 2)]
    assert missed[0].entry_id == station.entry_of("EK01", b.id).id and missed[1].entry_id == called.id
    assert a.id not in seen
    later = station.register(station.register_self_pay_patient(), "EK01", "DR006")
    live = next(resumed).event
    assert (live.kind, live.seq) == ("ENQUEUED", event.event.seq + 3)  # nothing doubled, nothing skipped
    assert live.entry_id == station.entry_of("EK01", later.id).id
    resumed.cancel()
    assert "自费患者" not in str(missed) + str(live)  # screens get the masked label only


def test_bad_input_gets_a_clear_error_and_changes_nothing(station):
    patient = station.register_self_pay_patient()
    queue_before = station.queue("NK01")
    err = _refused(lambda: station.register(patient, "NOSUCH", "DR001"))
    assert err.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT)
    assert "NOSUCH" in err.details() or "clinic" in err.details()
    history = station.registration.ListEncounters(reg.ListEncountersRequest(patient_id=patient),
                                                  metadata=station.md("demo-token"))
    assert list(history.entries) == [] and station.queue("NK01") == queue_before

    encounter = station.register(patient, "NK01", "DR001")
    before = station.encounter(encounter.id)
    err = _refused(lambda: station.transfer(encounter.id, "NK01", "DR001"))
    assert err.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION)
    assert station.encounter(encounter.id) == before and len(station.path(encounter.id)) == 1
    err = _refused(lambda: station.registration.RegisterEncounter(reg.RegisterEncounterRequest(
        patient_id=patient, clinic_code="NK01", coverage=reg.COVERAGE_SELF_PAY, request_id=str(uuid.uuid4()),
        reg_type=admin_pb2.REGISTRATION_TYPE_ORDINARY, mdtrt_cert_no="9" * 100_000),
        metadata=station.md("registrar-token")))
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT and len(err.details()) < 2000  # never echoed back
