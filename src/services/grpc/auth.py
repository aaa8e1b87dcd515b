"""Who is calling: bearer token -> Operator, visible to servicers through a context variable.

The operator travels in a contextvar rather than as an argument so servicer signatures stay the
generated ones; the interceptor sets it around the handler call and resets it afterwards, so a
worker thread never carries one caller's identity into the next call.
"""
from __future__ import annotations

import contextvars
import hmac
from collections.abc import Mapping

import grpc

from domain.errors import Unauthorized
from domain.operator import Operator
from services.grpc import errors

# Infrastructure services that load balancers and tooling call without credentials.
PUBLIC_SERVICES = frozenset({
    "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection",
    "grpc.reflection.v1.ServerReflection",
})

_operator: contextvars.ContextVar[Operator | None] = contextvars.ContextVar("his_grpc_operator", default=None)


def current_operator() -> Operator:
    """The authenticated operator of the call in progress."""
    op = _operator.get()
    if op is None:
        raise Unauthorized("no authenticated operator for this call")
    return op


def service_of(method: str) -> str:
    """'/his.v1.OutpatientService/GetVisit' -> 'his.v1.OutpatientService'."""
    return method.lstrip("/").partition("/")[0]


def bearer_token(metadata) -> str | None:
    for key, value in metadata or ():
        if key.lower() == "authorization":
            scheme, _, token = str(value).strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else ""
    return None


class AuthInterceptor(grpc.ServerInterceptor):
    def __init__(self, tokens: Mapping[str, Operator]):
        self._tokens = dict(tokens)  # a copy: the set of valid tokens is fixed at start-up
        self._bound: dict[tuple[str, str], grpc.RpcMethodHandler] = {}  # (method, valid token) -> handler

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        if service_of(method) in PUBLIC_SERVICES:
            return continuation(handler_call_details)
        token = bearer_token(handler_call_details.invocation_metadata)
        op = self._lookup(token) if token else None
        if op is not None:
            bound = self._bound.get((method, token))
            if bound is not None:  # this operator called this method before: wrapped once, reused
                return bound
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        if token is None:
            return _refusal(handler, "missing authorization metadata: send 'authorization: Bearer <token>'")
        if token == "":
            return _refusal(handler, "malformed authorization metadata: expected 'Bearer <token>'")
        if op is None:
            return _refusal(handler, "unknown or revoked bearer token")
        bound = self._bound[(method, token)] = _with_operator(handler, op)
        return bound

    def _lookup(self, token: str) -> Operator | None:
        # compare_digest against every token: the time taken says nothing about near misses
        found = None
        for known, op in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = op
        return found


def _with_operator(handler, op: Operator):
    # Bound around the behavior call; for a streaming response, also around each step of its
    # iteration (gRPC iterates it after the call returned, on the same worker thread).
    if handler.unary_stream is not None and not handler.request_streaming:
        streaming = handler.unary_stream

        def stream(request, context):
            reset = _operator.set(op)
            try:
                responses = iter(streaming(request, context))
            finally:
                _operator.reset(reset)
            return _steps_as(op, responses)
        return grpc.unary_stream_rpc_method_handler(stream, request_deserializer=handler.request_deserializer,
                                                    response_serializer=handler.response_serializer)

    def bind(behavior):
        def call(*args):
            reset = _operator.set(op)
            try:
                return behavior(*args)
            finally:
                _operator.reset(reset)
        return call
    return _replace_behavior(handler, bind)


def _steps_as(op: Operator, responses):
    try:
        while True:
            reset = _operator.set(op)
            try:
                response = next(responses)
            except StopIteration:
                return
            finally:
                _operator.reset(reset)
            yield response
    finally:
        closing(responses)


def closing(responses) -> None:
    """Close a response iterator that was left early (the client went away): its own clean-up runs now."""
    close = getattr(responses, "close", None)
    if close is not None:
        close()


def _refusal(handler, message: str):
    return refusing(handler, errors.to_grpc_status(errors.unauthenticated(message)))


def refusing(handler, status: grpc.Status):
    """A copy of `handler` (of any kind) that ends every call with `status`."""
    def bind(_behavior):
        def refuse(_request, context, *_rest):
            context.abort_with_status(status)
        return refuse
    return _replace_behavior(handler, bind)


def _replace_behavior(handler, bind):
    """A copy of `handler` whose behavior is bind(behavior), keeping its kind and serializers."""
    kinds = (("unary_unary", grpc.unary_unary_rpc_method_handler),
             ("unary_stream", grpc.unary_stream_rpc_method_handler),
             ("stream_unary", grpc.stream_unary_rpc_method_handler),
             ("stream_stream", grpc.stream_stream_rpc_method_handler))
    for attr, make in kinds:
        behavior = getattr(handler, attr)
        if behavior is not None:
            return make(bind(behavior), request_deserializer=handler.request_deserializer,
                        response_serializer=handler.response_serializer)
    return handler
