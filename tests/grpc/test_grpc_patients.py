"""PatientService end to end: the server `his serve` runs (real store, SQLite or PostgreSQL, the
in-memory simulator answering 1101), called over a channel by operators of several roles."""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlalchemy import func, select

from adapters.db.patient_tables import patient_identifiers, patient_revisions, patients
from adapters.yb_sim.demo_data import make_certno
from adapters.yb_sim.platform import SimulatorPlatform
from domain.patients import id_card_check_digit
from his.v1 import patients_pb2 as pb
from his.v1 import patients_pb2_grpc
from services.bootstrap import bootstrap
from services.grpc import mappers
from services.settings import OperatorToken, Settings

ROLES = ("registrar", "doctor", "insurance_office", "cashier")
ID, ECERT, SSC, VISIT = pb.ID_CARD, pb.YB_ECERT, pb.SOCIAL_SECURITY_CARD, pb.VISIT_CARD
RESIDENT_ID = make_certno("420106", date(2001, 2, 28), "1")  # the simulator's 测试居民丙, 社保卡 H42010603
_random = random.Random()


def id_number() -> str:
    born = date(1950, 1, 1) + timedelta(days=_random.randrange(20000))
    first17 = f"4301{_random.randrange(10, 99)}{born:%Y%m%d}{_random.randrange(1000):03d}"
    return first17 + id_card_check_digit(first17)


def phone() -> str:
    return f"137{_random.randrange(10 ** 8):08d}"


def card() -> str:
    return f"K{_random.randrange(10 ** 12):012d}"


