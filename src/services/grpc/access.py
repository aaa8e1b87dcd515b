"""Every call checked against the operator's role, and recorded in the audit trail.

The interceptor sits right inside authentication, outside everything else (Auth, Access, Error,
Guard, Scope, Idempotency): a refused call reaches no guard, opens no connection, takes no
request_id, journals and sends nothing. Being outside the error mapping, it records the status the
caller actually gets. The check is one set lookup (each method's roles are resolved when it is
first called); the event is handed to the trail, which stores it off this thread.
"""
from __future__ import annotations

from google.protobuf import message_factory

from domain.operator import Operator
from domain.privacy import mask
from ports.audit import OK, AuditEvent, AuditTrail
from ports.clock import Clock
from services import personal_data
from services.access import AccessPolicy
from services.grpc import errors
from services.grpc.auth import PUBLIC_SERVICES, closing, current_operator, refusing, service_of
from services.grpc.interceptors import _PerMethod, is_unary_stream, method_descriptor, unary, unary_stream
from services.grpc.permissions import FIELD_PERMISSIONS, METHOD_PERMISSIONS

MAX_MESSAGE = 200  # characters of a failed call's status message kept in the trail
_REQUEST_REFS = ("visit_id", "mdtrt_id", "psn_no", "request_id")
# request fields that name a visit under another name: (their field, the event's)
_REQUEST_ALIASES = (("encounter_id", "visit_id"),)
# Reply messages that name a visit or a person: (their field, the event's)
_REPLY_REFS = {
    "his.v1.Visit": (("id", "visit_id"), ("mdtrt_id", "mdtrt_id"), ("psn_no", "psn_no")),
    "his.v1.Settlement": (("mdtrt_id", "mdtrt_id"), ("psn_no", "psn_no")),
    "his.v1.InsuredPerson": (("psn_no", "psn_no"),),
    "his.v1.JournalEntry": (("visit_id", "visit_id"), ("mdtrt_id", "mdtrt_id"), ("psn_no", "psn_no")),
    # an encounter is the hospital's visit: its transfers and payments are found by its id
    "his.v1.Encounter": (("id", "visit_id"), ("mdtrt_id", "mdtrt_id"), ("psn_no", "psn_no")),
}


class AccessInterceptor(_PerMethod):
    def __init__(self, policy: AccessPolicy, trail: AuditTrail | None, clock: Clock,
                 methods: dict[str, str] = METHOD_PERMISSIONS,
                 fields: dict[str, tuple[str, str]] = FIELD_PERMISSIONS):
        """`trail`: where events go (None: checks only); `methods`: full method -> permission;
        `fields`: method -> (request field, the further permission it needs when set)."""
        super().__init__()
        self._policy, self._trail, self._clock = policy, trail, clock
        self._methods, self._fields = methods, fields

    def _wrap(self, handler, method):
        if service_of(method) in PUBLIC_SERVICES:
            return handler  # health checks and reflection: open, and not worth a row each
        permission = self._methods.get(method, "")
        streams = is_unary_stream(handler)
        if handler.unary_unary is None and not streams:  # client streaming: none in this API, none unchecked
            return refusing(handler, errors.to_grpc_status(errors.permission_denied(
                f"{method} is not served: client-streaming calls have no access check", permission, "")))
        behavior, name = handler.unary_unary or handler.unary_stream, method.rpartition("/")[2]
        allowed = self._policy.roles_with(permission) if permission else frozenset()
        field, further = self._fields.get(method, ("", ""))
        further_allowed = self._policy.roles_with(further) if further else frozenset()
        audit = _Events(self._trail, method, permission) if self._trail is not None else None
        now = self._clock.now

        def denial(op: Operator, request):
            """The refusal's status, None when the call may go on."""
            if op.role not in allowed:
                if not permission:
                    why = f"{name} has no permission defined (services/grpc/permissions.py): refused to every role"
                else:
                    why = f"operator {op.code} (role {op.role!r}) lacks the permission {permission!r} that {name} needs"
                return errors.permission_denied(why, permission, op.role)
            if field and getattr(request, field) and op.role not in further_allowed:
                return errors.permission_denied(f"operator {op.code} (role {op.role!r}) lacks the permission "
                                                f"{further!r} that {name} with {field} needs", further, op.role)
            return None

        def call(request, context):
            op = current_operator()
            at = now()
            status = denial(op, request)
            if status is not None:
                if audit is not None:
                    audit.record(op, at, context, request, None, "PERMISSION_DENIED", status.message)
                context.abort_with_status(errors.to_grpc_status(status))
            if streams:  # checked before the stream starts; recorded once, when it ends
                return behavior(request, context) if audit is None else audit.stream(
                    op, at, context, request, behavior)
            if audit is None:
                return behavior(request, context)
            try:
                response = behavior(request, context)
            except BaseException:
                code, details = context.code(), context.details()
                message = details.decode("utf-8", "replace") if isinstance(details, bytes) else details or ""
                audit.record(op, at, context, request, None, code.name if code is not None else "UNKNOWN", message)
                raise
            audit.record(op, at, context, request, response, OK, "")
            return response
        return unary_stream(handler, call) if streams else unary(handler, call)


