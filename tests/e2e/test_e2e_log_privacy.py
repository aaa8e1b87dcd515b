"""No person's identity number, certificate or name in any log of a full run, at DEBUG, from every
logger (the HIS, httpx, gRPC, the simulator and its HTTP front), with logging set up as `his` sets it
up; and no one else's in what a caller is told."""
from __future__ import annotations

import hashlib
import io
import logging
import uuid
from datetime import date, timedelta
from decimal import Decimal

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.demo_data import demo_persons, make_certno
from adapters.yb_sim.platform import SimulatorPlatform
from adapters.yb_sim.state import Account, Person
from domain.privacy import mask_value
from his.v1 import common_pb2, outpatient_pb2 as op, outpatient_pb2_grpc, platform_pb2, platform_pb2_grpc
from ports.platform import Platform, PlatformRefused, PlatformRequest
from services.bootstrap import bootstrap
from services.log_masking import FORMAT, MaskingFilter, configure_logging
from services.settings import Settings

SLOW_MACHINE = 10.0  # no faults here: a busy test machine must not turn a slow reply into a doubt
NOBODY = make_certno("420106", date(1990, 1, 1), "1")  # a well-formed number the simulator does not know


def _certno_ending_in_x(birth: date) -> str:
    while not make_certno("420106", birth, "2").endswith("X"):
        birth += timedelta(days=1)
    return make_certno("420106", birth, "2")


def _person(n: int, name: str, certno: str, birth: date, gend: str) -> Person:
    psn_no = f"420106200000000001{n:02d}"
    return Person(psn_no=psn_no, psn_name=name, certno=certno, gend=gend, brdy=birth, naty="01",
                  card_no=f"K4201069{n:02d}", ec_token="01" + hashlib.sha256(psn_no.encode()).hexdigest()[:30].upper(),
                  accounts=[Account("310", Decimal("900.00"), "1101", "420106", date(2012, 1, 1), emp_name="某某公司")])


ADDED = [_person(1, "欧阳慕容", make_certno("420106", date(1972, 3, 9), "1"), date(1972, 3, 9), "1"),
         _person(2, "司马青衫", make_certno("420106", date(1990, 12, 24), "1"), date(1990, 12, 24), "1"),
         _person(3, "上官婉清", _certno_ending_in_x(date(1985, 6, 1)), date(1985, 6, 1), "2")]


def _secrets(person: Person) -> list[str]:
    return [person.certno, person.card_no, person.ec_token, person.psn_name]


