"""Outpatient encounters (门诊就诊) for every patient, insured or self-pay: the public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from domain.encounters.model import (REFERENCE_REQUIRED, Charge, Coverage, Encounter, EncounterDiagnosis,
                                     EncounterState, Leg, LegState, OldRegistration, Payment, PaymentKind,
                                     PaymentMethod, Transfer, TransferRules, receipt_number)

__all__ = ["REFERENCE_REQUIRED", "Charge", "Coverage", "Encounter", "EncounterDiagnosis", "EncounterState", "Leg",
           "LegState", "OldRegistration", "Payment", "PaymentKind", "PaymentMethod", "Transfer", "TransferRules",
           "receipt_number"]