class _Events:
    """One method's audit events; which of its request's and reply's fields name the visit is
    worked out once."""

    def __init__(self, trail: AuditTrail, method: str, permission: str):
        self._append, self._method, self._permission = trail.record, method, permission
        found = method_descriptor(method)
        request_type, response_type = (found.input_type, found.output_type) if found else (None, None)
        self._request_refs = tuple((f, f) for f in _REQUEST_REFS if request_type and f in request_type.fields_by_name)
        self._request_refs += tuple((f, target) for f, target in _REQUEST_ALIASES
                                    if request_type and f in request_type.fields_by_name)
        self._reply_refs = tuple((f.name, _REPLY_REFS[f.message_type.full_name])
                                 for f in (response_type.fields if response_type else ())
                                 if f.message_type is not None and f.message_type.full_name in _REPLY_REFS
                                 and not f.is_repeated)  # a listing names many visits: none is recorded
        # a request_id's replay returns the first reply as it was serialized: read back only if needed
        self._parse = message_factory.GetMessageClass(response_type).FromString if self._reply_refs else None

    def stream(self, op: Operator, at, context, request, behavior):
        """A streaming call's responses, recorded as one event when the stream ends: OK when it ran
        out, the status it ended with, or CANCELLED when the client left first."""
        ended = "CANCELLED", ""
        responses = None
        try:
            responses = iter(behavior(request, context))
            yield from responses
            ended = (OK, "") if context.is_active() else ("CANCELLED", "")
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                code, details = context.code(), context.details()
                message = details.decode("utf-8", "replace") if isinstance(details, bytes) else details or ""
                ended = (code.name if code is not None else "UNKNOWN"), message
            raise
        finally:
            if responses is not None:
                closing(responses)
            self.record(op, at, context, request, None, *ended)

    def record(self, op: Operator, at, context, request, response, outcome: str, message: str) -> None:
        refs = {}
        for name, target in self._request_refs:
            value = getattr(request, name)
            if value:
                refs[target] = value
        if response is not None and self._reply_refs:
            if isinstance(response, bytes):
                response = self._parse(response)
            for field, pairs in self._reply_refs:
                part = getattr(response, field)
                for source, target in pairs:
                    value = getattr(part, source)
                    if value:
                        refs[target] = value  # the reply's word wins: GetVisit may be asked by mdtrt_id
        if message:  # a refusal can quote a person's data: the trail keeps it masked, like the logs
            message = mask(message, personal_data.in_play())
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + "…"
        self._append(AuditEvent(at=at, operator_code=op.code, operator_name=op.name, operator_role=op.role,
                                method=self._method, permission=self._permission, peer=context.peer(),
                                outcome=outcome, message=message, **refs))
