"""Expected failures -> gRPC statuses with google.rpc details a client can act on.

Each kind of failure has one status code, so clients can branch on the code alone; the details
(BadRequest, PreconditionFailure, ErrorInfo) say what to fix or which journal entry to look at.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import grpc
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from domain.errors import (AlreadyExists, ConcurrencyConflict, DomainError, IllegalTransition, NotFound,
                           PermissionDenied, Unauthorized, ValidationFailed)
from domain.privacy import mask
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable

PLATFORM_DOMAIN = "yb.hubei"
SERVER_DOMAIN = "his"
# A status travels in trailing metadata, which gRPC limits (16 KB by default): whatever a use case
# put in its message, a reply stays far below that.
MAX_MESSAGE = 1000
MAX_DESCRIPTION = 300
MAX_VIOLATIONS = 50


class Replayed(Exception):
    """The stored failure of the first call with a request_id, raised again for its retry."""

    def __init__(self, status_bytes: bytes):
        super().__init__("replayed failure")
        self.status_bytes = status_bytes


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _status(code: int, message: str, *details) -> status_pb2.Status:
    status = status_pb2.Status(code=code, message=_cut(message, MAX_MESSAGE))
    for detail in details:
        status.details.add().Pack(detail)
    return status


def _meta(**values) -> dict[str, str]:
    # ErrorInfo metadata is string -> string; None becomes "" so the key is always present.
    return {k: "" if v is None else str(v) for k, v in values.items()}


def status_for(exc: BaseException) -> status_pb2.Status | None:
    """The rich status of an expected failure; None for anything else (a bug: INTERNAL)."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, Replayed):
        return status_pb2.Status.FromString(exc.status_bytes)
    if isinstance(exc, ValidationFailed):
        shown = exc.violations[:MAX_VIOLATIONS]
        bad = error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=_cut(v.field, 200), description=_cut(v.description,
                                                                                                  MAX_DESCRIPTION))
            for v in shown])
        if len(exc.violations) > len(shown):
            bad.field_violations.add(field="", description=f"… and {len(exc.violations) - len(shown)} more")
            message = f"{exc.subject} is invalid: " + "; ".join(map(str, shown[:5])) + f"; … {len(exc.violations)} in all"
        return _status(code_pb2.INVALID_ARGUMENT, message, bad)
    if isinstance(exc, IllegalTransition):
        failure = error_details_pb2.PreconditionFailure(violations=[
            error_details_pb2.PreconditionFailure.Violation(
                type="STATE", subject=getattr(exc, "subject", ""), description=message)])
        return _status(code_pb2.FAILED_PRECONDITION, message, failure)
    if isinstance(exc, PlatformRejected):
        info = error_details_pb2.ErrorInfo(reason="PLATFORM_REFUSED", domain=PLATFORM_DOMAIN, metadata=_meta(
            infno=exc.infno, infcode=exc.infcode, err_msg=exc.err_msg, msgid=exc.msgid, journal_id=exc.journal_id))
        return _status(code_pb2.FAILED_PRECONDITION, message, info)
    if isinstance(exc, PlatformUnavailable):
        wait = None if exc.retry_after is None else math.ceil(exc.retry_after)
        info = error_details_pb2.ErrorInfo(reason="PLATFORM_UNAVAILABLE", domain=PLATFORM_DOMAIN, metadata=_meta(
            infno=exc.infno, outcome=exc.outcome, msgid=exc.msgid, journal_id=exc.journal_id,
            retry_after_seconds=wait))
        if wait is None:
            return _status(code_pb2.UNAVAILABLE, message, info)
        # the outcome is settled by the resolver once the original can no longer arrive: ask after that
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromSeconds(wait)
        return _status(code_pb2.UNAVAILABLE, message, info, retry)
    if isinstance(exc, NotFound):
        return _status(code_pb2.NOT_FOUND, message)
    if isinstance(exc, AlreadyExists):
        info = error_details_pb2.ResourceInfo(resource_type=exc.resource, resource_name=exc.name,
                                              description=message)
        return _status(code_pb2.ALREADY_EXISTS, message, info)
    if isinstance(exc, ConcurrencyConflict):
        return _status(code_pb2.ABORTED, message)
    if isinstance(exc, Unauthorized):
        return unauthenticated(message)
    if isinstance(exc, PermissionDenied):
        return _status(code_pb2.PERMISSION_DENIED, message)
    if isinstance(exc, DomainError):  # a new kind nobody mapped yet: still an expected refusal
        return _status(code_pb2.FAILED_PRECONDITION, message)
    return None


def unauthenticated(message: str) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(reason="UNAUTHENTICATED", domain=SERVER_DOMAIN)
    return _status(code_pb2.UNAUTHENTICATED, message, info)


def permission_denied(message: str, permission: str, role: str) -> status_pb2.Status:
    """The operator's role lacks `permission`: named in ErrorInfo too, for clients to act on."""
    info = error_details_pb2.ErrorInfo(reason="PERMISSION_DENIED", domain=SERVER_DOMAIN,
                                       metadata={"permission": permission, "role": role})
    return _status(code_pb2.PERMISSION_DENIED, message, info)


def internal(incident: str) -> status_pb2.Status:
    """No internals leak to the client; the incident id finds the traceback in the log."""
    info = error_details_pb2.ErrorInfo(reason="INTERNAL", domain=SERVER_DOMAIN, metadata={"incident": incident})
    return _status(code_pb2.INTERNAL, f"internal error (incident {incident}); see the server log", info)


def masked(status: status_pb2.Status, keep: Iterable[str] = ()) -> status_pb2.Status:
    """`status` with personal data masked (domain.privacy, the call's declared values included) in its
    message and details, but for the values in `keep`: what the caller sent may be shown back to it,
    a platform refusal's quote of someone else's certno or name may not."""
    personal, keep = personal_data.in_play(), tuple(keep)
    out = status_pb2.Status(code=status.code, message=mask(status.message, personal, keep))
    for any_detail in status.details:
        detail = next((d for d in (kind() for kind in _DETAILS) if any_detail.Unpack(d)), None)
        if detail is None:
            out.details.add().CopyFrom(any_detail)
            continue
        if isinstance(detail, error_details_pb2.ErrorInfo):
            for key, value in list(detail.metadata.items()):
                detail.metadata[key] = mask(value, personal, keep)
        elif isinstance(detail, error_details_pb2.ResourceInfo):
            detail.description = mask(detail.description, personal, keep)
        else:  # BadRequest / PreconditionFailure: each violation's description
            for v in getattr(detail, "field_violations", ()) or getattr(detail, "violations", ()):
                v.description = mask(v.description, personal, keep)
        out.details.add().Pack(detail)
    return out


_DETAILS = (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest, error_details_pb2.PreconditionFailure,
            error_details_pb2.ResourceInfo)


def request_values(request: object) -> Iterator[str]:
    """Every string a request carries, at any depth (Struct values and maps included): the caller's
    own. Nothing for a request that could not be decoded."""
    if not isinstance(request, Message):
        return
    for fd, value in request.ListFields():
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            items = value.values()
        else:
            items = value if fd.is_repeated else (value,)
        for item in items:
            if isinstance(item, str):
                yield item
            else:
                yield from request_values(item)


def to_grpc_status(status: status_pb2.Status) -> grpc.Status:
    return rpc_status.to_status(status)
