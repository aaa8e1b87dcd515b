"""Patients (master patient index): its public API."""
from __future__ import annotations

from domain.patients import Patient


class PatientRegistry:
    def get(self, patient_id: str) -> Patient:
        """The patient; a merged-away id answers with the surviving record. NotFound otherwise."""
        raise NotImplementedError
