"""The audit trail: who called what, when, from where, about which visit, and how it ended.

Append-only by contract: the port records and lists, and offers no way to change or remove an
event (the SQL store also refuses UPDATE and DELETE in the database itself).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

OK = "OK"


@dataclass(frozen=True)
class AuditEvent:
    at: datetime  # the hospital's wall time when the call arrived
    operator_code: str
    operator_name: str
    operator_role: str
    method: str  # the full gRPC method, e.g. /his.v1.OutpatientService/RegisterVisit
    permission: str  # what the method needs (services/grpc/permissions.py)
    peer: str  # where the call came from, as gRPC names it (ipv4:10.1.2.3:51234)
    outcome: str  # OK, or the gRPC status code's name (PERMISSION_DENIED, INVALID_ARGUMENT ...)
    message: str = ""  # the status message of a failed call, cut short
    visit_id: str = ""  # the visit the request or its reply names, when one does
    mdtrt_id: str = ""
    psn_no: str = ""
    request_id: str = ""  # the call's idempotency key, when it carried one
    id: int | None = None  # given by the store; later events have larger ids


@dataclass(frozen=True)
class AuditFilter:
    """Every criterion given must hold; None: any."""

    operator_code: str | None = None
    visit: str | None = None  # a visit id or a mdtrt_id
    since: datetime | None = None  # at >= since
    until: datetime | None = None  # at < until


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]  # newest first: id descending
    next: int | None  # the last event's id when more follow (the next page lists ids below it)


class AuditTrail(abc.ABC):
    @abc.abstractmethod
    def record(self, event: AuditEvent) -> None:
        """Append `event`. Called on every request's path: a store may write it a moment later,
        with others, off the caller's thread."""

    @abc.abstractmethod
    def list(self, where: AuditFilter = AuditFilter(), *, limit: int = 100,
             before: int | None = None) -> AuditPage:
        """Events matching `where`, newest first, with ids below `before` when given; at most
        `limit`. Every event recorded in this process before the call is included."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Store whatever is still held in memory (at shutdown)."""
