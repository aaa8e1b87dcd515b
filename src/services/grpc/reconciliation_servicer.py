"""his.v1.ReconciliationService: proto in, one reconciliation use case, proto out. No rules live here."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from domain.reconciliation import (Action, Amounts, EntryState, FindingKind, OneSidedEntry, ReconciliationRun,
                                   TotalLine, Trigger)
from his.v1 import reconciliation_pb2 as pb
from his.v1 import reconciliation_pb2_grpc
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.grpc.page_tokens import PageTokens
from services.reconciliation import ReconciliationService

RUN_ENTRIES = 500  # entries a run's reply carries; ListOneSidedEntries(run_id) gives the rest


class ReconciliationServicer(reconciliation_pb2_grpc.ReconciliationServiceServicer):
    def __init__(self, reconciliation: ReconciliationService, zone: str | ZoneInfo = m.DEFAULT_ZONE,
                 page_tokens: PageTokens | None = None):
        self.reconciliation, self.zone = reconciliation, m.zone_of(zone)
        self.page_tokens = page_tokens or PageTokens()

    def RunReconciliation(self, request, context):
        problems: list[FieldViolation] = []
        first = m.optional_date(request.first_day, "first_day", problems)
        last = m.optional_date(request.last_day, "last_day", problems)
        if problems:
            raise ValidationFailed(problems)
        return self._run_reply(self.reconciliation.run(current_operator(), first, last))

    def GetReconciliationRun(self, request, context):
        current_operator()
        m.required(request, "run_id")
        return self._run_reply(self.reconciliation.get_run(request.run_id))

    def ListReconciliationRuns(self, request, context):
        problems: list[FieldViolation] = []
        size = listing.page_size(request, problems)
        if problems:
            raise ValidationFailed(problems)
        position = self.page_tokens.read(request.page_token, "runs")
        before = _run_cursor(position, self.page_tokens.field)
        runs = self.reconciliation.list_runs(size + 1, before)
        more, runs = len(runs) > size, runs[:size]
        token = self.page_tokens.issue("runs", [runs[-1].started_at.isoformat(), runs[-1].id]) if more else ""
        return pb.ListReconciliationRunsResponse(runs=[self._run(r) for r in runs], next_page_token=token)

    def ListOneSidedEntries(self, request, context):
        problems: list[FieldViolation] = []
        size = listing.page_size(request, problems)
        state = None if request.include_resolved else (
            EntryState.RESOLVED if request.state == pb.ONE_SIDED_ENTRY_STATE_RESOLVED else EntryState.OPEN)
        kind = _from_enum(pb.OneSidedEntryKind, "ONE_SIDED_ENTRY_KIND", request.kind, FindingKind, "kind", problems)
        if problems:
            raise ValidationFailed(problems)
        filters = json.dumps([state and state.value, kind and kind.value, request.run_id])
        position = self.page_tokens.read(request.page_token, filters)
        after = position[0] if position else None
        entries = self.reconciliation.list_entries(state, kind, request.run_id, size + 1, after)
        more, entries = len(entries) > size, entries[:size]
        token = self.page_tokens.issue(filters, [entries[-1].id]) if more else ""
        return pb.ListOneSidedEntriesResponse(entries=[self._entry(e) for e in entries], next_page_token=token)

    def ResolveOneSidedEntry(self, request, context):
        m.required(request, "entry_id")
        problems: list[FieldViolation] = []
        action = _from_enum(pb.OneSidedAction, "ONE_SIDED_ACTION", request.action, Action, "action", problems)
        if action is None and not problems:
            problems.append(FieldViolation("action", "is required: one of " + ", ".join(a.value for a in Action)))
        if not request.reason.strip():
            problems.append(FieldViolation("reason", "is required: say why"))
        if problems:
            raise ValidationFailed(problems)
        entry = self.reconciliation.resolve(current_operator(), request.entry_id, action, request.reason)
        return pb.OneSidedEntryResponse(entry=self._entry(entry))

    # ---- domain -> proto -------------------------------------------------------------------------
    def _run_reply(self, run: ReconciliationRun) -> pb.ReconciliationRunResponse:
        entries = self.reconciliation.list_entries(None, None, run.id, RUN_ENTRIES)
        return pb.ReconciliationRunResponse(run=self._run(run), entries=[self._entry(e) for e in entries])

    def _run(self, run: ReconciliationRun) -> pb.ReconciliationRun:
        out = pb.ReconciliationRun(
            id=run.id, first_day=run.first_day.isoformat(), last_day=run.last_day.isoformat(),
            scheduled=run.trigger is Trigger.SCHEDULED,
            state=m._enum(pb.ReconciliationRunState, "RECONCILIATION_RUN_STATE", run.state),
            operator_code=run.operator_code, started_at=m.to_timestamp(run.started_at, self.zone),
            lines=[_line(ln) for ln in run.lines], entries_found=len(set(run.entry_ids)),
            details_compared=run.details_compared, error=run.error)
        if run.finished_at is not None:
            out.finished_at.CopyFrom(m.to_timestamp(run.finished_at, self.zone))
        return out

    def _entry(self, e: OneSidedEntry) -> pb.OneSidedEntry:
        out = pb.OneSidedEntry(
            id=e.id, kind=m._enum(pb.OneSidedEntryKind, "ONE_SIDED_ENTRY_KIND", e.kind), setl_id=e.setl_id,
            mdtrt_id=e.mdtrt_id, psn_no=e.psn_no, msgid=e.msgid, insutype=e.insutype, clr_type=e.clr_type,
            clr_optins=e.clr_optins, record_kind=e.record_kind, record_id=e.record_id, memo=e.memo,
            sources=list(e.sources), state=m._enum(pb.OneSidedEntryState, "ONE_SIDED_ENTRY_STATE", e.state),
            actions=[m._enum(pb.OneSidedAction, "ONE_SIDED_ACTION", a) for a in e.actions],
            reason=e.reason, resolved_by=e.resolved_by, outcome=e.outcome, first_run_id=e.first_run_id,
            last_run_id=e.last_run_id)
        if e.action is not None:
            out.action = m._enum(pb.OneSidedAction, "ONE_SIDED_ACTION", e.action)
        for name, amounts in (("ours", e.ours), ("theirs", e.theirs)):
            if amounts is not None:
                getattr(out, name).CopyFrom(_amounts(amounts))
        for name, value in (("setl_time", e.setl_time), ("resolved_at", e.resolved_at)):
            if value is not None:
                getattr(out, name).CopyFrom(m.to_timestamp(value, self.zone))
        return out


def _amounts(a: Amounts) -> pb.ReconciliationAmounts:
    return pb.ReconciliationAmounts(medfee_sumamt=m.money_to_str(a.medfee_sumamt),
                                    fund_pay_sumamt=m.money_to_str(a.fund_pay_sumamt),
                                    acct_pay=m.money_to_str(a.acct_pay), psn_cash_pay=m.money_to_str(a.psn_cash_pay))


def _line(ln: TotalLine) -> pb.ReconciliationTotalLine:
    return pb.ReconciliationTotalLine(insutype=ln.insutype, clr_type=ln.clr_type, setl_optins=ln.setl_optins,
                                      ours=_amounts(ln.ours.amounts), ours_count=ln.ours.count,
                                      stmt_rslt=ln.stmt_rslt, stmt_rslt_dscr=ln.stmt_rslt_dscr,
                                      balanced=ln.balanced, error=ln.error)


def _from_enum(enum_type, prefix: str, number: int, domain_enum, field: str, problems: list):
    """A proto enum's number -> the domain's member; UNSPECIFIED -> None; an unknown number is refused."""
    if number == 0:
        return None
    try:
        return domain_enum(enum_type.Name(number).removeprefix(prefix + "_"))
    except ValueError:
        problems.append(FieldViolation(field, f"{number} is not a known value"))
        return None


def _run_cursor(position: list[str] | None, field: str) -> tuple[datetime, str] | None:
    if position is None:
        return None
    try:
        started, run_id = position
        return datetime.fromisoformat(started), run_id
    except ValueError:  # signed by us, so only a token of another listing gets here
        raise ValidationFailed([FieldViolation(field, "is not a page token of this listing")]) from None
