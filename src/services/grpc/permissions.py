"""The permission each RPC needs: one table, every method of every service in proto/his.

A method missing here is refused to everyone (and a test fails), so a new RPC cannot be served
unguarded by accident. Health and reflection (auth.PUBLIC_SERVICES) need none.
"""
from __future__ import annotations

_OUTPATIENT = "/his.v1.OutpatientService/"
_JOURNAL = "/his.v1.JournalService/"
_PLATFORM = "/his.v1.PlatformService/"
_AUDIT = "/his.v1.AuditService/"
_DOCTOR_STATION = "/his.v1.DoctorStationService/"
_REGISTRATION = "/his.v1.RegistrationService/"
_ADMIN = "/his.v1.AdminService/"
_PATIENT = "/his.v1.PatientService/"
_QUEUE = "/his.v1.QueueService/"
_ORDER = "/his.v1.OrderService/"
_PRESCRIPTION = "/his.v1.PrescriptionService/"
_INPATIENT = "/his.v1.InpatientService/"
_SETTLEMENT_LIST = "/his.v1.SettlementListService/"
_REPORT = "/his.v1.ReportService/"

METHOD_PERMISSIONS: dict[str, str] = {
    _OUTPATIENT + "ReadInsuredPerson": "person.read",
    _OUTPATIENT + "RegisterVisit": "visit.register",
    _OUTPATIENT + "CancelRegistration": "visit.unregister",
    _OUTPATIENT + "UploadVisitInfo": "visit.diagnose",
    _OUTPATIENT + "UploadFees": "fees.upload",
    _OUTPATIENT + "CancelFees": "fees.cancel",
    _OUTPATIENT + "PreSettleVisit": "visit.presettle",
    _OUTPATIENT + "SettleVisit": "visit.settle",
    _OUTPATIENT + "CancelSettlement": "settlement.cancel",
    _OUTPATIENT + "GetVisit": "visit.read",
    _OUTPATIENT + "PrintSettlementSlip": "visit.read",
    _OUTPATIENT + "ListVisits": "visit.read",
    _JOURNAL + "ListJournalEntries": "journal.read",
    _JOURNAL + "GetJournalEntry": "journal.read",
    _JOURNAL + "ResolveJournalEntry": "journal.resolve",
    _PLATFORM + "ListTransactions": "catalogue.read",
    _PLATFORM + "DescribeTransaction": "catalogue.read",
    _PLATFORM + "Invoke": "platform.invoke",
    _AUDIT + "ListAuditEvents": "audit.read",
    _DOCTOR_STATION + "SearchDiagnoses": "diagnosis.read",
    _REGISTRATION + "RegisterEncounter": "encounter.register",
    _REGISTRATION + "GetEncounter": "encounter.read",
    _REGISTRATION + "ListEncounters": "encounter.read",
    _REGISTRATION + "GetEncounterPath": "encounter.read",
    _REGISTRATION + "AddCharges": "encounter.charge",
    _REGISTRATION + "PayEncounter": "encounter.pay",
    _REGISTRATION + "RefundPayment": "encounter.refund",
    _REGISTRATION + "CancelEncounter": "encounter.cancel",
    _REGISTRATION + "TransferEncounter": "encounter.transfer",
    _REGISTRATION + "UndoTransfer": "encounter.transfer",
    _REGISTRATION + "RecordDiagnoses": "encounter.diagnose",
    # hospital master data
    **{_ADMIN + f"List{kind}": "masterdata.read" for kind in ("Departments", "Clinics", "Staff", "PriceLines")},
    **{_ADMIN + f"{verb}{kind}": "masterdata.write" for verb in ("Create", "Update", "Retire")
       for kind in ("Department", "Clinic", "Staff", "PriceLine")},
    _ADMIN + "GetHistory": "masterdata.read",
    _ADMIN + "GetRegistrationFee": "masterdata.read",
    _ADMIN + "UploadDepartment": "masterdata.upload",
    _ADMIN + "CheckNationalCodes": "masterdata.upload",
    _ADMIN + "ListChargeItems": "masterdata.read",
    **{_ADMIN + f"{verb}ChargeItem": "masterdata.write" for verb in ("Create", "Update", "Retire")},
    _ADMIN + "UploadChargeItemMappings": "masterdata.upload",
    _ADMIN + "RevokeChargeItemMapping": "masterdata.upload",
    _PATIENT + "RegisterPatient": "patient.register",
    _PATIENT + "UpdatePatient": "patient.register",
    _PATIENT + "GetPatient": "patient.read",
    _PATIENT + "FindPatients": "patient.read",
    _PATIENT + "MergePatients": "patient.merge",
    _PATIENT + "ReadInsurance": "patient.register",
    _PATIENT + "GetPatientHistory": "patient.read",
    _QUEUE + "GetQueue": "queue.read",
    _QUEUE + "WatchQueue": "queue.read",
    _QUEUE + "CallNext": "queue.operate",
    _QUEUE + "Recall": "queue.operate",
    _QUEUE + "Skip": "queue.operate",
    _QUEUE + "StartConsultation": "queue.operate",
    _QUEUE + "FinishConsultation": "queue.operate",
    _QUEUE + "MarkNoShow": "queue.operate",
    _ORDER + "ListExamTables": "order.read",
    _ORDER + "GetExamRequest": "order.read",
    _ORDER + "ListExamRequests": "order.read",
    _ORDER + "RequestExam": "order.write",
    _ORDER + "CancelExamParts": "order.write",
    _ORDER + "ScheduleExamPart": "exam.operate",
    _ORDER + "RecordExamPerformed": "exam.operate",
    _ORDER + "RecordExamReport": "exam.operate",
    _ORDER + "PrintExamRequest": "order.print",
    _ORDER + "OrderChargeItems": "order.write",
    _ORDER + "CancelChargeItemOrder": "order.write",
    _PRESCRIPTION + "CreatePrescription": "prescription.write",
    _PRESCRIPTION + "SignPrescription": "prescription.write",
    _PRESCRIPTION + "CirculatePrescription": "prescription.write",
    _PRESCRIPTION + "RevokePrescription": "prescription.write",
    _PRESCRIPTION + "GetPrescription": "prescription.read",
    _PRESCRIPTION + "ListPrescriptions": "prescription.read",
    _PRESCRIPTION + "SearchDrugs": "prescription.read",
    _INPATIENT + "IssueAdmissionOrder": "inpatient.order",
    _INPATIENT + "ChangeAdmissionOrder": "inpatient.order",
    _INPATIENT + "CancelAdmissionOrder": "inpatient.order",
    _INPATIENT + "GetAdmissionOrder": "inpatient.read",
    _INPATIENT + "Admit": "inpatient.admit",
    _INPATIENT + "AssignBed": "inpatient.admit",
    _INPATIENT + "TransferStay": "inpatient.admit",
    _INPATIENT + "CancelStay": "inpatient.admit",
    _INPATIENT + "RecordCharges": "inpatient.charge",
    _INPATIENT + "TakeDeposit": "inpatient.deposit",
    _INPATIENT + "RefundDeposit": "inpatient.deposit",
    _INPATIENT + "WaiveDeposit": "inpatient.deposit",
    _INPATIENT + "OrderDischarge": "inpatient.order",
    _INPATIENT + "Discharge": "inpatient.discharge",
    _INPATIENT + "PreviewSettlement": "inpatient.read",
    _INPATIENT + "SettleStay": "inpatient.discharge",
    _INPATIENT + "GetStay": "inpatient.read",
    _INPATIENT + "ListStays": "inpatient.read",
    _INPATIENT + "GetWard": "inpatient.read",
    _INPATIENT + "WithdrawCharges": "inpatient.charge",
    _INPATIENT + "ChangeStayDiagnoses": "inpatient.order",
    _INPATIENT + "RecallStay": "inpatient.discharge",
    _INPATIENT + "CancelStaySettlement": "inpatient.unsettle",
    _INPATIENT + "GetSettlementSlip": "inpatient.read",
    _INPATIENT + "PrintSettlementSlip": "inpatient.read",
    _INPATIENT + "MarkSpecialAttribute": "inpatient.attributes",
    _INPATIENT + "ListSpecialAttributes": "inpatient.read",
    _SETTLEMENT_LIST + "ListSettlementLists": "settlement_list.read",
    _SETTLEMENT_LIST + "GetSettlementList": "settlement_list.read",
    _SETTLEMENT_LIST + "FillSettlementList": "settlement_list.write",
    _SETTLEMENT_LIST + "BuildSettlementLists": "settlement_list.write",
    _SETTLEMENT_LIST + "UploadSettlementList": "settlement_list.upload",
    _SETTLEMENT_LIST + "ResolveSettlementListUpload": "settlement_list.upload",
    _REPORT + "GetSummary": "report.read",
    _REPORT + "ExportReport": "report.export",
}