@pytest.fixture(scope="module")
def stack(database_url):
    operators = [OperatorToken(token=f"tok-{role}", code=f"P{i}", name=f"{role} 乙", role=role)
                 for i, role in enumerate(ROLES)]
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=SimulatorPlatform())
    server, port = app.server(address="127.0.0.1:0", max_workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield app, patients_pb2_grpc.PatientServiceStub(channel)
    channel.close()
    server.stop(None)
    app.close()


@pytest.fixture
def api(stack):
    return stack[1]


def call(api, method: str, role: str = "registrar", **request):
    stub = getattr(api, method)
    message = getattr(pb, method + "Request")
    return stub(message(**request), metadata=(("authorization", f"Bearer tok-{role}"),))


def refused(api, method: str, role: str = "registrar", **request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(api, method, role, **request)
    return caught.value


def bad_fields(err: grpc.RpcError) -> list[str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err.details()
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(err).details[0].Unpack(bad)
    return [v.field for v in bad.field_violations]


def register(api, *identifiers, name="孙七", role="registrar", **more) -> pb.Patient:
    fields = {"name": name, "phone": phone(), "address": "湖北省武汉市青山区和平大道8号", **more}
    return call(api, "RegisterPatient", role, patient=pb.PatientInput(
        identifiers=[pb.PatientIdentifier(kind=k, value=v) for k, v in identifiers], **fields),
        reveal_identity=True).patient


def test_identity_is_masked_unless_revealed_and_only_roles_with_the_permission_may_reveal(api):
    number = id_number()
    p = register(api, (ID, number), (VISIT, card()))
    assert (p.identifiers[0].value, p.identity_masked) == (number, False)
    for role in ("registrar", "doctor", "cashier"):
        shown = call(api, "GetPatient", role, patient_id=p.id).patient
        assert shown.identity_masked and shown.name == "孙七" and shown.birth_date == p.birth_date
        assert shown.identifiers[0].value == number[:6] + "*" * 10 + number[-2:]
        assert shown.phone == p.phone[:3] + "****" + p.phone[-4:] and "和平大道" not in shown.address
    for role in ("registrar", "insurance_office"):
        shown = call(api, "GetPatient", role, patient_id=p.id, reveal_identity=True).patient
        assert (shown.identifiers[0].value, shown.phone, shown.address) == (number, p.phone, p.address)
    for role in ("doctor", "cashier"):
        err = refused(api, "GetPatient", role, patient_id=p.id, reveal_identity=True)
        assert err.code() is grpc.StatusCode.PERMISSION_DENIED and "patient.identity.read" in err.details()
        assert number not in err.details()
    history = call(api, "GetPatientHistory", "doctor", patient_id=p.id).revisions
    assert [r.action for r in history] == ["REGISTERED"] and history[0].patient.identity_masked
    assert number not in str(history)
    err = refused(api, "RegisterPatient", "doctor", patient=pb.PatientInput(name="周八", gender="1"))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED


def test_found_by_each_identifier_kind_and_by_name_birth_date_and_phone(api):
    ids = [(ID, id_number()), (ECERT, "E" + card()), (SSC, "S" + card()), (VISIT, card())]
    p = register(api, *ids, name="吴九")
    for kind, value in ids:
        found = call(api, "FindPatients", "doctor", identifier=pb.PatientIdentifier(kind=kind, value=value))
        assert [f.id for f in found.patients] == [p.id]
    nobody = call(api, "FindPatients", identifier=pb.PatientIdentifier(kind=VISIT, value=card()))
    assert list(nobody.patients) == []
    found = call(api, "FindPatients", name="吴九", birth_date=p.birth_date, phone=p.phone)
    assert [f.id for f in found.patients] == [p.id]
    assert list(call(api, "FindPatients", name="吴九", birth_date=p.birth_date, phone=phone()).patients) == []
    assert bad_fields(refused(api, "FindPatients", name="吴九", phone=p.phone)) == ["birth_date"]
    assert bad_fields(refused(api, "FindPatients", identifier=pb.PatientIdentifier(kind=ID, value="123"))) == [
        "identifier.value"]


def test_listing_by_name_prefix_pages_with_tokens(api):
    family = "郑" + card()[-5:]
    made = sorted(register(api, name=f"{family}{n}", gender="2").id for n in range(3))
    seen, token = [], ""
    while True:
        page = call(api, "FindPatients", "cashier", name=family, page_size=2, page_token=token)
        seen += [p.id for p in page.patients]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == made
    first = call(api, "FindPatients", "cashier", name=family, page_size=1)
    assert bad_fields(refused(api, "FindPatients", "cashier", name="别人", page_token=first.next_page_token)) == [
        "page_token"]


def test_a_merge_is_refused_to_a_registrar_and_done_by_the_insurance_office(api):
    old_card = card()
    survivor = register(api, (ID, id_number()), name="冯十")
    duplicate = register(api, (VISIT, old_card), name="冯十", gender="1")
    err = refused(api, "MergePatients", "registrar", survivor_id=survivor.id, merged_id=duplicate.id)
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED
    merged = call(api, "MergePatients", "insurance_office", survivor_id=survivor.id, merged_id=duplicate.id,
                  reason="重复建档", request_id="merge-" + old_card).patient
    assert merged.id == survivor.id and len(merged.identifiers) == 2
    assert call(api, "GetPatient", "doctor", patient_id=duplicate.id).patient.id == survivor.id
    found = call(api, "FindPatients", identifier=pb.PatientIdentifier(kind=VISIT, value=old_card))
    assert [p.id for p in found.patients] == [survivor.id]
    history = call(api, "GetPatientHistory", "doctor", patient_id=duplicate.id).revisions
    assert [(r.action, r.detail) for r in history] == [("REGISTERED", ""),
                                                       ("MERGED_INTO", f"{survivor.id} (重复建档)")]
    err = refused(api, "MergePatients", "insurance_office", survivor_id=duplicate.id, merged_id=survivor.id)
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION  # no cycle


def test_insurance_read_with_1101_is_cached_with_its_read_time(stack, api):
    app, _ = stack
    before = app.clock.now()
    p = call(api, "ReadInsurance", mdtrt_cert_type="02", mdtrt_cert_no=RESIDENT_ID, reveal_identity=True).patient
    after = app.clock.now()
    read_at = mappers.from_timestamp(p.insurance.read_at, mappers.zone_of("Asia/Shanghai"))
    assert before <= read_at <= after
    assert (p.insurance.psn_no, list(p.insurance.insutypes), p.self_pay) == ("42010620000000000003", ["390"], False)
    assert p.name == "测试居民丙" and p.identifiers[0].value == RESIDENT_ID
    cached = call(api, "GetPatient", "doctor", patient_id=p.id).patient
    assert cached.insurance == p.insurance  # read once, kept with its time
    again = call(api, "ReadInsurance", mdtrt_cert_type="03", mdtrt_cert_no="H42010603", patient_id=p.id).patient
    assert again.id == p.id and again.insurance.read_at.ToDatetime() >= p.insurance.read_at.ToDatetime()
    err = refused(api, "ReadInsurance", mdtrt_cert_type="02", mdtrt_cert_no=id_number())  # not insured
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION


def test_a_self_pay_patient_is_registered_updated_and_found_like_anyone(api):
    p = register(api, (VISIT, card()), name="陈十一", gender="2", birth_date="1990-04-01")
    assert p.self_pay and not p.HasField("insurance")
    new_phone = phone()
    changed = call(api, "UpdatePatient", patient_id=p.id, expected_version=p.version, reveal_identity=True,
                   patient=pb.PatientInput(phone=new_phone), update_mask=FieldMask(paths=["phone"])).patient
    assert (changed.phone, changed.version) == (new_phone, 2)
    err = refused(api, "UpdatePatient", patient_id=p.id, expected_version=1, patient=pb.PatientInput(name="陈"),
                  update_mask=FieldMask(paths=["name"]))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert bad_fields(refused(api, "UpdatePatient", patient_id=p.id, patient=pb.PatientInput(phone="12"),
                              update_mask=FieldMask(paths=["phone"]))) == ["patient.phone"]


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (patients, patient_identifiers, patient_revisions))


def test_bad_input_is_named_by_field_path_and_nothing_is_stored(api, engine):
    before = _counts(engine)
    err = refused(api, "RegisterPatient", patient=pb.PatientInput(
        name="", gender="1", phone="555", birth_date="1990-02-30",
        identifiers=[pb.PatientIdentifier(kind=ID, value="110105194912310021"),
                     pb.PatientIdentifier(value="x")]))
    assert bad_fields(err) == ["patient.birth_date", "patient.identifiers[1].kind"]
    err = refused(api, "RegisterPatient", patient=pb.PatientInput(
        name="", gender="1", phone="555", identifiers=[pb.PatientIdentifier(kind=ID, value="110105194912310021")]))
    assert bad_fields(err) == ["patient.name", "patient.phone", "patient.identifiers[0].value"]
    assert "110105194912310021" not in err.details()  # only what the caller sent could be echoed: nothing is
    assert bad_fields(refused(api, "GetPatient", patient_id="")) == ["patient_id"]
    assert bad_fields(refused(api, "MergePatients", "insurance_office", survivor_id="a")) == ["merged_id"]
    assert _counts(engine) == before


def test_one_record_per_person_and_one_effect_per_request_id(api, engine):
    number = id_number()
    request = pb.PatientInput(name="褚十二", phone=phone(), identifiers=[pb.PatientIdentifier(kind=ID, value=number)])
    first = call(api, "RegisterPatient", patient=request, request_id="reg-" + number).patient
    before = _counts(engine)
    again = call(api, "RegisterPatient", patient=request, request_id="reg-" + number).patient
    assert again == first and _counts(engine) == before
    err = refused(api, "RegisterPatient", patient=request, request_id="reg2-" + number)
    assert err.code() is grpc.StatusCode.ALREADY_EXISTS
    info = error_details_pb2.ResourceInfo()
    assert rpc_status.from_call(err).details[0].Unpack(info)
    assert (info.resource_type, info.resource_name) == ("patient", first.id)
    assert number not in err.details()


def test_the_database_rows_hold_no_clear_identity_number_or_phone(api, engine):
    number, mobile, visit = id_number(), phone(), card()
    p = register(api, (ID, number), (VISIT, visit), phone=mobile)
    with engine.connect() as conn:
        rows = [*conn.execute(select(patients).where(patients.c.id == p.id)),
                *conn.execute(select(patient_identifiers).where(patient_identifiers.c.patient_id == p.id)),
                *conn.execute(select(patient_revisions).where(patient_revisions.c.patient_id == p.id))]
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)
    assert rows and p.name.encode() in stored
    for secret in (number, mobile, visit, mobile[3:], "和平大道"):
        assert secret.encode() not in stored
