"""his.v1.ClearingService: proto in, one clearing use case, proto out. No rules live here."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.clearing import ClearingApplication, ClearingFigures, ClearingKind, ClearingState
from domain.errors import FieldViolation, ValidationFailed
from his.v1 import clearing_pb2 as pb
from his.v1 import clearing_pb2_grpc, common_pb2
from services.clearing import ClearingPreview, ClearingService
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.grpc.page_tokens import PageTokens

_KIND, _STATE = "CLEARING_KIND", "CLEARING_APPLICATION_STATE"


class ClearingServicer(clearing_pb2_grpc.ClearingServiceServicer):
    def __init__(self, clearing: ClearingService, zone: str | ZoneInfo = m.DEFAULT_ZONE,
                 page_tokens: PageTokens | None = None):
        self.clearing, self.zone = clearing, m.zone_of(zone)
        self.page_tokens = page_tokens or PageTokens()

    def _period(self, request) -> dict:
        problems: list[FieldViolation] = []
        first = m.optional_date(request.first_day, "first_day", problems)
        last = m.optional_date(request.last_day, "last_day", problems)
        if request.kind == pb.CLEARING_KIND_UNSPECIFIED:
            problems.append(FieldViolation("kind", "is required: SUMMARY, DETAIL or REMOTE"))
        elif request.kind not in pb.ClearingKind.values():
            problems.append(FieldViolation("kind", f"{request.kind} is not a known value"))
        if not request.clr_type.strip():
            problems.append(FieldViolation("clr_type", "is required: the 清算类别"))
        if problems:
            raise ValidationFailed(problems)
        kind = ClearingKind(pb.ClearingKind.Name(request.kind).removeprefix(_KIND + "_"))
        return dict(kind=kind, clr_type=request.clr_type, month=request.month, first=first, last=last,
                    clr_way=request.clr_way, clr_optins=request.clr_optins)

    def PreviewClearing(self, request, context):
        current_operator()
        p: ClearingPreview = self.clearing.preview(**self._period(request))
        return pb.PreviewClearingResponse(
            kind=m._enum(pb.ClearingKind, _KIND, p.kind), clr_type=p.clr_type, clr_optins=p.clr_optins,
            first_day=p.period.first_day.isoformat(), last_day=p.period.last_day.isoformat(),
            figures=_figures(p.figures), blockers=list(p.blockers), standing=list(p.standing))

    def ApplyClearing(self, request, context):
        return self._reply(self.clearing.apply(current_operator(), **self._period(request)))

    def RevokeClearing(self, request, context):
        m.required(request, "application_id")
        return self._reply(self.clearing.revoke(current_operator(), request.application_id, request.reason))

    def GetClearingApplication(self, request, context):
        current_operator()
        m.required(request, "application_id")
        return self._reply(self.clearing.get(request.application_id))

    def ListClearingApplications(self, request, context):
        problems: list[FieldViolation] = []
        size = listing.page_size(request, problems)
        state = None
        if request.state not in pb.ClearingApplicationState.values():
            problems.append(FieldViolation("state", f"{request.state} is not a known value"))
        elif request.state:
            state = ClearingState(pb.ClearingApplicationState.Name(request.state).removeprefix(_STATE + "_"))
        if problems:
            raise ValidationFailed(problems)
        filters = f"clearing:{state.value if state else ''}"
        position = self.page_tokens.read(request.page_token, filters)
        before = None
        if position is not None:
            try:
                before = (datetime.fromisoformat(position[0]), position[1])
            except (ValueError, IndexError):
                raise ValidationFailed([FieldViolation(self.page_tokens.field, "is not a page token of this "
                                                                               "listing")]) from None
        found = self.clearing.list(state, size + 1, before)
        more, found = len(found) > size, found[:size]
        token = self.page_tokens.issue(filters, [found[-1].created_at.isoformat(), found[-1].id]) if more else ""
        return pb.ListClearingApplicationsResponse(applications=[self._application(a) for a in found],
                                                   next_page_token=token)

    def PrintClearingApplication(self, request, context):
        op = current_operator()
        m.required(request, "application_id")
        return common_pb2.PrintedDocument(pdf=self.clearing.pdf(op, request.application_id),
                                          content_type="application/pdf",
                                          file_name=f"clearing-application-{request.application_id}.pdf")

    # ---- domain -> proto -------------------------------------------------------------------------
    def _reply(self, app: ClearingApplication) -> pb.ClearingApplicationResponse:
        return pb.ClearingApplicationResponse(application=self._application(app))

    def _application(self, a: ClearingApplication) -> pb.ClearingApplication:
        out = pb.ClearingApplication(
            id=a.id, kind=m._enum(pb.ClearingKind, _KIND, a.kind),
            state=m._enum(pb.ClearingApplicationState, _STATE, a.state), clr_type=a.clr_type, clr_way=a.clr_way,
            clr_optins=a.clr_optins, first_day=a.first_day.isoformat(), last_day=a.last_day.isoformat(),
            figures=_figures(a.figures), clr_appy_evt_id=a.clr_appy_evt_id, operator_code=a.operator_code,
            error=a.error, in_doubt=a.in_doubt, revoked_by=a.revoked_by, revoke_reason=a.revoke_reason,
            note=a.note, infno=a.infno)
        for name in ("created_at", "applied_at", "revoked_at"):
            value = getattr(a, name)
            if value is not None:
                getattr(out, name).CopyFrom(m.to_timestamp(value, self.zone))
        return out


def _figures(f: ClearingFigures) -> pb.ClearingFigures:
    return pb.ClearingFigures(medfee_sumamt=m.money_to_str(f.medfee_sumamt), med_sumfee=m.money_to_str(f.med_sumfee),
                              fund_appy_sum=m.money_to_str(f.fund_appy_sum), cash_payamt=m.money_to_str(f.cash_payamt),
                              acct_pay=m.money_to_str(f.acct_pay), psntime=f.psntime, settlements=f.rows,
                              refunds=f.refunds)
