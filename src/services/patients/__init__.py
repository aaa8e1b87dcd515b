"""Patients (master patient index): its public API.

PatientRegistry.get(patient_id) -> Patient follows a merge to the surviving record (NotFound
otherwise); the rest of the registry (register, update, find, search, merge, read_insurance,
history) is for the patient desk and its gRPC service.
"""
from __future__ import annotations

from ports.patients import PatientQuery
from services.patients.registry import (CERT_TYPES, DEFAULT_PAGE, MAX_PAGE, UPDATABLE, PatientDetails, PatientPage,
                                        PatientRegistry)

IDENTITY_PERMISSION = "patient.identity.read"  # identity numbers, phones and addresses shown in clear

__all__ = ["CERT_TYPES", "DEFAULT_PAGE", "IDENTITY_PERMISSION", "MAX_PAGE", "UPDATABLE", "PatientDetails",
           "PatientPage", "PatientQuery", "PatientRegistry"]
