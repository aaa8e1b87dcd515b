"""Helpers of the inpatient integration tests: a world of the real storage, the real EncounterService
(over the simulator) and fakes of the contexts it calls, with wards of its own (one database serves the
whole run) and a clock the test moves."""
from __future__ import annotations

import sys
import threading
import uuid
from datetime import datetime
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.inpatient import Bed, Ward
from domain.operator import Operator
from services.encounters import DiagnosisInput, EncounterService, RegisterEncounter
from services.inpatient import InpatientConfig, InpatientService, IssueAdmissionOrder

ds = sys.modules["tests_doctor_station_fakes"]
fakes = sys.modules["tests_shared_fakes"]
DOCTOR = Operator("D001", "王医生", role="doctor")
NURSE = Operator("N001", "钱护士", role="ward_nurse")
CLERK = Operator("R001", "入院处", role="admission_clerk")
REGISTRAR = Operator("1001", "挂号员")


class World:
    def __init__(self, app, beds: int = 3, insurance=None, config: InpatientConfig = InpatientConfig()):
        self.app = app
        self.clock = fakes.ManualClock(datetime(2026, 12, 7, 10, 0))
        self.queues, self.patients, self.directory = ds.FakeQueues(), ds.FakePatients(), ds.WardDirectory()
        self.encounters = EncounterService(ds.queueing(app.container.uow, self.queues), app.outpatient,
                                           self.directory, self.patients, self.queues, app.clock)
        self.uow = app.container.uow
        self.service = InpatientService(self.uow, self.encounters, self.directory, self.patients, self.clock,
                                        config, insurance)
        tag = uuid.uuid4().hex[:8].upper()
        self.nk, self.wk = f"NK{tag}", f"WK{tag}"
        self.service.load_wards([Ward(self.nk, "内科病区", "NK", [Bed(self.nk, f"{i:02d}") for i in range(1, beds + 1)]),
                                 Ward(self.wk, "外科病区", "WK", [Bed(self.wk, f"{i:02d}") for i in range(1, 3)])])

    def patient(self):
        return self.patients.add(ds.self_pay_patient(f"P-{uuid.uuid4()}"))

    def encounter(self, diagnosed: bool = True):
        patient = self.patient()
        encounter = self.encounters.register(REGISTRAR, RegisterEncounter(
            patient_id=patient.id, clinic_code="NK-1", doctor_code="D001", reg_type="ORDINARY"))
        if diagnosed:
            self.encounters.record_diagnoses(DOCTOR, encounter.id, [
                DiagnosisInput("J18.900", "肺炎", main=True), DiagnosisInput("I10.x00", "高血压")])
        return self.encounters.get(encounter.id)

    def insured_encounter(self):
        patient = self.patients.add(ds.insured_patient(f"P-{uuid.uuid4()}"))
        certno = next(p.certno for p in demo_persons() if p.psn_no == ds.WORKER_PSN_NO)
        self.app.outpatient.read_person(REGISTRAR, "02", certno)
        encounter = self.encounters.register(REGISTRAR, RegisterEncounter(
            patient_id=patient.id, clinic_code="NK-1", doctor_code="D001", reg_type="ORDINARY", coverage="INSURED",
            insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=certno))
        self.encounters.record_diagnoses(DOCTOR, encounter.id, [DiagnosisInput("J18.900", "肺炎", main=True)])
        return self.encounters.get(encounter.id)

    def order(self, encounter=None, **more):
        encounter = encounter or self.encounter()
        return self.service.issue_order(DOCTOR, IssueAdmissionOrder(**{
            "encounter_id": encounter.id, "ward_code": self.nk, "suggested_deposit": Decimal("3000"), **more}))


class CommitBarrier:
    """A unit-of-work factory whose units wait for each other before their first commit in each thread:
    the callers have all read what they will write before any of them writes."""

    def __init__(self, factory, parties: int):
        self.factory, self.barrier, self.local = factory, threading.Barrier(parties, timeout=20), threading.local()

    def __call__(self):
        return _Held(self.factory(), self)


class _Held:
    def __init__(self, inner, gate: CommitBarrier):
        self._inner, self._gate = inner, gate

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __enter__(self):
        self._inner.__enter__()
        return self

    def __exit__(self, *exc):
        return self._inner.__exit__(*exc)

    def commit(self):
        if not getattr(self._gate.local, "passed", False):
            self._gate.local.passed = True
            self._gate.barrier.wait()
        self._inner.commit()


def run_together(*calls):
    """Run the calls in threads at once; their results or errors, in order."""
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each got
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
