"""The doctor station's clients for end-to-end tests: stubs of its services called with the token of
the role that makes each call at a hospital, and the operators those tokens stand for."""
from __future__ import annotations

import random
import uuid

import grpc
import pytest

from adapters.yb_sim.demo_data import demo_persons
from his.v1 import admin_pb2, orders_pb2_grpc, patients_pb2, patients_pb2_grpc, queues_pb2, queues_pb2_grpc
from his.v1 import registration_pb2 as reg
from his.v1 import registration_pb2_grpc
from services.settings import DEMO_OPERATORS, OperatorToken

OPERATORS = [*DEMO_OPERATORS,
             OperatorToken(token="registrar-token", code="R001", name="挂号员", role="registrar"),
             OperatorToken(token="dr001-token", code="DR001", name="王建国", role="doctor"),
             OperatorToken(token="dr002-token", code="DR002", name="李明", role="doctor"),
             OperatorToken(token="dr004-token", code="DR004", name="陈卫", role="doctor"),
             OperatorToken(token="dr005-token", code="DR005", name="刘刚", role="doctor"),
             OperatorToken(token="dr006-token", code="DR006", name="赵芳", role="doctor"),
             OperatorToken(token="dr007-token", code="DR007", name="孙急", role="doctor"),
             OperatorToken(token="screen-token", code="SCR1", name="候诊屏", role="viewer"),
             OperatorToken(token="tech-token", code="T001", name="放射技师", role="technician"),
             OperatorToken(token="cashier-token", code="C001", name="收费员", role="cashier")]
WORKER = next(p for p in demo_persons() if p.psn_no == "42010620000000000001")  # the simulator's 职工


class Station:
    """Stubs of the doctor-station services, called with the token of a role."""

    def __init__(self, stack):
        self.stack = stack
        ch = stack.channel
        self.patients = patients_pb2_grpc.PatientServiceStub(ch)
        self.registration = registration_pb2_grpc.RegistrationServiceStub(ch)
        self.queues = queues_pb2_grpc.QueueServiceStub(ch)
        self.orders = orders_pb2_grpc.OrderServiceStub(ch)

    @staticmethod
    def md(token: str) -> tuple:
        return (("authorization", f"Bearer {token}"),)

    def register_self_pay_patient(self) -> str:
        card = f"JZK{uuid.uuid4().hex[:12].upper()}"  # the hospital's 就诊卡: one per test run
        reply = self.patients.RegisterPatient(patients_pb2.RegisterPatientRequest(
            request_id=str(uuid.uuid4()), patient=patients_pb2.PatientInput(
                name="自费患者", phone="13800138000",  # gender and birth date read from the 身份证
                identifiers=[patients_pb2.PatientIdentifier(kind=patients_pb2.VISIT_CARD, value=card),
                             patients_pb2.PatientIdentifier(kind=patients_pb2.ID_CARD, value=_id_card())])),
            metadata=self.md("registrar-token"))
        return reply.patient.id

    def insured_patient(self) -> str:
        reply = self.patients.ReadInsurance(patients_pb2.ReadInsuranceRequest(
            request_id=str(uuid.uuid4()), mdtrt_cert_type="02", mdtrt_cert_no=WORKER.certno),
            metadata=self.md("registrar-token"))
        return reply.patient.id

    def register(self, patient_id: str, clinic: str, doctor: str = "", **more) -> reg.Encounter:
        request = reg.RegisterEncounterRequest(
            patient_id=patient_id, clinic_code=clinic, doctor_code=doctor,
            reg_type=more.pop("reg_type", admin_pb2.REGISTRATION_TYPE_ORDINARY),
            coverage=more.pop("coverage", reg.COVERAGE_SELF_PAY), request_id=str(uuid.uuid4()), **more)
        return self.registration.RegisterEncounter(request, metadata=self.md("registrar-token")).encounter

    def register_insured(self, patient_id: str, clinic: str, doctor: str) -> reg.Encounter:
        return self.register(patient_id, clinic, doctor, coverage=reg.COVERAGE_INSURED, insutype="310",
                             med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER.certno)

    def encounter(self, encounter_id: str) -> reg.Encounter:
        return self.registration.GetEncounter(reg.GetEncounterRequest(encounter_id=encounter_id),
                                              metadata=self.md("demo-token")).encounter

    def queue(self, clinic: str, doctor: str = "") -> list:
        return list(self.queues.GetQueue(queues_pb2.GetQueueRequest(clinic_code=clinic, doctor_code=doctor),
                                         metadata=self.md("screen-token")).entries)

    def entry_of(self, clinic: str, encounter_id: str):
        return next(e for e in self.queue(clinic) if e.encounter_id == encounter_id)

    def call_next(self, clinic: str, doctor_token: str, doctor: str):
        return self.queues.CallNext(queues_pb2.CallNextRequest(clinic_code=clinic, doctor_code=doctor,
                                                               request_id=str(uuid.uuid4())),
                                    metadata=self.md(doctor_token)).entry

    def move(self, rpc: str, entry_id: str, token: str):
        return getattr(self.queues, rpc)(queues_pb2.QueueEntryRequest(entry_id=entry_id, request_id=str(uuid.uuid4())),
                                         metadata=self.md(token)).entry

    def transfer(self, encounter_id: str, clinic: str, doctor: str, token: str = "dr001-token") -> reg.Encounter:
        return self.registration.TransferEncounter(reg.TransferEncounterRequest(
            encounter_id=encounter_id, to_clinic_code=clinic, to_doctor_code=doctor, reason="需专科诊治",
            request_id=str(uuid.uuid4())), metadata=self.md(token)).encounter

    def undo(self, encounter_id: str, token: str = "dr001-token") -> reg.Encounter:
        return self.registration.UndoTransfer(reg.UndoTransferRequest(
            encounter_id=encounter_id, request_id=str(uuid.uuid4())), metadata=self.md(token)).encounter

    def path(self, encounter_id: str) -> list:
        return list(self.registration.GetEncounterPath(reg.GetEncounterPathRequest(encounter_id=encounter_id),
                                                       metadata=self.md("demo-token")).steps)

    def diagnose(self, encounter_id: str, token: str) -> reg.Encounter:
        return self.registration.RecordDiagnoses(reg.RecordDiagnosesRequest(
            encounter_id=encounter_id, request_id=str(uuid.uuid4()),
            diagnoses=[reg.DiagnosisInput(code="I10.x00", name="高血压", main=True)]), metadata=self.md(token)).encounter


def _id_card() -> str:
    """A 居民身份证 number with a valid GB 11643 check digit, random enough for one database per run."""
    body = "420106" + f"{random.randint(1950, 2005)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}" \
        + f"{random.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def refused(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value
