"""RegistrationService through a real server with the full interceptor stack (auth, access + audit,
request guard, request scope, request_ids) over the test database and the simulator; the called
contexts (directory, patients, queues) are the in-test fakes."""
from __future__ import annotations

import sys
import uuid

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.queues import QueueState
from his.v1 import admin_pb2 as admin_pb
from his.v1 import registration_pb2 as pb
from his.v1 import registration_pb2_grpc
from ports.audit import AuditFilter
from services.bootstrap import bootstrap
from services.encounters import EncounterService
from services.grpc.server import build_server
from services.settings import OperatorToken, Settings

ds = sys.modules["tests_doctor_station_fakes"]
ROLES = ("registrar", "doctor", "cashier", "kiosk", "viewer")
CODES = {"registrar": "R01", "doctor": "D001", "cashier": "C01", "kiosk": "K01", "viewer": "V01"}


class Station:
    def __init__(self, app, stub, queues, patients):
        self.app, self.stub, self.queues, self.patients = app, stub, queues, patients

    def call(self, rpc: str, role: str = "registrar", **request):
        message = getattr(pb, f"{rpc}Request")(**request)
        return getattr(self.stub, rpc)(message, metadata=(("authorization", f"Bearer tok-{role}"),))

    def refused(self, rpc: str, role: str = "registrar", **request) -> grpc.RpcError:
        with pytest.raises(grpc.RpcError) as caught:
            self.call(rpc, role, **request)
        return caught.value


@pytest.fixture(scope="module")
def station(database_url):
    operators = [OperatorToken(token=f"tok-{role}", code=CODES[role], name=f"{role} 甲", role=role) for role in ROLES]
    settings = Settings(database_url=database_url, operators=operators)
    app = bootstrap(settings, platform=SimulatorPlatform())
    queues, patients = ds.FakeQueues(), ds.FakePatients()
    service = EncounterService(ds.queueing(app.container.uow, queues), app.outpatient, ds.FakeDirectory(), patients,
                               queues, app.clock)
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0", max_workers=4,
                                zone=settings.timezone, request_scope=app.request_scope, ledger=app.ledger,
                                clock=app.clock, access=settings.access_policy(), audit=app.audit_trail,
                                encounters=service)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield Station(app, registration_pb2_grpc.RegistrationServiceStub(channel), queues, patients)
    channel.close()
    server.stop(None)
    app.close()


