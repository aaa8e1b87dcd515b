"""AdminService end to end: the server `his serve` runs, on the test database, with the simulator as the
platform: records created, changed, retired and read back with their history; prices asked; bad
input named by the request's paths with nothing changed; roles; request_id; a department uploaded;
charge items and their 目录对照 (3301/3302)."""
from __future__ import annotations

import uuid

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.handlers.institution_admin import department as sim_department, mapped_codes
from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import admin_pb2 as pb
from his.v1 import admin_pb2_grpc
from services.bootstrap import bootstrap
from services.settings import OperatorToken, Settings

ROLES = ("admin", "viewer", "insurance_office", "doctor")


@pytest.fixture(scope="module")
def served(database_url):
    operators = [OperatorToken(token=f"tok-{role}", code=f"OP{i}", name=f"{role} 甲", role=role)
                 for i, role in enumerate(ROLES)]
    sim = SimulatorPlatform()
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=sim)
    server, port = app.server(address="127.0.0.1:0", max_workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield admin_pb2_grpc.AdminServiceStub(channel), sim
    channel.close()
    server.stop(None)
    app.close()


@pytest.fixture
def api(served):
    return served[0]


def as_(role: str):
    return (("authorization", f"Bearer tok-{role}"),)


def _code(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:8].upper()


def _national(letter: str) -> str:
    """A national 医保 医师/护士 code no other test uses (each names one staff member)."""
    return letter + str(uuid.uuid4().int)[:12]


def _dept(code: str, **more) -> pb.Department:
    fields = dict(code=code, name="测试科", caty="A03.04", yb_dept_code="Y" + code, itro="心血管病诊治",
                  dept_resper_name="陈卫", dept_resper_tel="027-86000304", begntime="2024-01-01",
                  dept_estbdat="2005-06-01", aprv_bed_cnt=30, poolarea_no="420100")
    return pb.Department(**{**fields, **more})


def _refusal(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


def _bad_fields(err: grpc.RpcError) -> list[str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err.details()
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(err).details[0].Unpack(bad)
    return [v.field for v in bad.field_violations]


@pytest.fixture
def hospital(api):
    """A department with a clinic, an expert doctor and the clinic's 专家 prices, made through the API."""
    dept, clinic, doctor = _code("D"), _code("C"), _code("S")
    api.CreateDepartment(pb.CreateDepartmentRequest(department=_dept(dept), reason="新设"), metadata=as_("admin"))
    api.CreateClinic(pb.CreateClinicRequest(clinic=pb.Clinic(code=clinic, name="专家诊室", dept_code=dept,
                                                              registers_separately=True), reason="新开"),
                     metadata=as_("admin"))
    api.CreateStaff(pb.CreateStaffRequest(staff=pb.StaffMember(
        code=doctor, name="陈卫", kind=pb.STAFF_KIND_DOCTOR, title="主任医师", yb_code=_national("D"),
        clinic_codes=[clinic]), reason="入职"), metadata=as_("admin"))
    for code, item, name, price, title in (("GH", "GH001", "门诊挂号费", "1.00", ""),
                                           ("ZC", "ZC002", "专家门诊诊查费", "35.5", "主任医师")):
        api.CreatePriceLine(pb.CreatePriceLineRequest(price_line=pb.PriceLine(
            code=_code(code), registration_type=pb.REGISTRATION_TYPE_EXPERT, item_code=item, item_name=name,
            national_code="001102000010000", unit_price=price, clinic_code=clinic, doctor_title=title,
            seq=1 if code == "GH" else 2), reason="定价"), metadata=as_("admin"))
    return dept, clinic, doctor


def test_a_round_trip_of_records_prices_and_history(api, hospital):
    dept, clinic, doctor = hospital
    fee = api.GetRegistrationFee(pb.GetRegistrationFeeRequest(
        registration_type=pb.REGISTRATION_TYPE_EXPERT, clinic_code=clinic, doctor_code=doctor), metadata=as_("doctor"))
    assert [(f.item_name, f.unit_price, f.quantity, f.amount) for f in fee.lines] == [
        ("门诊挂号费", "1.000000", "1.0000", "1.00"), ("专家门诊诊查费", "35.500000", "1.0000", "35.50")]
    assert fee.total == "36.50"
    changed = api.UpdateDepartment(pb.UpdateDepartmentRequest(department=_dept(dept, name="心内二科"), reason="更名",
                                                              expected_version=1), metadata=as_("admin")).department
    assert (changed.name, changed.revision.version, changed.revision.changed_by) == ("心内二科", 2, "OP0")
    history = api.GetHistory(pb.GetHistoryRequest(kind=pb.RECORD_KIND_DEPARTMENT, code=dept),
                             metadata=as_("viewer")).versions
    assert [(v.department.name, v.department.revision.version, v.department.revision.reason) for v in history] == [
        ("测试科", 1, "新设"), ("心内二科", 2, "更名")]
    assert history[1].department.begntime == "2024-01-01" and history[1].department.caty == "A03.04"
    clinics = api.ListClinics(pb.ListClinicsRequest(dept_code=dept), metadata=as_("viewer")).clinics
    assert [(c.code, c.registers_separately) for c in clinics] == [(clinic, True)]
    staff = api.ListStaff(pb.ListStaffRequest(clinic_code=clinic), metadata=as_("viewer")).staff
    assert [(s.code, s.kind, s.yb_code[0], list(s.clinic_codes)) for s in staff] == [
        (doctor, pb.STAFF_KIND_DOCTOR, "D", [clinic])]


def test_retire_hides_a_record_and_keeps_its_history(api, hospital):
    dept, clinic, doctor = hospital
    err = _refusal(api.RetireClinic, pb.RetireRequest(code=clinic, reason="撤"), metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION and "staff" in err.details()  # the doctor works there
    retired = api.RetireStaff(pb.RetireRequest(code=doctor, reason="离职"), metadata=as_("admin")).staff
    assert retired.revision.retired and retired.revision.version == 2
    err = _refusal(api.GetRegistrationFee, pb.GetRegistrationFeeRequest(
        registration_type=pb.REGISTRATION_TYPE_EXPERT, clinic_code=clinic, doctor_code=doctor), metadata=as_("doctor"))
    assert err.code() is grpc.StatusCode.NOT_FOUND
    listed = api.ListStaff(pb.ListStaffRequest(clinic_code=clinic), metadata=as_("viewer")).staff
    assert listed == []
    listed = api.ListStaff(pb.ListStaffRequest(clinic_code=clinic, include_retired=True), metadata=as_("viewer")).staff
    assert [s.revision.retired for s in listed] == [True]


def test_bad_input_is_named_by_the_request_s_paths_and_changes_nothing(api, hospital):
    dept, clinic, _ = hospital
    code = _code("S")
    err = _refusal(api.CreateStaff, pb.CreateStaffRequest(staff=pb.StaffMember(
        code=code, name="李", kind=pb.STAFF_KIND_NURSE, title="主任医师", yb_code="D420106000001",
        clinic_codes=[clinic]), reason=""), metadata=as_("admin"))
    assert _bad_fields(err) == ["staff.title", "staff.yb_code", "reason"]
    err = _refusal(api.CreateStaff, pb.CreateStaffRequest(staff=pb.StaffMember(
        code=code, name="李", kind=pb.STAFF_KIND_NURSE, title="护士", yb_code=_national("N"),
        clinic_codes=[clinic, "NOPE"]), reason="入职"), metadata=as_("admin"))
    assert _bad_fields(err) == ["staff.clinic_codes[1]"]
    err = _refusal(api.CreatePriceLine, pb.CreatePriceLineRequest(price_line=pb.PriceLine(
        code=_code("P"), item_code="X", item_name="x", national_code="1", unit_price="1e2"), reason="x"),
        metadata=as_("admin"))
    assert _bad_fields(err) == ["price_line.registration_type", "price_line.unit_price"]
    err = _refusal(api.UpdateDepartment, pb.UpdateDepartmentRequest(department=_dept(dept, begntime="2024-13-01"),
                                                                    reason="x"), metadata=as_("admin"))
    assert _bad_fields(err) == ["department.begntime"]
    assert api.ListStaff(pb.ListStaffRequest(clinic_code=clinic), metadata=as_("viewer")).staff[0].code != code
    history = api.GetHistory(pb.GetHistoryRequest(kind=pb.RECORD_KIND_DEPARTMENT, code=dept), metadata=as_("admin"))
    assert len(history.versions) == 1
    err = _refusal(api.GetHistory, pb.GetHistoryRequest(code=dept), metadata=as_("admin"))
    assert _bad_fields(err) == ["kind"]


def test_a_stale_version_is_aborted(api, hospital):
    dept, _, _ = hospital
    api.UpdateDepartment(pb.UpdateDepartmentRequest(department=_dept(dept, memo="一"), reason="备注"),
                         metadata=as_("admin"))
    err = _refusal(api.UpdateDepartment, pb.UpdateDepartmentRequest(department=_dept(dept, memo="二"), reason="备注",
                                                                    expected_version=1), metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.ABORTED


def test_roles(api, hospital):
    dept, _, _ = hospital
    err = _refusal(api.CreateDepartment, pb.CreateDepartmentRequest(department=_dept(_code("D")), reason="x"),
                   metadata=as_("viewer"))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED
    err = _refusal(api.UploadDepartment, pb.UploadDepartmentRequest(code=dept), metadata=as_("doctor"))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED
    assert dept in [d.code for d in api.ListDepartments(pb.ListDepartmentsRequest(), metadata=as_("doctor")).departments]


def test_a_request_id_acts_once(api, hospital):
    dept, _, _ = hospital
    request = pb.CreateClinicRequest(clinic=pb.Clinic(code=_code("C"), name="二诊室", dept_code=dept), reason="新开",
                                     request_id=str(uuid.uuid4()))
    first = api.CreateClinic(request, metadata=as_("admin"))
    assert api.CreateClinic(request, metadata=as_("admin")) == first
    history = api.GetHistory(pb.GetHistoryRequest(kind=pb.RECORD_KIND_CLINIC, code=request.clinic.code),
                             metadata=as_("admin"))
    assert len(history.versions) == 1


def test_upload_department_over_the_simulator(served, hospital):
    api, sim = served
    dept, _, _ = hospital
    done = api.UploadDepartment(pb.UploadDepartmentRequest(code=dept), metadata=as_("insurance_office"))
    assert (done.infno, done.state) == ("3401", "UPLOADED") and done.msgid
    assert sim_department(sim._state, "Y" + dept)["dr_psncnt"] == 1
    changed = api.UploadDepartment(pb.UploadDepartmentRequest(code=dept), metadata=as_("admin"))
    assert changed.infno == "3402"
    revoked = api.UploadDepartment(pb.UploadDepartmentRequest(code=dept, action=pb.UPLOAD_ACTION_REVOKE),
                                   metadata=as_("admin"))
    assert (revoked.infno, revoked.state) == ("3403", "REVOKED")
    assert sim_department(sim._state, "Y" + dept)["revoked"]
    err = _refusal(api.UploadDepartment, pb.UploadDepartmentRequest(code=dept, action=pb.UPLOAD_ACTION_CHANGE),
                   metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION
    err = _refusal(api.UploadDepartment, pb.UploadDepartmentRequest(code="NOPE"), metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.NOT_FOUND


def _charge_item(code: str, **more) -> pb.ChargeItem:
    fields = dict(code=code, name="CT增强扫描(每部位)", national_code="210300002000000", list_type="201",
                  unit_price="300", prcunt="部位")
    return pb.ChargeItem(**{**fields, **more})


def test_charge_items_round_trip_with_their_history(api):
    code = _code("JC-CT-")
    made = api.CreateChargeItem(pb.CreateChargeItemRequest(charge_item=_charge_item(code), reason="新增"),
                                metadata=as_("admin")).charge_item
    assert (made.unit_price, made.begndate, made.revision.version) == ("300.000000", "", 1)
    api.UpdateChargeItem(pb.UpdateChargeItemRequest(charge_item=_charge_item(code, unit_price="320.50",
                                                                              begndate="2026-01-01"),
                                                    reason="调价", expected_version=1), metadata=as_("admin"))
    listed = {c.code: c for c in api.ListChargeItems(pb.ListChargeItemsRequest(),
                                                     metadata=as_("doctor")).charge_items}
    assert (listed[code].unit_price, listed[code].begndate, listed[code].mapping.state,
            listed[code].mapping.current) == ("320.500000", "2026-01-01", "NOT_UPLOADED", False)
    history = api.GetHistory(pb.GetHistoryRequest(kind=pb.RECORD_KIND_CHARGE_ITEM, code=code),
                             metadata=as_("viewer")).versions
    assert [(v.charge_item.unit_price, v.charge_item.revision.reason) for v in history] == [
        ("300.000000", "新增"), ("320.500000", "调价")]
    err = _refusal(api.CreateChargeItem, pb.CreateChargeItemRequest(
        charge_item=_charge_item(_code("X"), list_type="105", unit_price="1e2", begndate="2026-02-30"), reason="x"),
        metadata=as_("admin"))
    assert _bad_fields(err) == ["charge_item.unit_price", "charge_item.begndate"]
    err = _refusal(api.CreateChargeItem, pb.CreateChargeItemRequest(
        charge_item=_charge_item("CT 01", list_type="105", national_code=""), reason=""), metadata=as_("admin"))
    assert _bad_fields(err) == ["charge_item.code", "charge_item.national_code", "charge_item.list_type", "reason"]
    err = _refusal(api.CreateChargeItem, pb.CreateChargeItemRequest(charge_item=_charge_item("A" * 31), reason="x"),
                   metadata=as_("admin"))
    assert _bad_fields(err) == ["charge_item.code"]
    longest = _code("JC-").ljust(30, "9")  # 3301's fixmedins_hilist_id holds 30
    assert api.CreateChargeItem(pb.CreateChargeItemRequest(charge_item=_charge_item(longest), reason="新增"),
                                metadata=as_("admin")).charge_item.code == longest
    err = _refusal(api.CreateChargeItem, pb.CreateChargeItemRequest(charge_item=_charge_item(_code("X")), reason="x"),
                   metadata=as_("doctor"))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED
    retired = api.RetireChargeItem(pb.RetireRequest(code=code, reason="停用"), metadata=as_("admin")).charge_item
    assert retired.revision.retired
    assert code not in [c.code for c in api.ListChargeItems(pb.ListChargeItemsRequest(),
                                                            metadata=as_("viewer")).charge_items]


def test_charge_item_mappings_go_to_the_simulator_and_show_in_the_list(served):
    api, sim = served
    code, other = _code("JC-MR-"), _code("CL-FL-")
    api.CreateChargeItem(pb.CreateChargeItemRequest(charge_item=_charge_item(code), reason="新增"),
                         metadata=as_("admin"))
    api.CreateChargeItem(pb.CreateChargeItemRequest(charge_item=_charge_item(
        other, name="医用X射线胶片", national_code="C07020101", list_type="301", prcunt="张"), reason="新增"),
        metadata=as_("admin"))
    err = _refusal(api.UploadChargeItemMappings, pb.UploadChargeItemMappingsRequest(codes=[code]),
                   metadata=as_("doctor"))
    assert err.code() is grpc.StatusCode.PERMISSION_DENIED
    done = api.UploadChargeItemMappings(pb.UploadChargeItemMappingsRequest(codes=[code, other],
                                                                           request_id=str(uuid.uuid4())),
                                        metadata=as_("insurance_office")).items
    assert [(d.code, list(d.infnos), d.mapping.state, d.mapping.current) for d in done] == [
        (code, ["3301"], "UPLOADED", True), (other, ["3301"], "UPLOADED", True)]
    assert mapped_codes(sim._state, other) == {"C07020101"}

    api.UpdateChargeItem(pb.UpdateChargeItemRequest(charge_item=_charge_item(code, national_code="210300001000000"),
                                                    reason="对照有误"), metadata=as_("admin"))
    stale = {c.code: c.mapping for c in api.ListChargeItems(pb.ListChargeItemsRequest(needs_upload=True),
                                                            metadata=as_("viewer")).charge_items}
    assert (stale[code].state, stale[code].national_code, stale[code].current) == (
        "UPLOADED", "210300002000000", False) and other not in stale
    [again] = api.UploadChargeItemMappings(pb.UploadChargeItemMappingsRequest(codes=[code]),
                                           metadata=as_("admin")).items
    assert list(again.infnos) == ["3302", "3301"] and again.mapping.national_code == "210300001000000"
    assert mapped_codes(sim._state, code) == {"210300001000000"}

    revoked = api.RevokeChargeItemMapping(pb.RevokeChargeItemMappingRequest(code=other), metadata=as_("admin"))
    assert revoked.mapping.state == "REVOKED" and revoked.mapping.msgid
    assert mapped_codes(sim._state, other) == set()
    err = _refusal(api.RevokeChargeItemMapping, pb.RevokeChargeItemMappingRequest(code=other), metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION  # revoked already: nothing sent
    err = _refusal(api.UploadChargeItemMappings, pb.UploadChargeItemMappingsRequest(codes=[code, "NOPE"]),
                   metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.NOT_FOUND and "NOPE" in err.details()
    err = _refusal(api.UploadChargeItemMappings, pb.UploadChargeItemMappingsRequest(codes=[code, code, ""]),
                   metadata=as_("admin"))
    assert _bad_fields(err) == ["codes[1]", "codes[2]"]
    api.RetireChargeItem(pb.RetireRequest(code=other, reason="停用"), metadata=as_("admin"))
    err = _refusal(api.UploadChargeItemMappings, pb.UploadChargeItemMappingsRequest(codes=[other]),
                   metadata=as_("admin"))
    assert err.code() is grpc.StatusCode.FAILED_PRECONDITION and "retired" in err.details()
    assert mapped_codes(sim._state, other) == set()