@pytest.fixture
def captured_logs():
    """Every record of every logger from DEBUG up, through a handler configured as `his` configures
    the root logger's (services.log_masking.configure_logging)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    configure_logging("DEBUG")
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for h in root.handlers:  # pytest's own handlers were masked too
            for f in [f for f in h.filters if isinstance(f, MaskingFilter)]:
                h.removeFilter(f)


def _now() -> Timestamp:
    ts = Timestamp()
    ts.GetCurrentTime()
    return ts


def _refused(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        call()
    assert err.value.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND)
    return err.value


def _register(stub, meta, person: Person, cert_type: str, cert_no: str):
    return stub.RegisterVisit(op.RegisterVisitRequest(
        psn_no=person.psn_no, insutype="310" if person.account("310") else "390", med_type="11",
        mdtrt_cert_type=cert_type, mdtrt_cert_no=cert_no, dept_code="NK01", dept_name="内科门诊", caty="A03",
        atddr_no="D001", dr_name="王医生"), metadata=meta).visit


def _whole_visit(stub, meta, person: Person, cert_type: str, cert_no: str) -> None:
    stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type=cert_type, mdtrt_cert_no=cert_no),
                           metadata=meta)
    visit = _register(stub, meta, person, cert_type, cert_no)
    stub.UploadVisitInfo(op.UploadVisitInfoRequest(visit_id=visit.id, diagnoses=[common_pb2.Diagnosis(
        diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染", diag_dept="内科",
        dise_dor_no="D001", dise_dor_name="王医生", diag_time=_now(), vali_flag="1", maindiag_flag="1")]),
        metadata=meta)
    batch = "B" + uuid.uuid4().hex[:12]
    stub.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=[op.FeeItemInput(
        feedetl_sn=f"{batch}-1", chrg_bchno=batch, med_list_codg="XJ01CAA040A001010104022", medins_list_codg="YP0001",
        cnt="2", pric="12.50", det_item_fee_sumamt="25.00", fee_ocur_time=_now(), bilg_dept_codg="NK01",
        bilg_dept_name="内科门诊", bilg_dr_codg="D001", bilg_dr_name="王医生")]), metadata=meta)
    stub.PreSettleVisit(op.PreSettleVisitRequest(visit_id=visit.id, chrg_bchno=batch), metadata=meta)
    setl_id = stub.SettleVisit(op.SettleVisitRequest(visit_id=visit.id, chrg_bchno=batch),
                               metadata=meta).settlement.setl_id
    stub.CancelSettlement(op.CancelSettlementRequest(visit_id=visit.id, setl_id=setl_id), metadata=meta)
    stub.CancelFees(op.CancelFeesRequest(visit_id=visit.id, chrg_bchno=batch), metadata=meta)
    stub.CancelRegistration(op.CancelRegistrationRequest(visit_id=visit.id), metadata=meta)


def test_no_certno_certificate_or_name_in_any_log_of_a_full_run(captured_logs, start_stack):
    simulator = SimulatorPlatform()
    for person in ADDED:
        simulator.add_person(person)
    everyone = demo_persons() + ADDED
    with start_stack(simulator, read_timeout=SLOW_MACHINE) as stack:
        stub, meta = outpatient_pb2_grpc.OutpatientServiceStub(stack.channel), stack.metadata
        for n, person in enumerate(everyone):
            other = everyone[(n + 1) % len(everyone)]
            # a refusal that quotes a certificate (someone else's) and this person's name
            cert_type, own, others = [("02", person.certno, other.certno), ("03", person.card_no, other.card_no),
                                      ("01", person.ec_token, other.ec_token)][n % 3]
            stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type=cert_type, mdtrt_cert_no=own),
                                   metadata=meta)
            _refused(lambda: _register(stub, meta, person, cert_type, others))
            _whole_visit(stub, meta, person, cert_type, own)
        _refused(lambda: stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=NOBODY),
                                                metadata=meta))
        # the generic path: a 1101 reply full of personal fields
        platform_pb2_grpc.PlatformServiceStub(stack.channel).Invoke(platform_pb2.InvokeRequest(
            code="1101", input_json='{"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "%s", "psn_cert_type": "01",'
                                    ' "certno": "%s", "psn_name": ""}}' % (ADDED[0].certno, ADDED[0].certno)),
            metadata=meta)
    text = captured_logs.getvalue()

    leaked = sorted({value for p in everyone for value in _secrets(p) if value.upper() in text.upper()}
                    | ({NOBODY} if NOBODY in text else set()))
    assert leaked == []
    # what was there to leak did reach the log, masked: bodies, refusals, the simulator's own lines
    assert "1101" in text and "reply (HTTP 200)" in text and '"psn_name":"欧***"' in text
    assert f"就诊凭证[02:{mask_value(everyone[1].certno)}]与人员[{mask_value(everyone[0].psn_name)}]不符" in text
    assert "adapters.yb_sim.http_front" in text and "refused" in text


class _FrozenAccount(Platform):
    """The simulator, but 2207 for one person refused with the person's name in free text, where
    only what the HIS declared (read from 1101) can find it."""

    def __init__(self, inner: SimulatorPlatform, person: Person):
        self.inner, self.person = inner, person

    def execute(self, request: PlatformRequest):
        if request.infno == "2207" and (request.input.get("data") or {}).get("psn_no") == self.person.psn_no:
            raise PlatformRefused(-1, f"{self.person.psn_name}的个人账户已冻结，不能结算", request.msgid)
        return self.inner.execute(request)


def test_a_name_in_free_text_is_masked_in_the_log_and_the_callers_status(captured_logs, database_url):
    person = ADDED[1]
    simulator = SimulatorPlatform()
    simulator.add_person(person)
    app = bootstrap(Settings(database_url=database_url), platform=_FrozenAccount(simulator, person))
    server, port = app.server(address="127.0.0.1:0", max_workers=2)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        stub, meta = outpatient_pb2_grpc.OutpatientServiceStub(channel), (("authorization", "Bearer demo-token"),)
        with pytest.raises(grpc.RpcError) as err:
            _whole_visit(stub, meta, person, "02", person.certno)
    finally:
        channel.close()
        server.stop(None)
        app.close()
    status = rpc_status.from_call(err.value)
    info = error_details_pb2.ErrorInfo()
    assert any(d.Unpack(info) for d in status.details)
    assert info.metadata["err_msg"] == "司***的个人账户已冻结，不能结算"
    assert person.psn_name not in status.message and "司***的个人账户已冻结" in status.message
    text = captured_logs.getvalue()
    assert "司***的个人账户已冻结" in text and person.psn_name not in text


def test_a_caller_sees_its_own_certificate_back_but_not_the_persons_name(start_stack):
    simulator = SimulatorPlatform()
    person, other = ADDED[0], ADDED[2]
    for p in (person, other):
        simulator.add_person(p)
    with start_stack(simulator, read_timeout=SLOW_MACHINE) as stack:
        stub = outpatient_pb2_grpc.OutpatientServiceStub(stack.channel)
        stub.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=person.certno),
                               metadata=stack.metadata)
        err = _refused(lambda: _register(stub, stack.metadata, person, "02", other.certno))
    status = rpc_status.from_call(err)
    info = error_details_pb2.ErrorInfo()
    assert any(d.Unpack(info) for d in status.details)
    assert info.metadata["err_msg"] == f"就诊凭证[02:{other.certno}]与人员[欧***]不符"  # the certno is what it sent
    assert person.psn_name not in status.message and other.certno in status.message
