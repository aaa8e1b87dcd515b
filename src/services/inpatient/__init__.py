"""Inpatient stays (一站式住院: 住院证, admission with no cashier step, beds, charges, deposit, discharge,
settlement): the context's public API. The gRPC layer, the composition root and other contexts import
from here only."""
from __future__ import annotations

from services.inpatient.commands import (AdmissionResult, Admit, ChangeAdmissionOrder, ChargeLineInput,
                                         DepositInput, DiagnosisInput, IssueAdmissionOrder, RecordCharges,
                                         RefundDeposit, SettlementPreview, SettleStay, TransferStay)
from services.inpatient.core import GREEN_CHANNEL, INSURED_BELOW_THRESHOLD, InpatientConfig
from services.inpatient.insurance import InsuredSettlement, NotWiredInsurance, StayInsurance
from services.inpatient.platform_insurance import PlatformStayInsurance
from services.inpatient.service import InpatientService
from services.inpatient.wards_data import demo_wards_file, parse_wards, read_wards

__all__ = ["GREEN_CHANNEL", "INSURED_BELOW_THRESHOLD", "AdmissionResult", "Admit", "ChangeAdmissionOrder",
           "ChargeLineInput", "DepositInput", "DiagnosisInput", "InpatientConfig", "InpatientService",
           "InsuredSettlement", "IssueAdmissionOrder", "NotWiredInsurance", "PlatformStayInsurance", "RecordCharges",
           "RefundDeposit",
           "SettleStay", "SettlementPreview", "StayInsurance", "TransferStay", "demo_wards_file", "parse_wards",
           "read_wards"]
