"""Every kind of failure reaches the client as one status code with decodable details."""
from __future__ import annotations

import logging

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.errors import (ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound, PermissionDenied,
                           Unauthorized, ValidationFailed)
from his.v1 import journal_pb2
from his.v1 import outpatient_pb2 as pb
from services.errors import PlatformRejected, PlatformUnavailable
from services.grpc.interceptors import map_errors


def _fail(api, auth, visit_id, exc):
    """Queue `exc` in the fake use case and make a call that reaches it."""
    api.outpatient.fail_next = exc
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.CancelFees(pb.CancelFeesRequest(visit_id=visit_id, chrg_bchno="B1"), metadata=auth)
    return caught.value


def _detail(err, kind):
    status = rpc_status.from_call(err)
    assert status is not None, "no grpc-status-details-bin trailer"
    assert status.code == err.code().value[0] and status.message == err.details()
    found = [d for d in status.details if d.Is(kind.DESCRIPTOR)]
    assert len(found) == 1, status.details
    detail = kind()
    found[0].Unpack(detail)
    return detail


@pytest.mark.parametrize("exc, code", [
    (NotFound("no visit x"), grpc.StatusCode.NOT_FOUND),
    (ConcurrencyConflict("visit v1 changed"), grpc.StatusCode.ABORTED),
    (Unauthorized("who?"), grpc.StatusCode.UNAUTHENTICATED),
    (PermissionDenied("clerks may not cancel"), grpc.StatusCode.PERMISSION_DENIED),
])
def test_plain_kinds_map_to_their_code(api, auth, registered, exc, code):
    err = _fail(api, auth, registered.id, exc)
    assert err.code() is code and str(exc) in err.details()


def test_validation_failed_lists_each_field(api, auth, registered):
    err = _fail(api, auth, registered.id, ValidationFailed(
        [FieldViolation("chrg_bchno", "is required"), FieldViolation("visit_id", "too long")]))
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT
    bad = _detail(err, error_details_pb2.BadRequest)
    assert [(v.field, v.description) for v in bad.field_violations] == [
        ("chrg_bchno", "is required"), ("visit_id", "too long")]


def test_illegal_transition_is_a_state_precondition(api, auth, registered):
    err = _fail(api, auth, registered.id, IllegalTransition("cannot cancel fees: visit v1 is SETTLED"))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION
    failure = _detail(err, error_details_pb2.PreconditionFailure)
    assert failure.violations[0].type == "STATE" and "SETTLED" in failure.violations[0].description


def test_a_real_state_conflict_from_the_domain(api, auth, registered):
    api.visits.CancelRegistration(pb.CancelRegistrationRequest(visit_id=registered.id), metadata=auth)
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.CancelRegistration(pb.CancelRegistrationRequest(visit_id=registered.id), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "CANCELLED" in _detail(caught.value, error_details_pb2.PreconditionFailure).violations[0].description


def test_platform_refusal_carries_the_platform_facts(api, auth, registered):
    err = _fail(api, auth, registered.id, PlatformRejected("2205", -1, "批次不存在", "H4201...0001", 17))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION
    info = _detail(err, error_details_pb2.ErrorInfo)
    assert (info.reason, info.domain) == ("PLATFORM_REFUSED", "yb.hubei")
    assert dict(info.metadata) == {"infno": "2205", "infcode": "-1", "err_msg": "批次不存在",
                                   "msgid": "H4201...0001", "journal_id": "17"}
    assert "批次不存在" in err.details()


@pytest.mark.parametrize("outcome, journal_id, retry_after", [("unresolved", 18, 61.2), ("not_sent", None, None)])
def test_platform_unavailable_says_what_is_known(api, auth, registered, outcome, journal_id, retry_after):
    err = _fail(api, auth, registered.id, PlatformUnavailable("2207", "timed out", "H4201...0002", journal_id, outcome,
                                                              retry_after=retry_after))
    assert err.code() is grpc.StatusCode.UNAVAILABLE
    info = _detail(err, error_details_pb2.ErrorInfo)
    assert info.reason == "PLATFORM_UNAVAILABLE"
    assert dict(info.metadata) == {"infno": "2207", "outcome": outcome, "msgid": "H4201...0002",
                                   "journal_id": "" if journal_id is None else str(journal_id),
                                   "retry_after_seconds": "62" if retry_after else ""}
    if retry_after:  # when to ask again, in the standard detail clients' retry policies read
        assert _detail(err, error_details_pb2.RetryInfo).retry_delay.seconds == 62


def test_a_bug_is_internal_and_leaks_nothing(api, auth, registered, caplog):
    with caplog.at_level(logging.ERROR, logger="services.grpc.interceptors"):
        err = _fail(api, auth, registered.id, KeyError("secret_column"))
    assert err.code() is grpc.StatusCode.INTERNAL
    assert "secret_column" not in err.details()
    incident = _detail(err, error_details_pb2.ErrorInfo).metadata["incident"]
    assert any(incident in r.getMessage() and r.exc_info for r in caplog.records)


def test_not_found_from_a_read(api, auth):
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.GetVisit(pb.GetVisitRequest(visit_id="nope"), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


def test_journal_listing_needs_a_filter(api, auth):
    with pytest.raises(grpc.RpcError) as caught:
        api.entries.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(), metadata=auth)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert _detail(caught.value, error_details_pb2.BadRequest).field_violations[0].field == "visit_id"


def test_bad_page_token_is_invalid_argument(api, auth):
    with pytest.raises(grpc.RpcError) as caught:
        api.visits.ListVisits(pb.ListVisitsRequest(page_token="garbage!"), metadata=auth)
    assert _detail(caught.value, error_details_pb2.BadRequest).field_violations[0].field == "page_token"


class _Context:
    """Just enough of grpc.ServicerContext for map_errors."""

    def __init__(self, code=None):
        self._code, self.aborted_with = code, None

    def code(self):
        return self._code

    def abort_with_status(self, status):
        self.aborted_with = status
        raise RuntimeError("aborted")


def test_a_handler_that_aborted_itself_keeps_its_status():
    def handler(request, context):
        raise Exception()  # what context.abort() raises once it has set the code

    context = _Context(code=grpc.StatusCode.RESOURCE_EXHAUSTED)
    with pytest.raises(Exception):
        map_errors(handler)(None, context)
    assert context.aborted_with is None
