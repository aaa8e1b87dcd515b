"""Prescriptions (处方) of the doctor station and their circulation (处方流转): the public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from domain.prescriptions.formulary import (FREQUENCIES, Drug, DrugKind, Formulary, Frequency,
                                            formulary_from_dict)
from domain.prescriptions.model import (CIRCULATING, LineInput, Prescription, Purchase, PurchasedItem, Review,
                                        RxCategory, RxLimits, RxLine, RxState, prescribe)

__all__ = ["CIRCULATING", "FREQUENCIES", "Drug", "DrugKind", "Formulary", "Frequency", "LineInput", "Prescription",
           "Purchase", "PurchasedItem", "Review", "RxCategory", "RxLimits", "RxLine", "RxState",
           "formulary_from_dict", "prescribe"]
