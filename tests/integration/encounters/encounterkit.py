"""Helpers of the encounters' integration tests: operators, and a world of fakes of the called
contexts around the real storage and OutpatientService."""
from __future__ import annotations

import sys
import uuid

from adapters.yb_sim.demo_data import demo_persons
from domain.encounters import OldRegistration, TransferRules
from domain.operator import Operator
from services.encounters import EncounterConfig, EncounterService, RegisterEncounter

ds = sys.modules["tests_doctor_station_fakes"]
OP = Operator("1001", "演示收费员")
DOCTOR = Operator("D001", "王医生", role="doctor")


class World:
    def __init__(self, app, old_registration=OldRegistration.CANCELLED):
        self.app = app
        self.queues, self.patients, self.directory = ds.FakeQueues(), ds.FakePatients(), ds.FakeDirectory()
        self.uow = ds.queueing(app.container.uow, self.queues)
        self.service = EncounterService(self.uow, app.outpatient, self.directory, self.patients, self.queues,
                                        app.clock, EncounterConfig(TransferRules(old_registration=old_registration)))
        # ids of their own: one database serves the whole run
        self.insured = self.patients.add(ds.insured_patient(f"P-{uuid.uuid4()}"))
        self.self_pay = self.patients.add(ds.self_pay_patient(f"P-{uuid.uuid4()}"))

    def register_insured(self, **more):
        certno = next(p.certno for p in demo_persons() if p.psn_no == ds.WORKER_PSN_NO)
        self.app.outpatient.read_person(OP, "02", certno)
        return self.service.register(OP, RegisterEncounter(**{
            "patient_id": self.insured.id, "clinic_code": "NK-1", "doctor_code": "D001", "reg_type": "ORDINARY",
            "coverage": "INSURED", "insutype": "310", "med_type": "11", "mdtrt_cert_type": "02",
            "mdtrt_cert_no": certno, **more}))
