"""his.v1.OutpatientService: proto in, one use case call, proto out. No rules live here."""
from __future__ import annotations

import base64
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from his.v1 import outpatient_pb2 as pb
from his.v1 import outpatient_pb2_grpc
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.outpatient import RegisterVisit

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 100_000  # list_visits has no cursor: deeper pages would read too much
DEFAULT_SETLWAY = "01"  # 按项目结算


class OutpatientServicer(outpatient_pb2_grpc.OutpatientServiceServicer):
    def __init__(self, outpatient, journal, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        """`outpatient`: an OutpatientService; `journal`: a JournalService (for GetVisit's journal)."""
        self.outpatient, self.journal, self.zone = outpatient, journal, m.zone_of(zone)

    def ReadInsuredPerson(self, request, context):
        person = self.outpatient.read_person(current_operator(), request.mdtrt_cert_type, request.mdtrt_cert_no,
                                             card_sn=request.card_sn, psn_name=request.psn_name)
        return pb.ReadInsuredPersonResponse(person=m.person_to_proto(person))

    def RegisterVisit(self, request, context):
        cmd = RegisterVisit(
            psn_no=request.psn_no, insutype=request.insutype, med_type=request.med_type,
            mdtrt_cert_type=request.mdtrt_cert_type, mdtrt_cert_no=request.mdtrt_cert_no,
            dept_code=request.dept_code, dept_name=request.dept_name, caty=request.caty, atddr_no=request.atddr_no,
            dr_name=request.dr_name, ipt_otp_no=request.ipt_otp_no,
            begntime=m.optional_time(request, "begntime", self.zone), insuplc_admdvs=request.insuplc_admdvs)
        visit = self.outpatient.register(current_operator(), cmd)
        return pb.RegisterVisitResponse(visit=self._visit(visit))

    def UploadVisitInfo(self, request, context):
        diagnoses = m.diagnoses_from_proto(request.diagnoses, self.zone)
        try:
            visit = self.outpatient.upload_diagnoses(current_operator(), request.visit_id, diagnoses,
                                                     main_cond_dscr=request.main_cond_dscr)
        except ValidationFailed as exc:
            raise m.renamed(exc, {"diseinfo": "diagnoses"}) from exc
        return pb.UploadVisitInfoResponse(visit=self._visit(visit))

    def UploadFees(self, request, context):
        items = m.fees_from_proto(request.fees, self.zone)
        try:
            visit = self.outpatient.upload_fees(current_operator(), request.visit_id, items)
        except ValidationFailed as exc:
            raise m.renamed(exc, {"feedetail": "fees"}) from exc
        return pb.UploadFeesResponse(visit=self._visit(visit))

    def CancelFees(self, request, context):
        visit = self.outpatient.cancel_fees(current_operator(), request.visit_id, request.chrg_bchno)
        return pb.CancelFeesResponse(visit=self._visit(visit))

    def PreSettleVisit(self, request, context):
        settlement = self.outpatient.pre_settle(current_operator(), request.visit_id, request.chrg_bchno,
                                                acct_used=request.use_personal_account,
                                                psn_setlway=request.psn_setlway or DEFAULT_SETLWAY)
        return pb.PreSettleVisitResponse(settlement=m.settlement_to_proto(settlement, self.zone, preview=True))

    def SettleVisit(self, request, context):
        visit, settlement = self.outpatient.settle(current_operator(), request.visit_id, request.chrg_bchno,
                                                   acct_used=request.use_personal_account,
                                                   psn_setlway=request.psn_setlway or DEFAULT_SETLWAY,
                                                   invono=request.invono)
        return pb.SettleVisitResponse(visit=self._visit(visit), settlement=m.settlement_to_proto(settlement, self.zone))

    def CancelSettlement(self, request, context):
        visit, negative = self.outpatient.cancel_settlement(current_operator(), request.visit_id, request.setl_id)
        return pb.CancelSettlementResponse(visit=self._visit(visit),
                                           settlement=m.settlement_to_proto(negative, self.zone))

    def CancelRegistration(self, request, context):
        visit = self.outpatient.cancel_registration(current_operator(), request.visit_id)
        return pb.CancelRegistrationResponse(visit=self._visit(visit))

    def GetVisit(self, request, context):
        current_operator()  # reads need a caller too, though the use case does not take one
        visit = self.outpatient.get_visit(request.visit_id)
        entries = self.journal.for_visit(visit.id) if request.include_journal else []
        return pb.GetVisitResponse(visit=self._visit(visit),
                                   journal_entries=[m.journal_entry_to_proto(e, self.zone) for e in entries])

    def ListVisits(self, request, context):
        current_operator()
        size = _page_size(request.page_size)
        offset = _offset(request.page_token)
        # One extra row tells whether another page exists.
        found = self.outpatient.list_visits(psn_no=request.psn_no or None, limit=offset + size + 1)
        page = found[offset:offset + size]
        more = len(found) > offset + size and offset + size <= MAX_OFFSET
        return pb.ListVisitsResponse(visits=[self._visit(v) for v in page],
                                     next_page_token=_token(offset + size) if more else "")

    def _visit(self, visit):
        return m.visit_to_proto(visit, self.zone)


def _page_size(requested: int) -> int:
    if requested < 0:
        raise ValidationFailed([FieldViolation("page_size", "must not be negative")])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    """Page tokens are opaque to clients; inside they are an offset into the list."""
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        version, _, number = text.partition(":")
        offset = int(number)
        if version != "v1" or not 0 <= offset <= MAX_OFFSET:
            raise ValueError(text)
    except ValueError:
        raise ValidationFailed([FieldViolation("page_token", "is not a token this server issued")]) from None
    return offset