def bad_fields(err: grpc.RpcError) -> list[str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err.details()
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(err).details[0].Unpack(bad)
    return [v.field for v in bad.field_violations]


def self_pay(station) -> str:
    return station.patients.add(ds.self_pay_patient(f"P-{uuid.uuid4()}")).id


def register(station, patient_id: str, role: str = "registrar", **more) -> pb.Encounter:
    request = {"patient_id": patient_id, "clinic_code": "NK-1", "doctor_code": "D001",
               "reg_type": admin_pb.REGISTRATION_TYPE_ORDINARY, "coverage": pb.COVERAGE_SELF_PAY, **more}
    return station.call("RegisterEncounter", role, **request).encounter


def test_self_pay_visit_registered_charged_paid_and_partly_refunded(station):
    patient = self_pay(station)
    e = register(station, patient, request_id=str(uuid.uuid4()))
    assert e.state == pb.ENCOUNTER_STATE_OPEN and e.outstanding == "11.00" and len(e.charges) == 2
    charged = station.call("AddCharges", "doctor", encounter_id=e.id, charges=[pb.ChargeInput(
        item_code="XD01", item_name="血常规", national_code="250102001", unit_price="20", quantity="1",
        amount="20.00")]).encounter
    assert charged.outstanding == "31.00" and charged.charges[2].unit_price == "20.000000"
    paid = station.call("PayEncounter", "kiosk", encounter_id=e.id, method=pb.PAYMENT_METHOD_MOBILE_PAY,
                        reference="WX4200001", amount="31.00")
    assert paid.payment.amount == "31.00" and paid.encounter.outstanding == "0.00"
    refund = station.call("RefundPayment", "cashier", encounter_id=e.id, payment_id=paid.payment.id, amount="20.00",
                          reason="检查取消")
    assert refund.refund.kind == pb.PAYMENT_KIND_REFUND and refund.encounter.total_paid == "11.00"
    assert int(refund.refund.receipt_no) == int(paid.payment.receipt_no) + 1
    events = station.app.audit_trail.list(AuditFilter(visit=e.id)).events
    assert {ev.method.rpartition("/")[2] for ev in events} >= {"RegisterEncounter", "AddCharges", "PayEncounter",
                                                                 "RefundPayment"}


def test_a_retried_registration_with_its_request_id_registers_once(station):
    patient, key = self_pay(station), str(uuid.uuid4())
    first, again = register(station, patient, request_id=key), register(station, patient, request_id=key)
    assert first.id == again.id
    history = station.call("ListEncounters", "doctor", patient_id=patient)
    assert [x.encounter.id for x in history.entries] == [first.id]


def test_insured_transfer_keeps_the_mdtrt_id_and_undo_brings_the_patient_back(station):
    patient = station.patients.add(ds.insured_patient(f"P-{uuid.uuid4()}")).id
    certno = next(p.certno for p in demo_persons() if p.psn_no == ds.WORKER_PSN_NO)
    station.app.outpatient.read_person(station.app.settings.system_operator.operator(), "02", certno)
    e = register(station, patient, coverage=pb.COVERAGE_INSURED, insutype="310", med_type="11",
                 mdtrt_cert_type="02", mdtrt_cert_no=certno)
    assert e.mdtrt_id and e.visit_id
    station.call("RecordDiagnoses", "doctor", encounter_id=e.id,
                 diagnoses=[pb.DiagnosisInput(code="I20.900", name="心绞痛", main=True)])
    moved = station.call("TransferEncounter", "doctor", encounter_id=e.id, to_clinic_code="XNK-1",
                         to_doctor_code="D002", reason="胸痛待查").encounter
    assert moved.mdtrt_id == e.mdtrt_id and [leg.state for leg in moved.legs] == [pb.LEG_STATE_TRANSFERRED,
                                                                                   pb.LEG_STATE_ACTIVE]
    path = station.call("GetEncounterPath", "viewer", encounter_id=e.id)
    assert [(s.leg.clinic_name, s.arrived_by.reason) for s in path.steps] == [("内科一诊室", ""), ("心内科一诊室", "胸痛待查")]
    assert path.steps[1].arrived_by.sent_by == "D001"
    back = station.call("UndoTransfer", "doctor", encounter_id=e.id).encounter
    assert [leg.state for leg in back.legs] == [pb.LEG_STATE_ACTIVE, pb.LEG_STATE_UNDONE]
    events = station.app.audit_trail.list(AuditFilter(visit=e.id)).events
    assert [ev.outcome for ev in events if ev.method.endswith("/TransferEncounter")] == ["OK"]


def test_bad_input_gets_clear_errors_and_changes_nothing(station):
    patient = self_pay(station)
    assert bad_fields(station.refused("RegisterEncounter", patient_id=patient, clinic_code="NOPE",
                                      reg_type=admin_pb.REGISTRATION_TYPE_ORDINARY,
                                      coverage=pb.COVERAGE_SELF_PAY)) == ["clinic_code"]
    assert bad_fields(station.refused("RegisterEncounter", patient_id=patient, clinic_code="NK-1")) == [
        "reg_type", "coverage"]
    assert station.call("ListEncounters", "doctor", patient_id=patient).entries == []
    e = register(station, patient)
    assert bad_fields(station.refused("TransferEncounter", "doctor", encounter_id=e.id, to_clinic_code="NK-1",
                                      to_doctor_code="D001", reason="again")) == ["to_clinic_code"]
    assert bad_fields(station.refused("AddCharges", "doctor", encounter_id=e.id, charges=[pb.ChargeInput(
        item_code="X", item_name="x", unit_price="1.5", quantity="2", amount="3.01")])) == ["charges[0].amount"]
    assert bad_fields(station.refused("PayEncounter", "cashier", encounter_id=e.id,
                                      method=pb.PAYMENT_METHOD_CASH, amount="1e3")) == ["amount"]
    moved = station.call("TransferEncounter", "doctor", encounter_id=e.id, to_clinic_code="XNK-1",
                         to_doctor_code="D002", reason="会诊").encounter
    station.queues.set_state(moved.legs[1].queue_entry_id, QueueState.IN_CONSULTATION)
    err = station.refused("UndoTransfer", "doctor", encounter_id=e.id)
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION and "IN_CONSULTATION" in err.details()
    assert station.refused("GetEncounter", "viewer", encounter_id="nope").code() is grpc.StatusCode.NOT_FOUND
    assert station.call("GetEncounter", "viewer", encounter_id=e.id).encounter == moved


def test_who_may_do_what(station):
    patient = self_pay(station)
    e = register(station, patient, role="kiosk")  # a kiosk registers and takes the payment itself
    assert station.call("PayEncounter", "kiosk", encounter_id=e.id, method=pb.PAYMENT_METHOD_CASH).payment.receipt_no
    for role, rpc, request in (("viewer", "PayEncounter", {"method": pb.PAYMENT_METHOD_CASH}),
                               ("kiosk", "TransferEncounter", {"to_clinic_code": "XNK-1", "reason": "x"}),
                               ("cashier", "RecordDiagnoses", {})):
        err = station.refused(rpc, role, encounter_id=e.id, **request)
        assert err.code() is grpc.StatusCode.PERMISSION_DENIED, (role, rpc)


def test_history_pages_with_a_token(station):
    patient = self_pay(station)
    ids = [register(station, patient).id for _ in range(3)]
    first = station.call("ListEncounters", "doctor", patient_id=patient, page_size=2)
    rest = station.call("ListEncounters", "doctor", patient_id=patient, page_size=2, page_token=first.next_page_token)
    assert [x.encounter.id for x in (*first.entries, *rest.entries)] == ids[::-1] and not rest.next_page_token
    assert first.entries[0].encounter.legs[0].doctor_name == "王医生"
    err = station.refused("ListEncounters", "doctor", patient_id=self_pay(station), page_token=first.next_page_token)
    assert bad_fields(err) == ["page_token"]  # a token is bound to its patient
