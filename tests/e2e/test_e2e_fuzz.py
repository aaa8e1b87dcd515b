"""Every RPC driven with generated hostile requests, built from the proto descriptors, over a real
socket to the real stack: no answer is INTERNAL or UNKNOWN, a refused request (INVALID_ARGUMENT)
writes nothing, and the server stays healthy and keeps serving ordinary calls."""
from __future__ import annotations

import uuid

import grpc
import pytest
from google.protobuf import struct_pb2, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor as F
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from adapters.db import encounter_tables as et
from adapters.db import hospital_tables as ht
from adapters.db import patient_tables as pt
from adapters.db import prescription_tables as rxt
from adapters.db import inpatient_tables as ipt
from adapters.db import exam_message_tables as mt
from adapters.db import order_tables as ot
from adapters.db import queue_tables as qt
from adapters.db import tables as t
from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import (admin_pb2, audit_pb2, doctor_station_pb2, journal_pb2, outpatient_pb2, patients_pb2, platform_pb2,
                    queues_pb2, registration_pb2)
from his.v1 import inpatient_pb2, orders_pb2, prescriptions_pb2
from services.bootstrap import bootstrap
from services.hospital import demo_file
from services.settings import OperatorToken, Settings

WORKER = "42010620000000000001"
WORKER_CERTNO = "420106198005129910"
AUTH = (("authorization", "Bearer fuzz-admin"),)
SERVICES = [outpatient_pb2.DESCRIPTOR.services_by_name["OutpatientService"],
            journal_pb2.DESCRIPTOR.services_by_name["JournalService"],
            platform_pb2.DESCRIPTOR.services_by_name["PlatformService"],
            patients_pb2.DESCRIPTOR.services_by_name["PatientService"],
            registration_pb2.DESCRIPTOR.services_by_name["RegistrationService"],
            queues_pb2.DESCRIPTOR.services_by_name["QueueService"],
            admin_pb2.DESCRIPTOR.services_by_name["AdminService"],
            doctor_station_pb2.DESCRIPTOR.services_by_name["DoctorStationService"],
            audit_pb2.DESCRIPTOR.services_by_name["AuditService"],
            prescriptions_pb2.DESCRIPTOR.services_by_name["PrescriptionService"],
            orders_pb2.DESCRIPTOR.services_by_name["OrderService"],
            inpatient_pb2.DESCRIPTOR.services_by_name["InpatientService"]]
# WatchQueue streams until cancelled: driven by the queue tests, not here
METHODS = [(s, m) for s in SERVICES for m in s.methods if not m.server_streaming]
WATCHED = (t.visits, t.fee_items, t.settlements, t.diagnoses, t.journal, t.request_ids, t.persons,
           pt.patients, pt.patient_identifiers, et.encounters, et.encounter_payments, qt.queue_entries,
           qt.queue_events, ht.hospital_records, ht.hospital_item_mappings, rxt.prescriptions, ot.exam_requests,
           ot.exam_parts, ot.exam_tables, mt.exam_messages, et.encounter_charges, ipt.admission_orders,
           ipt.inpatient_stays, ipt.ward_beds, ipt.ward_waiting, ipt.inpatient_counters)
NASTY = ["", " ", "\x00", "a\x00b", "\x1b[31mred", "\u202eevil", "\u2066x\u2069", "\ufeff1", "1e309", "1E+2", "NaN",
         "-Infinity", "-0", "0x10", "1_000", "１２", "9" * 40, "9" * 5000, "x" * 100_001, "💊" * 30, "B1",
         "'; DROP TABLE visits;--", "../../../etc/passwd", "%s%n", "{\"data\":{}}", "[" * 2000, "2201a", "1101",
         "2026-02-30 25:61:61", "01", "310", WORKER, WORKER_CERTNO, '{"data":{"psn_no":"\\u0000"}}',
         '{"data":{"medfee_sumamt":1e309,"psn_no":1E+2}}', '{"feedetail":[' + '[' * 3000 + ']}',
         '{"data":' * 500 + '1' + '}' * 500, '{"data":{"exp_content":{"a":{"b":{"c":{"d":{}}}}}}}']
_NASTY = st.sampled_from(NASTY)


def text() -> st.SearchStrategy:
    # mostly the known-hostile values, some arbitrary text, some number-like text
    return st.one_of(_NASTY, _NASTY, _NASTY, st.text(max_size=40), st.text(alphabet="0123456789.-eE+", max_size=30))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), text()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text(), inner, max_size=3)),
    max_leaves=12)


def _struct(value) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    try:
        message.update(value if isinstance(value, dict) else {"data": value})
    except (ValueError, TypeError):
        pass
    return message


def _timestamp() -> st.SearchStrategy:
    return st.builds(lambda s, n: timestamp_pb2.Timestamp(seconds=s, nanos=n),
                     st.one_of(st.integers(-62_135_596_900, 253_402_300_900), st.sampled_from([0, 1_700_000_000])),
                     st.integers(0, 999_999_999))


