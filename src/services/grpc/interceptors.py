"""Server interceptors: authentication (auth.py) and exception -> status mapping (here).

Mapping in one interceptor keeps servicers free of try/except and guarantees no expected
failure ever reaches the client as UNKNOWN.
"""
from __future__ import annotations

import logging
import uuid

import grpc
from google.protobuf import descriptor_pool

from ports.unit_of_work import RequestScope
from services import personal_data
from services.grpc import errors
from services.grpc.auth import AuthInterceptor, closing
from services.grpc.request_guard import RequestGuard, safe_deserializer

__all__ = ["AuthInterceptor", "ErrorInterceptor", "GuardInterceptor", "ScopeInterceptor", "map_errors"]

log = logging.getLogger(__name__)

_OUR_API = "/his."  # our services' methods; health and reflection stream with their own handling


def map_errors(behavior, method: str = "?"):
    """Wrap a unary-unary behavior(request, context) so exceptions become rich statuses.

    The call runs in a scope of personal values (services.personal_data) that also covers the
    refusal's log line and its status, both masked of them (the status keeps the caller's own)."""
    def call(request, context):
        with personal_data.scope():
            try:
                return behavior(request, context)
            except Exception as exc:  # noqa: BLE001 - the whole point: nothing escapes unmapped
                _refuse(exc, request, context, method)
    return call


def map_stream_errors(behavior, method: str = "?"):
    """The same for a unary-stream behavior: what the call raises, and what the stream raises while
    it is iterated (each step in a scope of personal values of its own), ends the call mapped."""
    def call(request, context):
        with personal_data.scope():
            try:
                responses = iter(behavior(request, context))
            except Exception as exc:  # noqa: BLE001
                _refuse(exc, request, context, method)
        return _mapped_steps(responses, request, context, method)
    return call


def _mapped_steps(responses, request, context, method: str):
    try:
        while True:
            with personal_data.scope():
                try:
                    response = next(responses)
                except StopIteration:
                    return
                except Exception as exc:  # noqa: BLE001
                    _refuse(exc, request, context, method)
            yield response
    finally:
        closing(responses)


def _refuse(exc: Exception, request, context, method: str) -> None:
    """Abort the call with the status `exc` maps to (raises)."""
    if context.code() is not None:
        raise exc  # the handler already aborted with a status of its own choosing
    status = errors.status_for(exc)
    if status is None:
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error in %s (incident %s)", method, incident, exc_info=exc)
        status = errors.internal(incident)
    else:
        log.info("%s refused: %s", method, exc)
        status = errors.masked(status, keep=errors.request_values(request))
    context.abort_with_status(errors.to_grpc_status(status))


class _PerMethod(grpc.ServerInterceptor):
    """Wraps a method's handler once and reuses it: the wrapping depends on the method alone, and
    interceptors run on gRPC's one polling thread for every call."""

    def __init__(self) -> None:
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = continuation(handler_call_details)
            if handler is None:
                return None  # unknown method: not remembered, whatever name a client sends
            wrapped = self._wrapped[method] = self._wrap(handler, method)
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        raise NotImplementedError


def method_descriptor(method: str):
    """The descriptor of /package.Service/Method (request and response types), None if unknown."""
    try:
        return descriptor_pool.Default().FindMethodByName(method.lstrip("/").replace("/", "."))
    except KeyError:
        return None


def unary(handler: grpc.RpcMethodHandler, behavior, deserializer=None, serializer=None) -> grpc.RpcMethodHandler:
    """`handler` with another unary behavior (and, when given, request deserializer / response
    serializer); the others carried over."""
    return grpc.unary_unary_rpc_method_handler(
        behavior, request_deserializer=deserializer or handler.request_deserializer,
        response_serializer=serializer or handler.response_serializer)


def unary_stream(handler: grpc.RpcMethodHandler, behavior, deserializer=None) -> grpc.RpcMethodHandler:
    """`handler` (unary-stream) with another behavior (and, when given, request deserializer)."""
    return grpc.unary_stream_rpc_method_handler(
        behavior, request_deserializer=deserializer or handler.request_deserializer,
        response_serializer=handler.response_serializer)


def is_unary_stream(handler: grpc.RpcMethodHandler) -> bool:
    return handler.unary_stream is not None and not handler.request_streaming


class ErrorInterceptor(_PerMethod):
    def _wrap(self, handler, method):
        if is_unary_stream(handler) and method.startswith(_OUR_API):
            return unary_stream(handler, map_stream_errors(handler.unary_stream, method))
        if handler.unary_unary is None:
            return handler  # other streaming methods (health Watch, reflection) keep their own handling
        return unary(handler, map_errors(handler.unary_unary, method))


class ScopeInterceptor(_PerMethod):
    """Runs each unary call inside a request scope (ports.unit_of_work.RequestScope). Streaming
    calls run without one: a scope keeps a connection, and a stream may last hours."""

    def __init__(self, scope: RequestScope):
        super().__init__()
        self._scope = scope

    def _wrap(self, handler, method):
        if handler.unary_unary is None:
            return handler
        behavior, scope = handler.unary_unary, self._scope

        def call(request, context):
            with scope():
                return behavior(request, context)
        return unary(handler, call)


class GuardInterceptor(_PerMethod):
    """Holds every unary request to the RequestGuard (string sizes and characters, decodability)
    before the servicer sees it. Inside ErrorInterceptor, so its refusals are mapped like any other."""

    def __init__(self, guard: RequestGuard):
        super().__init__()
        self._guard = guard

    def _wrap(self, handler, method):
        check = self._guard.check
        if is_unary_stream(handler) and method.startswith(_OUR_API):
            streaming = handler.unary_stream

            def stream(request, context):
                check(request)  # before the stream starts: refused input opens nothing
                return streaming(request, context)
            return unary_stream(handler, stream, deserializer=safe_deserializer(handler.request_deserializer))
        if handler.unary_unary is None:
            return handler
        behavior = handler.unary_unary

        def call(request, context):
            check(request)
            return behavior(request, context)
        return unary(handler, call, deserializer=safe_deserializer(handler.request_deserializer))
