"""An insured admission reads the insurance again (1101) before its 2401 when the last read is older
than the configured age, with the credential the patient came with; a fresh read is used as it is."""
from __future__ import annotations

import sys
from datetime import date, datetime, timedelta

from domain.operator import Operator
from domain.patients import InsuranceSnapshot, Patient
from services.inpatient import PlatformStayInsurance
from services.patients import PatientRegistry

fakes = sys.modules["tests_shared_fakes"]
NURSE = Operator("N001", "钱护士", role="ward_nurse")


class Registry(PatientRegistry):
    """The patient index as this rule sees it: one patient, and the 1101 reads asked of it."""

    def __init__(self, read_at: datetime):
        self.patient = Patient("P1", "李四", "1", date(1970, 1, 1),
                               insurance=InsuranceSnapshot("42010620000000000001", ("310",), "420106", read_at))
        self.reads: list[tuple] = []

    def get(self, patient_id):
        return self.patient

    def read_insurance(self, op, mdtrt_cert_type, mdtrt_cert_no, card_sn="", psn_name="", patient_id=""):
        self.reads.append((mdtrt_cert_type, mdtrt_cert_no, patient_id))
        return self.patient


def reads_for(read_at: datetime) -> list[tuple]:
    clock = fakes.ManualClock(datetime(2026, 12, 7, 10, 0))
    registry = Registry(read_at)
    stays = PlatformStayInsurance(None, None, None, clock, registry, timedelta(hours=24))
    stays._fresh_insurance(NURSE, "P1", "02", "420106197001011234")
    return registry.reads


def test_a_read_older_than_the_age_is_made_again_with_the_visits_credential():
    assert reads_for(datetime(2026, 12, 6, 9, 59)) == [("02", "420106197001011234", "P1")]


def test_a_fresh_read_is_used_as_it_is():
    assert reads_for(datetime(2026, 12, 6, 10, 1)) == []
