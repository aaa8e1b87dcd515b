"""Prescriptions (处方) and 处方流转: the context's public API. The gRPC layer, the inbound notice
endpoint and the composition root import from here only.

PrescriptionService: create / sign (kept in hospital, charged on the encounter) / circulate (7101) /
revoke (7104, or cancel in hospital) / get / for_encounter, and record_review (7102) /
record_purchase (7103) for the notices the platform pushes. load_formulary: the drug list at start.
"""
from __future__ import annotations

from services.prescriptions.formulary_loader import FormularyLoad, demo_formulary_file, load_formulary
from services.prescriptions.service import (PURCHASE, REVIEW, Circulate, NewPrescription, PrescriptionConfig,
                                            PrescriptionService, charges)

NOTICE_INFNOS = (REVIEW, PURCHASE)  # what the hospital receives: 7102 处方审核结果, 7103 购药结果

__all__ = ["NOTICE_INFNOS", "Circulate", "FormularyLoad", "NewPrescription", "PrescriptionConfig",
           "PrescriptionService", "charges", "demo_formulary_file", "load_formulary"]
