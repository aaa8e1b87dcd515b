"""Inpatient stays (住院) on the hospital's side: the admission order (住院证) from the outpatient
doctor, wards and beds, the stay with its charges, deposit and settlement. The public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from domain.inpatient.orders import (AdmissionDiagnosis, AdmissionOrder, Condition, OrderRules, OrderState,
                                     diagnosis_violations)
from domain.inpatient.stay import (REFERENCE_REQUIRED, Deposit, DepositKind, DepositMethod, InpatientStay,
                                   SpecialAttribute, StayCharge, StayCoverage, StaySettlement, StayState,
                                   WardTransfer, deposit_receipt_number, ipt_number)
from domain.inpatient.wards import Bed, BedState, WaitingEntry, WaitingState, Ward

__all__ = ["REFERENCE_REQUIRED", "AdmissionDiagnosis", "AdmissionOrder", "Bed", "BedState", "Condition", "Deposit",
           "DepositKind", "DepositMethod", "InpatientStay", "OrderRules", "OrderState", "SpecialAttribute",
           "StayCharge", "StayCoverage", "StaySettlement", "StayState", "WaitingEntry", "WaitingState", "Ward",
           "WardTransfer", "deposit_receipt_number", "diagnosis_violations", "ipt_number"]
