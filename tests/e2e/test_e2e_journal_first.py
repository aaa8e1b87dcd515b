"""The journal entry of a platform call is committed before the first byte of the call leaves.

Checked where it matters, on the wire: the HTTP adapter's transport is wrapped by one that, each
time it is handed a request, opens its own connection to the test database (an engine of its own,
so only committed rows are visible to it) and reads the journal row of the request's msgid, then
passes the request on to the simulator's HTTP front. Everything in between is the production
wiring: gRPC server, use cases, PlatformGateway, SqlJournalStore with its request-scoped
connection lending. A gateway that journals after sending, or inside a transaction not yet
committed, leaves the row missing here.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import grpc
import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import common_pb2, outpatient_pb2 as op, outpatient_pb2_grpc
from ports.catalogue import load_catalogue
from services.bootstrap import bootstrap
from services.grpc.server import build_server
from services.settings import Settings

WORKER_CERTNO = "420106198005129910"
WORKER = "42010620000000000001"
METADATA = (("authorization", "Bearer demo-token"),)


@dataclass(frozen=True)
class Seen:
    infno: str  # what the envelope on the wire says
    msgid: str
    row: tuple | None  # (infno, state) of the journal row found for that msgid, None if none


class JournalCheckingTransport(httpx.BaseTransport):
    """Looks the request up in the journal, from a connection of its own, before passing it on."""

    def __init__(self, inner: httpx.BaseTransport, database_url: str):
        self.inner = inner
        self.engine = create_engine(database_url, poolclass=NullPool)
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        envelope = json.loads(request.content)
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT infno, state FROM journal WHERE msgid = :msgid"),
                               {"msgid": envelope["msgid"]}).one_or_none()
        with self._lock:
            self.seen.append(Seen(envelope["infno"], envelope["msgid"], None if row is None else tuple(row)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
        self.engine.dispose()


@pytest.fixture
def wired(database_url):
    simulator = SimulatorPlatform()
    front = SimulatorHttpFront(simulator, paasid="e2e", token="e2e-secret")
    front.start()
    transport = JournalCheckingTransport(httpx.HTTPTransport(retries=0), database_url)
    settings = Settings(database_url=database_url)
    platform = HttpPlatform(HttpSettings(url=front.url, paasid="e2e", token="e2e-secret", connect_timeout=1.0,
                                         read_timeout=1.0),
                            settings.institution.institution(), load_catalogue(), transport=transport)
    app = bootstrap(settings, platform=platform)
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address="127.0.0.1:0",
                                max_workers=4, request_scope=app.request_scope)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield outpatient_pb2_grpc.OutpatientServiceStub(channel), simulator, transport
    finally:
        channel.close()
        server.stop(grace=None)
        app.close()
        front.stop()


def test_every_request_finds_its_journal_row_committed_and_pending(wired):
    stub, simulator, transport = wired
    stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO),
                           metadata=METADATA)
    visit = stub.RegisterVisit(op.RegisterVisitRequest(
        psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生"),
        metadata=METADATA).visit
    fee = op.FeeItemInput(feedetl_sn="B1-1", chrg_bchno="B1", med_list_codg="XJ01CAA040A001010104022",
                          medins_list_codg="YP0001", cnt="2", pric="12.50", det_item_fee_sumamt="25.00",
                          bilg_dept_codg="NK01", bilg_dept_name="内科门诊", bilg_dr_codg="D001", bilg_dr_name="王医生")
    fee.fee_ocur_time.GetCurrentTime()
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=[fee]), metadata=METADATA)
    # the first 2207 times out after the platform stored it: the gateway reverses it with 2601,
    # which must be journaled before it leaves too
    simulator.faults.add("2207", "timeout_after_commit", 1, 3.0)
    with pytest.raises(grpc.RpcError) as lost:
        stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=METADATA)
    assert lost.value.code() is grpc.StatusCode.UNAVAILABLE
    settled = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno="B1"), metadata=METADATA)
    assert settled.visit.state == common_pb2.VISIT_STATE_SETTLED

    assert [s.infno for s in transport.seen] == ["9001", "1101", "2201A", "2204", "2207", "2601", "2207"]
    for seen in transport.seen:
        assert seen.row is not None, f"{seen.infno} {seen.msgid} left before its journal row was committed"
        assert seen.row == (seen.infno, "PENDING"), seen
