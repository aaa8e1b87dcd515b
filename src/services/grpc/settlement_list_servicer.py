"""his.v1.SettlementListService: proto in, one settlement list use case, proto out. No rules live here."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from domain.settlement_lists import SETLINFO, ListState, SettlementList
from his.v1 import settlement_lists_pb2 as pb
from his.v1 import settlement_lists_pb2_grpc
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.settlement_lists import SettlementListService

_STATE = "SETTLEMENT_LIST_STATE"
MAX_LIMIT = 1000


class SettlementListServicer(settlement_lists_pb2_grpc.SettlementListServiceServicer):
    def __init__(self, lists: SettlementListService, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        self.lists, self.zone = lists, m.zone_of(zone)

    def ListSettlementLists(self, request, context):
        current_operator()
        problems: list[FieldViolation] = []
        due_before = _date(request.due_before, "due_before", problems)
        states = []
        for i, number in enumerate(request.states):
            name = pb.SettlementListState.Name(number) if number in pb.SettlementListState.values() else ""
            if not name or number == 0:
                problems.append(FieldViolation(f"states[{i}]", "name a state"))
            else:
                states.append(ListState(name.removeprefix(f"{_STATE}_")))
        if request.limit < 0 or request.limit > MAX_LIMIT:
            problems.append(FieldViolation("limit", f"between 0 and {MAX_LIMIT}"))
        if problems:
            raise ValidationFailed(problems)
        found = self.lists.worklist(tuple(states), due_before, request.limit or 200)
        return pb.ListSettlementListsResponse(lists=[self._list(x) for x in found])

    def GetSettlementList(self, request, context):
        current_operator()
        m.required(request, "list_id")
        return pb.SettlementListResponse(list=self._list(self.lists.get(request.list_id)))

    def FillSettlementList(self, request, context):
        m.required(request, "list_id")
        filled = self.lists.fill(current_operator(), request.list_id, dict(request.values), request.request_id)
        return pb.SettlementListResponse(list=self._list(filled))

    def UploadSettlementList(self, request, context):
        m.required(request, "list_id")
        return pb.SettlementListResponse(list=self._list(self.lists.upload(current_operator(), request.list_id)))

    def ResolveSettlementListUpload(self, request, context):
        m.required(request, "list_id")
        done = self.lists.resolve_upload(current_operator(), request.list_id, request.uploaded, request.setl_list_id,
                                         request.reason)
        return pb.SettlementListResponse(list=self._list(done))

    def BuildSettlementLists(self, request, context):
        current_operator()
        if request.stay_id:
            return pb.BuildSettlementListsResponse(built=[self._list(self.lists.build_for_stay(request.stay_id))])
        m.required(request, "since")
        problems: list[FieldViolation] = []
        since = _date(request.since, "since", problems)
        until = _date(request.until, "until", problems) or since
        if problems:
            raise ValidationFailed(problems)
        report = self.lists.build_range(since, until)
        return pb.BuildSettlementListsResponse(built=[self._list(x) for x in report.built],
                                               voided_ids=[x.id for x in report.voided], skipped=report.skipped)

    # ---- domain -> proto -----------------------------------------------------------------------
    def _list(self, x: SettlementList) -> pb.SettlementList:
        labels = {(r.node, r.name): r.label for node in self.lists.nodes.values() for r in node.fields}
        locked = set(x.locked)
        values = [pb.SettlementListValue(path=f"{SETLINFO}.{k}", label=labels.get((SETLINFO, k), ""), value=v,
                                         locked=f"{SETLINFO}.{k}" in locked) for k, v in x.setlinfo.items()]
        for node, rows in x.rows.items():
            for i, row in enumerate(rows):
                values += [pb.SettlementListValue(path=f"{node}[{i}].{k}", label=labels.get((node, k), ""), value=v,
                                                  locked=f"{node}[{i}].{k}" in locked) for k, v in row.items()]
        out = pb.SettlementList(
            id=x.id, stay_id=x.stay_id, ipt_no=x.ipt_no, patient_id=x.patient_id, psn_no=x.psn_no,
            mdtrt_id=x.mdtrt_id, setl_id=x.setl_id, settled_at=m.to_timestamp(x.settled_at, self.zone),
            deadline=x.deadline.isoformat(), overdue=x.overdue(self.lists.clock.now().date()),
            state=m._enum(pb.SettlementListState, _STATE, x.state),
            gaps=[pb.SettlementListGap(path=g.path, label=g.label) for g in x.gaps], values=values,
            fund_lines=[pb.SettlementListFundLine(fund_pay_type=f.fund_pay_type, name=f.name,
                                                  amount=m.money_to_str(f.amount)) for f in x.fund_lines],
            changes=[pb.SettlementListChange(path=c.path, old_value=c.old, new_value=c.new,
                                             at=m.to_timestamp(c.at, self.zone), by=c.by, request_id=c.request_id)
                     for c in x.changes],
            setl_list_id=x.setl_list_id, last_error=x.last_error, in_doubt=x.in_doubt, void_reason=x.void_reason,
            previous_id=x.previous_id)
        if x.uploaded_at is not None:
            out.uploaded_at.CopyFrom(m.to_timestamp(x.uploaded_at, self.zone))
        return out


_date = m.optional_date