# reconciliation with the platform (对账) and its 单边账 worklist
_RECONCILIATION = "/his.v1.ReconciliationService/"
METHOD_PERMISSIONS.update({
    _RECONCILIATION + "RunReconciliation": "reconciliation.run",
    _RECONCILIATION + "GetReconciliationRun": "reconciliation.read",
    _RECONCILIATION + "ListReconciliationRuns": "reconciliation.read",
    _RECONCILIATION + "ListOneSidedEntries": "reconciliation.read",
    _RECONCILIATION + "ResolveOneSidedEntry": "reconciliation.resolve",
})

# clearing with the 医保 centre (清算申请) and its printed form
_CLEARING = "/his.v1.ClearingService/"
METHOD_PERMISSIONS.update({
    _CLEARING + "PreviewClearing": "clearing.read",
    _CLEARING + "ListClearingApplications": "clearing.read",
    _CLEARING + "GetClearingApplication": "clearing.read",
    _CLEARING + "PrintClearingApplication": "clearing.read",
    _CLEARING + "ApplyClearing": "clearing.apply",
    _CLEARING + "RevokeClearing": "clearing.apply",
})

# A request field that, when set, asks for more than the method's permission covers:
# method -> (field, the further permission it needs)
FIELD_PERMISSIONS: dict[str, tuple[str, str]] = {
    _OUTPATIENT + "GetVisit": ("include_journal", "journal.read"),
    **{_PATIENT + method: ("reveal_identity", "patient.identity.read")
       for method in ("RegisterPatient", "UpdatePatient", "GetPatient", "FindPatients", "MergePatients",
                      "ReadInsurance", "GetPatientHistory")},
}
