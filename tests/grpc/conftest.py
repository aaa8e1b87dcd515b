"""A real server on an ephemeral port, backed by the fakes, and stubs over a real channel."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from domain.operator import Operator
from his.v1 import journal_pb2_grpc, outpatient_pb2_grpc
from his.v1 import outpatient_pb2 as pb
from services.grpc.server import build_server


fakes = sys.modules["tests_grpc_fakes"]  # tests/grpc/fakes.py, registered by tests/conftest.py

CLERK = Operator(code="A001", name="张三", type="1")
TOKENS = {"tok-clerk": CLERK}
AUTH = (("authorization", "Bearer tok-clerk"),)


@dataclass
class Api:
    outpatient: object  # FakeOutpatient
    journal: object  # FakeJournal
    channel: grpc.Channel
    visits: outpatient_pb2_grpc.OutpatientServiceStub
    entries: journal_pb2_grpc.JournalServiceStub


def start(zone: str = "Asia/Shanghai"):
    outpatient, journal = fakes.FakeOutpatient(), fakes.FakeJournal()
    server, port = build_server(outpatient, journal, TOKENS, address="127.0.0.1:0", max_workers=4, zone=zone)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    api = Api(outpatient, journal, channel, outpatient_pb2_grpc.OutpatientServiceStub(channel),
              journal_pb2_grpc.JournalServiceStub(channel))
    return server, api


@pytest.fixture
def api():
    server, api = start()
    yield api
    api.channel.close()
    server.stop(None)


@pytest.fixture
def utc_api():
    server, api = start(zone="UTC")
    yield api
    api.channel.close()
    server.stop(None)


@pytest.fixture
def auth():
    """Call metadata carrying the clerk's token."""
    return AUTH


@pytest.fixture
def clerk():
    return CLERK


def _fee_row(sn: str = "F1", det: str = "12.50", cnt: str = "1", pric: str = "12.50", bchno: str = "B1", **more):
    when = Timestamp(seconds=1709256600)  # 2024-03-01T01:30:00Z = 09:30 in Shanghai
    return pb.FeeItemInput(feedetl_sn=sn, chrg_bchno=bchno, med_list_codg="XA01", medins_list_codg="H001",
                           medins_list_name="阿莫西林", det_item_fee_sumamt=det, cnt=cnt, pric=pric,
                           fee_ocur_time=when, bilg_dept_codg="D01", bilg_dept_name="内科", bilg_dr_codg="DR1",
                           bilg_dr_name="李四", **more)


@pytest.fixture
def fee_row():
    """fee_row(sn=..., det=..., cnt=..., pric=...) -> FeeItemInput with sensible defaults."""
    return _fee_row


@pytest.fixture
def registered(api):
    """A visit registered through the API."""
    reply = api.visits.RegisterVisit(pb.RegisterVisitRequest(
        psn_no="P001", insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no="420100198005060011",
        dept_code="D01", dept_name="内科", caty="A03", atddr_no="DR1", dr_name="李四"), metadata=AUTH)
    return reply.visit


@pytest.fixture
def fake_now():
    """The fakes' 'now' (naive Shanghai wall time)."""
    return fakes.NOW
