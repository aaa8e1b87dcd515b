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
_QUEUE = "/his.v1.QueueService/"

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
    _OUTPATIENT + "ListVisits": "visit.read",
    _JOURNAL + "ListJournalEntries": "journal.read",
    _JOURNAL + "GetJournalEntry": "journal.read",
    _JOURNAL + "ResolveJournalEntry": "journal.resolve",
    _PLATFORM + "ListTransactions": "catalogue.read",
    _PLATFORM + "DescribeTransaction": "catalogue.read",
    _PLATFORM + "Invoke": "platform.invoke",
    _AUDIT + "ListAuditEvents": "audit.read",
    _DOCTOR_STATION + "SearchDiagnoses": "diagnosis.read",
    _QUEUE + "GetQueue": "queue.read",
    _QUEUE + "WatchQueue": "queue.read",
    _QUEUE + "CallNext": "queue.operate",
    _QUEUE + "Recall": "queue.operate",
    _QUEUE + "Skip": "queue.operate",
    _QUEUE + "StartConsultation": "queue.operate",
    _QUEUE + "FinishConsultation": "queue.operate",
    _QUEUE + "MarkNoShow": "queue.operate",
}

# A request field that, when set, asks for more than the method's permission covers:
# method -> (field, the further permission it needs)
FIELD_PERMISSIONS: dict[str, tuple[str, str]] = {
    _OUTPATIENT + "GetVisit": ("include_journal", "journal.read"),
}
