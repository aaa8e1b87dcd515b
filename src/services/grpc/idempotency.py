"""Retries with one effect (AIP-155): a mutating call that carries a request_id acts once.

The first call with a key claims it in the RequestLedger, acts, and records its reply; a retry with
the same key and the same request (same method, operator and content) gets that reply back, byte for
byte, without acting. A retry while the first is still running is told to wait (ABORTED); the same
key with a different request is the client's mistake (INVALID_ARGUMENT on request_id).

A call that failed without acting (refused input, a platform refusal, a state that does not allow
it) releases its key: the retry acts anew. A call that failed in a way that may have acted (the
platform's answer is unknown, an unexpected error) keeps its failure, replayed to every retry: the
journal settles what happened, and a new change takes a new key.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from domain.errors import (AlreadyExists, ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound,
                           PermissionDenied, Unauthorized, ValidationFailed)
from ports.clock import Clock
from ports.request_ledger import ClaimState, RequestLedger
from services.errors import PlatformRejected, PlatformUnavailable
from services.grpc import errors
from services.grpc.auth import current_operator
from services.grpc.interceptors import _PerMethod, method_descriptor, unary

log = logging.getLogger(__name__)

FIELD = "request_id"
# Longer than any call can run (read timeout, 冲正 and queries included): a claim this old belongs
# to a process that ended mid-call, and a retry may take it over.
RUNNING_AT_MOST = timedelta(minutes=10)
KEPT_FOR = timedelta(days=7)
# Failures that prove nothing took effect: the key is released and a retry acts anew (the domain's
# own guards, a settled visit, a used feedetl_sn, a claimed 门诊号, stop a second effect anyway).
_NOTHING_DONE = (ValidationFailed, NotFound, AlreadyExists, PermissionDenied, Unauthorized, IllegalTransition,
                 ConcurrencyConflict, PlatformRejected)
_SAFE_OUTCOMES = frozenset({"not_sent", "reversed", "not_applied", "repeatable"})


def takes_request_id(method: str) -> bool:
    """Whether the request message of /package.Service/Method has a request_id field."""
    found = method_descriptor(method)
    return found is not None and FIELD in found.input_type.fields_by_name


def fingerprint(operator_code: str, method: str, request) -> str:
    digest = hashlib.sha256(f"{operator_code}\n{method}\n".encode())
    digest.update(request.SerializeToString(deterministic=True))
    return digest.hexdigest()


def nothing_done(exc: BaseException) -> bool:
    if isinstance(exc, PlatformUnavailable):
        return exc.outcome in _SAFE_OUTCOMES
    return isinstance(exc, _NOTHING_DONE)


class IdempotencyInterceptor(_PerMethod):
    """Inside ErrorInterceptor (its refusals and replays are mapped there), outside the request
    scope. Methods whose request has no request_id pass untouched."""

    def __init__(self, ledger: RequestLedger, clock: Clock):
        super().__init__()
        self._ledger, self._clock = ledger, clock

    def _wrap(self, handler, method):
        if handler.unary_unary is None or not takes_request_id(method):
            return handler
        behavior, ledger, clock = handler.unary_unary, self._ledger, self._clock
        serialize = handler.response_serializer

        def call(request, context):
            request_id = getattr(request, FIELD, "")
            if not request_id:
                return behavior(request, context)
            now = clock.now()
            key = fingerprint(current_operator().code, method, request)
            claim = ledger.claim(request_id, method, key, now, now - RUNNING_AT_MOST)
            if claim.state is ClaimState.MISMATCH:
                raise ValidationFailed([FieldViolation(FIELD, "was already used for another request (another "
                                                              "method, operator or content): a new change needs a "
                                                              "new request_id")])
            if claim.state is ClaimState.RUNNING:
                raise ConcurrencyConflict("a call with this request_id is still running; retry shortly")
            if claim.state is ClaimState.DONE:
                return claim.response  # the first call's reply, as it was sent
            if claim.state is ClaimState.FAILED:
                raise errors.Replayed(claim.status)
            try:
                response = behavior(request, context)
            except BaseException as exc:
                if nothing_done(exc):
                    ledger.release(request_id)
                else:
                    status = errors.status_for(exc) or errors.internal("replayed")
                    ledger.failed(request_id, status.SerializeToString(), clock.now())
                raise
            try:
                ledger.done(request_id, key, serialize(response), clock.now())
            except Exception:  # noqa: BLE001 - the change is made: the reply must still reach the caller
                log.exception("could not record the reply of request_id %s (%s)", request_id, method)
            return response

        def serialize_or_pass(response) -> bytes:
            return response if isinstance(response, bytes) else serialize(response)
        return unary(handler, call, serializer=serialize_or_pass)
