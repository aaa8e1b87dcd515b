"""his.v1.AuditService: reading the audit trail (the permission `audit.read` is checked before)."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from his.v1 import audit_pb2 as pb
from his.v1 import audit_pb2_grpc
from ports.audit import AuditEvent, AuditFilter, AuditTrail
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.page_tokens import PageTokens


class AuditServicer(audit_pb2_grpc.AuditServiceServicer):
    def __init__(self, trail: AuditTrail, zone: str | ZoneInfo = m.DEFAULT_ZONE, page_tokens: PageTokens | None = None):
        self.trail, self.zone = trail, m.zone_of(zone)
        self.page_tokens = page_tokens or PageTokens()

    def ListAuditEvents(self, request, context):
        violations: list[FieldViolation] = []
        size = listing.page_size(request, violations)
        since, until = listing.time_range(request, "since", "until", self.zone, violations)
        if violations:
            raise ValidationFailed(violations)
        where = AuditFilter(operator_code=request.operator_code or None, visit=request.visit_id or None,
                            since=since, until=until)
        filters = json.dumps([request.operator_code, request.visit_id, str(since or ""), str(until or "")],
                             ensure_ascii=False)
        before = _event_id(self.page_tokens.read(request.page_token, filters), self.page_tokens.field)
        page = self.trail.list(where, limit=size, before=before)
        token = self.page_tokens.issue(filters, [str(page.next)]) if page.next is not None else ""
        return pb.ListAuditEventsResponse(events=[self._event(e) for e in page.events], next_page_token=token)

    def _event(self, e: AuditEvent) -> pb.AuditEvent:
        return pb.AuditEvent(
            id=e.id or 0, time=m.to_timestamp(e.at, self.zone), operator_code=e.operator_code,
            operator_name=e.operator_name, operator_role=e.operator_role, method=e.method, permission=e.permission,
            peer=e.peer, outcome=e.outcome, message=e.message, visit_id=e.visit_id, mdtrt_id=e.mdtrt_id,
            psn_no=e.psn_no, request_id=e.request_id)


def _event_id(position: list[str] | None, field: str) -> int | None:
    if position is None:
        return None
    try:
        (event_id,) = position
        return int(event_id)
    except ValueError:  # signed by us, so only a token of another listing or version gets here
        raise ValidationFailed([FieldViolation(field, "is not a page token of this listing")]) from None