def _scalar(fd) -> st.SearchStrategy:
    if fd.type == F.TYPE_STRING:
        return text()
    if fd.type == F.TYPE_BOOL:
        return st.booleans()
    if fd.type == F.TYPE_ENUM:
        return st.integers(-3, 12)  # names the enum has and numbers it does not
    if fd.type in (F.TYPE_INT32, F.TYPE_SINT32, F.TYPE_SFIXED32):
        return st.one_of(st.integers(-(2 ** 31), 2 ** 31 - 1), st.sampled_from([0, -1, 1, 500, 501]))
    if fd.type in (F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64):
        return st.one_of(st.integers(-(2 ** 63), 2 ** 63 - 1), st.sampled_from([0, -1, 1, 2]))
    if fd.type in (F.TYPE_UINT32, F.TYPE_UINT64, F.TYPE_FIXED32, F.TYPE_FIXED64):
        return st.integers(0, 2 ** 32 - 1)
    if fd.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        return st.floats(allow_nan=True)
    return st.binary(max_size=20)


def message_of(descriptor, cls, depth: int = 0) -> st.SearchStrategy:
    """Requests of `cls`: every field either left out or set to something hostile."""
    if descriptor.full_name == "google.protobuf.Timestamp":
        return _timestamp()
    if descriptor.full_name == "google.protobuf.Struct":
        return json_values.map(_struct)
    parts = {}
    for fd in descriptor.fields:
        if fd.type == F.TYPE_MESSAGE:
            if depth >= 2:
                continue
            inner = message_of(fd.message_type, None, depth + 1)
        else:
            inner = _scalar(fd)
        parts[fd.name] = st.one_of(st.none(), st.lists(inner, max_size=3) if fd.is_repeated else inner)

    def build(values):
        message = (cls or _class_of(descriptor))()
        for name, value in values.items():
            if value is None:
                continue
            fd = descriptor.fields_by_name[name]
            if fd.is_repeated:
                field = getattr(message, name)
                for item in value:
                    field.add().CopyFrom(item) if fd.type == F.TYPE_MESSAGE else field.append(item)
            elif fd.type == F.TYPE_MESSAGE:
                getattr(message, name).CopyFrom(value)
            else:
                setattr(message, name, value)  # within a oneof, the last one set wins
        return message
    return st.fixed_dictionaries(parts).map(build)


def _class_of(descriptor):
    from google.protobuf import message_factory
    return message_factory.GetMessageClass(descriptor)


@pytest.fixture(scope="module")
def served(database_url):
    settings = Settings(database_url=database_url, operators=[
        OperatorToken(token="fuzz-admin", code="F001", name="模糊测试", role="admin")])
    app = bootstrap(settings, platform=SimulatorPlatform())
    app.load_hospital_data(str(demo_file()))  # the demo hospital: generated requests may name its clinics and staff
    server, port = app.server(address="127.0.0.1:0", max_workers=4)  # every service, wired as `his serve` does
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    # one real visit, so generated requests may name something that exists
    call = _caller(channel, SERVICES[0].methods_by_name["ReadInsuredPerson"])
    call(outpatient_pb2.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO))
    register = _caller(channel, SERVICES[0].methods_by_name["RegisterVisit"])
    visit = register(outpatient_pb2.RegisterVisitRequest(
        psn_no=WORKER, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=WORKER_CERTNO,
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生",
        ipt_otp_no="MZFUZZ" + uuid.uuid4().hex[:12].upper())).visit
    yield app, channel, visit
    channel.close()
    server.stop(None)
    app.close()


def _caller(channel, method):
    request_cls, response_cls = _class_of(method.input_type), _class_of(method.output_type)
    rpc = channel.unary_unary(f"/{method.containing_service.full_name}/{method.name}",
                              request_serializer=request_cls.SerializeToString,
                              response_deserializer=response_cls.FromString)
    return lambda request: rpc(request, metadata=AUTH, timeout=30)


def _counts(app) -> tuple:
    with app.container.engine().connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(table)).scalar_one() for table in WATCHED)


@pytest.mark.parametrize("service, method", METHODS, ids=[f"{s.name}.{m.name}" for s, m in METHODS])
def test_hostile_requests_are_refused_cleanly(served, service, method):
    app, channel, visit = served
    call = _caller(channel, method)
    strategy = message_of(method.input_type, _class_of(method.input_type))
    # half the requests name the real visit, so the checks behind the lookups are reached too
    if "visit_id" in method.input_type.fields_by_name:
        strategy = st.one_of(strategy, strategy.map(lambda r: (r.__setattr__("visit_id", visit.id), r)[1]))

    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=strategy)
    def drive(request):
        before = _counts(app)
        try:
            call(request)
        except grpc.RpcError as err:
            assert err.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), (
                method.name, err.code(), err.details()[:300])
            assert err.code() is not grpc.StatusCode.RESOURCE_EXHAUSTED, (method.name, err.details()[:300])
            if err.code() is grpc.StatusCode.INVALID_ARGUMENT:
                assert _counts(app) == before, (method.name, err.details()[:300])

    drive()
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    again = _caller(channel, SERVICES[0].methods_by_name["GetVisit"])(outpatient_pb2.GetVisitRequest(visit_id=visit.id))
    assert again.visit.id == visit.id
