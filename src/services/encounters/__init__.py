"""Outpatient encounters for every patient (挂号, charges and payments, history, 门诊流转): the
context's public API. The gRPC layer, the composition root and other contexts import from here only."""
from __future__ import annotations

from services.encounters.commands import (ChargeInput, DiagnosisInput, EncounterHistory, EncounterRecord,
                                          OrderCharge, PathStep, PayEncounter, RefundPayment, RegisterEncounter,
                                          TransferEncounter)
from services.encounters.service import EncounterConfig, EncounterService

__all__ = ["ChargeInput", "DiagnosisInput", "EncounterConfig", "EncounterHistory", "EncounterRecord",
           "EncounterService", "OrderCharge", "PathStep", "PayEncounter", "RefundPayment", "RegisterEncounter",
           "TransferEncounter"]
