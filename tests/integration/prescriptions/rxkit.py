"""Helpers of the prescriptions' integration tests: the real composition root (in-memory simulator,
test database), the demo hospital, patients and encounters made through the other contexts' APIs,
the notice endpoint on a real socket, and a pharmacy playing its side."""
from __future__ import annotations

import sys
import time
import uuid
from datetime import date
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.journal import JournalState
from domain.operator import Operator
from domain.patients import Identifier, IdentifierKind
from domain.prescriptions import LineInput
from services.encounters import DiagnosisInput, RegisterEncounter
from services.hospital import demo_file
from services.patients import PatientDetails
from services.prescriptions import NewPrescription

FakePharmacy = sys.modules["tests_fake_pharmacy"].FakePharmacy
CLERK = Operator("1001", "演示收费员")
DOCTOR = Operator("DR006", "赵芳", role="doctor")  # 儿科: the queue tests keep 内科 to themselves
WORKER = next(p for p in demo_persons() if p.psn_no == "42010620000000000001")


def line(code="YP0001", dose="0.5", frequency="tid", days=3) -> LineInput:
    return LineInput(drug_code=code, dose=Decimal(dose), frequency=frequency, days=days)


class Clinic:
    def __init__(self, app, simulator):
        self.app, self.simulator = app, simulator
        app.load_hospital_data(str(demo_file()))
        self.rx = app.prescriptions
        self.pharmacy = FakePharmacy(simulator)

    def insured_encounter(self, diagnosed: bool = True):
        patient = self.app.patients.read_insurance(CLERK, "02", WORKER.certno)
        e = self.app.encounters.register(CLERK, RegisterEncounter(
            patient_id=patient.id, clinic_code="EK01", reg_type="ORDINARY", doctor_code="DR006", coverage="INSURED",
            insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER.certno))
        if diagnosed:
            e = self.app.encounters.record_diagnoses(DOCTOR, e.id, [DiagnosisInput("J00.x00", "急性鼻咽炎", main=True)])
        return e

    def self_pay_encounter(self):
        patient = self.app.patients.register(CLERK, PatientDetails(
            name="自费患者", gender="1", birth_date=date(1985, 1, 1),
            identifiers=(Identifier(IdentifierKind.VISIT_CARD, f"JZK{uuid.uuid4().hex[:12].upper()}"),)))
        return self.app.encounters.register(CLERK, RegisterEncounter(
            patient_id=patient.id, clinic_code="EK01", reg_type="ORDINARY", doctor_code="DR006"))

    def prescribe(self, encounter_id: str, *lines: LineInput, category: str = "ORDINARY"):
        return self.rx.create(DOCTOR, NewPrescription(encounter_id, category, list(lines) or [line()]))

    def codes(self, visit_id: str) -> list[str]:
        return [e.infno for e in self.app.journal.for_visit(visit_id)
                if e.state in (JournalState.OK, JournalState.CONFIRMED)]

    def sent(self, visit_id: str) -> list[str]:
        """Every journaled call of the visit, whatever its outcome."""
        return [e.infno for e in self.app.journal.for_visit(visit_id)]


def wait_for(predicate, what: str, timeout: float = 20.0):
    """Poll until `predicate()` is truthy (the pushes are asynchronous); fails naming `what`."""
    end = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)
