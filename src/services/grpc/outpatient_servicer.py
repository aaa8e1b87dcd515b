"""his.v1.OutpatientService: proto in, one use case call, proto out. No rules live here."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import grpc

from domain.errors import FieldViolation, ValidationFailed
from domain.visit import VisitState
from his.v1 import common_pb2
from his.v1 import outpatient_pb2 as pb
from his.v1 import outpatient_pb2_grpc
from ports.repositories import VisitCursor, VisitFilter
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.grpc.page_tokens import PageTokens
from services.outpatient import RegisterVisit

DEFAULT_SETLWAY = "01"  # 按项目结算
# Platform paths of what a use case refuses -> the request's own field paths.
_READ_PERSON_PATHS = {"data.mdtrt_cert_type": "mdtrt_cert_type", "data.mdtrt_cert_no": "mdtrt_cert_no",
                      "data.certno": "mdtrt_cert_no", "data.card_sn": "card_sn", "data.psn_name": "psn_name"}
_VISIT_INFO_PATHS = {"diseinfo": "diagnoses", "mdtrtinfo.main_cond_dscr": "main_cond_dscr",
                     "mdtrtinfo.dise_codg": "dise_codg", "mdtrtinfo.dise_name": "dise_name"}
_VISIT_STATES = {common_pb2.VisitState.Value(f"VISIT_STATE_{s.value}"): s for s in VisitState}


class OutpatientServicer(outpatient_pb2_grpc.OutpatientServiceServicer):
    def __init__(self, outpatient, journal, zone: str | ZoneInfo = m.DEFAULT_ZONE,
                 page_tokens: PageTokens | None = None, slips=None):
        """`outpatient`: an OutpatientService; `journal`: a JournalService (for GetVisit's journal);
        `page_tokens`: signs ListVisits' page tokens (default: a random key for this process);
        `slips`: SettlementSlips (PrintSettlementSlip is UNIMPLEMENTED without)."""
        self.outpatient, self.journal, self.zone = outpatient, journal, m.zone_of(zone)
        self.page_tokens = page_tokens or PageTokens()
        self.slips = slips

    def ReadInsuredPerson(self, request, context):
        with m.request_paths(_READ_PERSON_PATHS):
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
        with m.request_paths({"data": ""}):  # 2201's fields carry the request's names
            visit = self.outpatient.register(current_operator(), cmd, request_key=request.request_id)
        return pb.RegisterVisitResponse(visit=self._visit(visit))

    def UploadVisitInfo(self, request, context):
        m.required(request, "visit_id")
        diagnoses = m.diagnoses_from_proto(request.diagnoses, self.zone)
        with m.request_paths(_VISIT_INFO_PATHS):
            visit = self.outpatient.upload_diagnoses(current_operator(), request.visit_id, diagnoses,
                                                     main_cond_dscr=request.main_cond_dscr,
                                                     dise_codg=request.dise_codg, dise_name=request.dise_name)
        return pb.UploadVisitInfoResponse(visit=self._visit(visit))

    def UploadFees(self, request, context):
        m.required(request, "visit_id")
        items = m.fees_from_proto(request.fees, self.zone)
        with m.request_paths({"feedetail": "fees"}):
            visit = self.outpatient.upload_fees(current_operator(), request.visit_id, items)
        return pb.UploadFeesResponse(visit=self._visit(visit))

    def CancelFees(self, request, context):
        m.required(request, "visit_id", "chrg_bchno")
        with m.request_paths({"data": ""}):
            visit = self.outpatient.cancel_fees(current_operator(), request.visit_id, request.chrg_bchno)
        return pb.CancelFeesResponse(visit=self._visit(visit))

    def PreSettleVisit(self, request, context):
        m.required(request, "visit_id", "chrg_bchno")
        with m.request_paths({"data": ""}):
            settlement = self.outpatient.pre_settle(current_operator(), request.visit_id, request.chrg_bchno,
                                                    acct_used=request.use_personal_account,
                                                    psn_setlway=request.psn_setlway or DEFAULT_SETLWAY)
        return pb.PreSettleVisitResponse(settlement=m.settlement_to_proto(settlement, self.zone, preview=True))

    def SettleVisit(self, request, context):
        m.required(request, "visit_id", "chrg_bchno")
        with m.request_paths({"data": ""}):
            visit, settlement = self.outpatient.settle(current_operator(), request.visit_id, request.chrg_bchno,
                                                       acct_used=request.use_personal_account,
                                                       psn_setlway=request.psn_setlway or DEFAULT_SETLWAY,
                                                       invono=request.invono)
        return pb.SettleVisitResponse(visit=self._visit(visit), settlement=m.settlement_to_proto(settlement, self.zone))

    def CancelSettlement(self, request, context):
        m.required(request, "visit_id", "setl_id")
        with m.request_paths({"data": ""}):
            visit, negative = self.outpatient.cancel_settlement(current_operator(), request.visit_id, request.setl_id)
        return pb.CancelSettlementResponse(visit=self._visit(visit),
                                           settlement=m.settlement_to_proto(negative, self.zone))

    def CancelRegistration(self, request, context):
        m.required(request, "visit_id")
        with m.request_paths({"data": ""}):
            visit = self.outpatient.cancel_registration(current_operator(), request.visit_id)
        return pb.CancelRegistrationResponse(visit=self._visit(visit))

    def PrintSettlementSlip(self, request, context):
        current_operator()
        m.required(request, "visit_id")
        if self.slips is None:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "settlement slips are not served here")
        pdf = self.slips.outpatient_pdf(request.visit_id, request.setl_id)
        return common_pb2.PrintedDocument(pdf=pdf, content_type="application/pdf",
                                          file_name=f"settlement-slip-{request.setl_id or request.visit_id}.pdf")

    def GetVisit(self, request, context):
        current_operator()  # reads need a caller too, though the use case does not take one
        m.required(request, "visit_id")
        visit = self.outpatient.get_visit(request.visit_id)
        entries = self.journal.for_visit(visit.id) if request.include_journal else []
        return pb.GetVisitResponse(visit=self._visit(visit),
                                   journal_entries=[m.journal_entry_to_proto(e, self.zone) for e in entries])

    def ListVisits(self, request, context):
        current_operator()
        where, size = self._listing(request)
        filters = _filters_key(where)
        after = _cursor(self.page_tokens.read(request.page_token, filters), self.page_tokens.field)
        page = self.outpatient.list_visits(where, size, after)
        token = self.page_tokens.issue(filters, _position(page.next)) if page.next else ""
        return pb.ListVisitsResponse(visits=[self._visit(v) for v in page.visits], next_page_token=token)

    def _listing(self, request) -> tuple[VisitFilter, int]:
        """The request's filters and page size; every bad field reported at once."""
        violations: list[FieldViolation] = []
        size = listing.page_size(request, violations)
        start, before = listing.time_range(request, "begntime_from", "begntime_before", self.zone, violations)
        states = set()
        for i, number in enumerate(request.states):
            state = _VISIT_STATES.get(number)
            if state is not None:
                states.add(state)
            elif number == common_pb2.VISIT_STATE_UNSPECIFIED:
                violations.append(FieldViolation(
                    f"states[{i}]", "VISIT_STATE_UNSPECIFIED is no state; leave states empty to list every state"))
            else:
                violations.append(FieldViolation(f"states[{i}]", f"{number} is not a VisitState"))
        if violations:
            raise ValidationFailed(violations)
        where = VisitFilter(psn_no=request.psn_no or None, begntime_from=start, begntime_before=before,
                            dept_code=request.dept_code or None, states=frozenset(states))
        return where, size

    def _visit(self, visit):
        return m.visit_to_proto(visit, self.zone)


def _filters_key(where: VisitFilter) -> str:
    """Equal for two requests exactly when they select the same visits (a page token is bound
    to it); the order and repeats of states do not count."""
    def time(value: datetime | None) -> str:
        return value.isoformat() if value is not None else ""
    return json.dumps([where.psn_no or "", time(where.begntime_from), time(where.begntime_before),
                       where.dept_code or "", sorted(s.value for s in where.states)], ensure_ascii=False)


def _position(cursor: VisitCursor) -> list[str]:
    return [cursor.begntime.isoformat(), cursor.id]


def _cursor(position: list[str] | None, field: str) -> VisitCursor | None:
    if position is None:
        return None
    try:
        begntime, visit_id = position
        return VisitCursor(datetime.fromisoformat(begntime), visit_id)
    except ValueError:  # signed by us, so only a token of another format version gets here
        raise ValidationFailed([FieldViolation(field, "is not a page token of this server's version")]) from None
