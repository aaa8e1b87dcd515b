"""Bearer-token authentication; health and reflection stay open."""
from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from grpc_status import rpc_status

from his.v1 import journal_pb2
from his.v1 import outpatient_pb2 as pb


def _unauthenticated(call, *, metadata):
    with pytest.raises(grpc.RpcError) as caught:
        call(metadata=metadata)
    err = caught.value
    assert err.code() is grpc.StatusCode.UNAUTHENTICATED
    return err


@pytest.mark.parametrize("metadata, words", [
    ((), "missing authorization"),
    ((("authorization", "Bearer nope"),), "unknown"),
    ((("authorization", "Basic dG9rLWNsZXJr"),), "malformed"),
    ((("authorization", "Bearer "),), "malformed"),
])
def test_calls_without_a_valid_token_are_unauthenticated(api, metadata, words):
    err = _unauthenticated(lambda metadata: api.visits.GetVisit(pb.GetVisitRequest(visit_id="v1"), metadata=metadata),
                           metadata=metadata)
    assert words in err.details()
    info = error_details_pb2.ErrorInfo()
    assert rpc_status.from_call(err).details[0].Unpack(info) and info.reason == "UNAUTHENTICATED"
    assert api.outpatient.calls == []  # refused before any use case ran


def test_journal_service_needs_a_token_too(api):
    _unauthenticated(lambda metadata: api.entries.GetJournalEntry(journal_pb2.GetJournalEntryRequest(id=1),
                                                                  metadata=metadata), metadata=())


def test_the_token_names_the_operator_the_use_case_sees(api, registered, clerk, auth):
    name, op, _ = api.outpatient.last
    assert (name, op) == ("register", clerk)
    api.entries.ResolveJournalEntry(journal_pb2.ResolveJournalEntryRequest(id=api.journal.add().id), metadata=auth)
    name, op, _ = api.journal.last
    assert (name, op) == ("get", None) and api.journal.calls[-2][:2] == ("resolve", clerk)


def test_scheme_and_header_case_are_forgiving(api, registered):
    reply = api.visits.GetVisit(pb.GetVisitRequest(visit_id=registered.id),
                                metadata=(("authorization", "bearer tok-clerk"),))
    assert reply.visit.id == registered.id


def test_health_check_needs_no_token(api):
    health = health_pb2_grpc.HealthStub(api.channel)
    for service in ("", "his.v1.OutpatientService", "his.v1.JournalService"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_services_without_a_token(api):
    services = set(ProtoReflectionDescriptorDatabase(api.channel).get_services())
    assert {"his.v1.OutpatientService", "his.v1.JournalService", "grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection"} <= services
    # and clients in other languages can fetch the full schema from it
    db = ProtoReflectionDescriptorDatabase(api.channel)
    assert db.FindFileContainingSymbol("his.v1.Settlement").name == "his/v1/common.proto"


def test_each_call_runs_inside_one_request_scope():
    from contextlib import contextmanager

    import sys

    from domain.operator import Operator
    from his.v1 import outpatient_pb2_grpc
    from services.grpc.server import build_server

    fakes = sys.modules["tests_grpc_fakes"]  # loaded by this folder's conftest

    events = []

    class Outpatient(fakes.FakeOutpatient):
        def read_person(self, *args, **kwargs):
            events.append("use case")
            return super().read_person(*args, **kwargs)

    @contextmanager
    def scope():
        events.append("enter")
        try:
            yield
        finally:
            events.append("exit")

    server, port = build_server(Outpatient(), fakes.FakeJournal(), {"tok-clerk": Operator(code="A001", name="张三")}, address="127.0.0.1:0",
                                max_workers=2, request_scope=scope)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = outpatient_pb2_grpc.OutpatientServiceStub(channel)
            stub.ReadInsuredPerson(pb.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no="1"),
                                   metadata=(("authorization", "Bearer tok-clerk"),), timeout=10)
            with pytest.raises(grpc.RpcError):  # refused before any use case: no scope is opened
                stub.ReadInsuredPerson(pb.ReadInsuredPersonRequest(), timeout=10)
    finally:
        server.stop(None)
    assert events == ["enter", "use case", "exit"]
