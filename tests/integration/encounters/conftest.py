"""Encounters over the real composition root's storage and OutpatientService (the simulator as the
platform, the test database), with fakes of the contexts built in parallel (directory, patients, queues)."""
from __future__ import annotations

import sys
import uuid

import pytest

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.encounters import OldRegistration, TransferRules
from domain.operator import Operator
from services.bootstrap import bootstrap
from services.encounters import EncounterConfig, EncounterService, RegisterEncounter
from services.settings import Settings

ds = sys.modules["tests_doctor_station_fakes"]
OP = Operator("1001", "演示收费员")
DOCTOR = Operator("D001", "王医生", role="doctor")


@pytest.fixture
def simulator():
    return SimulatorPlatform()


@pytest.fixture
def app(database_url, simulator):
    application = bootstrap(Settings(database_url=database_url), platform=simulator)
    yield application
    application.container.engine().dispose()


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


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def keeping_world(app):
    return World(app, OldRegistration.KEPT)
