"""The master data on the database (SQLite and PostgreSQL): versions appended, the generation every
process's cache asks, the demo file loaded at start, departments uploaded to the simulator."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from adapters.db.hospital_store import SqlMasterDataStore
from adapters.yb_sim.handlers.institution_admin import department as sim_department
from domain.errors import ConcurrencyConflict, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import Clinic, Department, PriceLine, RegistrationType, StaffKind, StaffMember
from domain.operator import Operator
from ports.hospital import StoredVersion
from services.hospital import CachedHospitalDirectory, demo_file

ADMIN = Operator(code="ADM1", name="管理员", role="admin")
R = RegistrationType


def _code(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:8].upper()


def _dept(code: str, **more) -> Department:
    return Department(code, "测试科" + code[-4:], "A03", "Y" + code, itro="测试科室", dept_resper_name="王建国",
                      dept_resper_tel="027-86000301", begntime=date(2024, 1, 1), dept_estbdat=date(2020, 5, 1),
                      aprv_bed_cnt=10, poolarea_no="420100", **more)


def test_versions_append_and_the_generation_moves(engine):
    store = SqlMasterDataStore(engine)
    code, now = _code("S"), datetime(2026, 3, 2, 9, 30)
    before = store.generation()
    first = StoredVersion("clinic", code, 1, now, "ADM1", "新开", False, {"code": code, "name": "一", "dept_code": "D"})
    assert store.append([first]) == before + 1
    with pytest.raises(ConcurrencyConflict):
        store.append([replace(first, data={"code": code, "name": "二", "dept_code": "D"})])  # version 1 again
    store.append([replace(first, version=2, retired=True, reason="撤")])
    assert [(v.version, v.retired, v.data["name"]) for v in store.history("clinic", code)] == [
        (1, False, "一"), (2, True, "一")]
    generation, current = store.current()
    assert generation == store.generation() == before + 2
    assert [(v.version, v.retired) for v in current if v.code == code] == [(2, True)]
    assert store.latest("clinic", code).reason == "撤" and store.latest("clinic", "nope") is None


def test_another_server_on_the_database_sees_a_change(app, engine):
    dept, clinic = _code("D"), _code("C")
    app.hospital_admin.create(_dept(dept), ADMIN, "新设")
    app.hospital_admin.create(Clinic(clinic, "一诊室", dept), ADMIN, "新开")
    other = CachedHospitalDirectory(SqlMasterDataStore(engine), check_every=0)  # another process, asks every time
    assert other.clinic(clinic).name == "一诊室"
    app.hospital_admin.update(Clinic(clinic, "一号诊室", dept), ADMIN, "更名")
    assert other.clinic(clinic).name == "一号诊室"
    assert app.hospital_directory.clinic(clinic).name == "一号诊室"  # this one's own change: at once
    app.hospital_admin.retire("clinic", clinic, ADMIN, "撤销")
    with pytest.raises(NotFound):
        other.clinic(clinic)
    assert [v.revision.version for v in app.hospital_admin.history("clinic", clinic)] == [1, 2, 3]


def test_a_refused_change_writes_nothing(app):
    dept = _code("D")
    app.hospital_admin.create(_dept(dept), ADMIN, "新设")
    generation = app.container.hospital_store().generation()
    with pytest.raises(ValidationFailed) as caught:
        app.hospital_admin.update(replace(_dept(dept), caty="内科"), ADMIN, "改")
    assert [v.field for v in caught.value.violations] == ["caty"]
    assert app.container.hospital_store().generation() == generation
    assert len(app.hospital_admin.history("department", dept)) == 1


def test_the_demo_file_loads_once_and_answers_each_registration_type(app):
    app.load_hospital_data(str(demo_file()))
    again = app.load_hospital_data(str(demo_file()))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 55)  # 6 + 8 + 10 + 8 + 23 records, as they were
    fee = lambda *args: [str(f.amount) for f in app.hospital_directory.registration_fee(*args)]  # noqa: E731
    assert fee(R.ORDINARY, "NK02") == ["1.00", "10.00"]
    assert fee(R.EXPERT, "XNK01", "DR004") == ["1.00", "35.00"]
    assert fee(R.EXPERT, "EK01", "DR006") == ["1.00", "20.00"]
    assert fee(R.EMERGENCY, "JZ02") == ["1.00", "15.00"]
    assert app.hospital_directory.staff("DR004").yb_code == "D420106000004"


def test_a_department_goes_to_the_platform_changes_and_is_revoked(app):
    dept, clinic = _code("D"), _code("C")
    admin = app.hospital_admin
    admin.create(_dept(dept), ADMIN, "新设")
    admin.create(Clinic(clinic, "一诊室", dept), ADMIN, "新开")
    admin.create(StaffMember(_code("S"), "王", StaffKind.DOCTOR, "医师", "D" + str(uuid.uuid4().int)[:12], (clinic,)), ADMIN, "入职")
    admin.create(StaffMember(_code("S"), "吴", StaffKind.NURSE, "护士", "N" + str(uuid.uuid4().int)[:12], (clinic,)), ADMIN, "入职")
    state = app.sim._state
    done = admin.upload_department(ADMIN, dept)
    assert (done.infno, done.state) == ("3401", "UPLOADED") and done.msgid
    on_platform = sim_department(state, "Y" + dept)
    assert (on_platform["hosp_dept_name"], on_platform["caty"], on_platform["dr_psncnt"],
            on_platform["nurs_psncnt"], on_platform["begntime"]) == (_dept(dept).name, "A03", 1, 1, "2024-01-01 00:00:00")
    with pytest.raises(IllegalTransition, match="3402"):
        admin.upload_department(ADMIN, dept, "3401")
    admin.update(replace(_dept(dept), name="心内二科"), ADMIN, "更名")
    assert admin.upload_department(ADMIN, dept).infno == "3402"
    assert sim_department(state, "Y" + dept)["hosp_dept_name"] == "心内二科"
    revoked = admin.upload_department(ADMIN, dept, "3403")
    assert (revoked.infno, revoked.state) == ("3403", "REVOKED") and sim_department(state, "Y" + dept)["revoked"]
    with pytest.raises(IllegalTransition):
        admin.upload_department(ADMIN, dept, "3402")
    assert admin.department_upload(dept).infno == "3403"


def test_a_department_missing_what_3401_needs_is_refused_unsent(app):
    dept = _code("D")
    app.hospital_admin.create(Department(dept, "无简介科", "A04", "Y" + dept), ADMIN, "新设")
    with pytest.raises(ValidationFailed) as caught:
        app.hospital_admin.upload_department(ADMIN, dept)
    assert {v.field for v in caught.value.violations} == {"code"}
    assert "itro" in str(caught.value) and "begntime" in str(caught.value)
    assert sim_department(app.sim._state, "Y" + dept) is None
    assert app.hospital_admin.department_upload(dept) is None


def test_a_price_line_for_a_clinic_overrides_the_hospital_s(app):
    dept, clinic = _code("D"), _code("C")
    app.hospital_admin.create(_dept(dept), ADMIN, "新设")
    app.hospital_admin.create(Clinic(clinic, "一诊室", dept), ADMIN, "新开")
    line = PriceLine(_code("P"), R.EMERGENCY, "ZC004", "急诊诊查费", "001102000010000", Decimal("18.00"),
                     clinic_code=clinic, seq=2)
    app.hospital_admin.create(line, ADMIN, "调价")
    app.load_hospital_data(str(demo_file()))  # the hospital-wide 急诊 lines
    assert [str(f.amount) for f in app.hospital_directory.registration_fee(R.EMERGENCY, clinic)] == ["1.00", "18.00"]


def test_his_hospital_load(database_url, tmp_path, capsys):
    from services.cli import main

    assert main(["hospital", "load", str(demo_file()), "--database-url", database_url]) == 0
    capsys.readouterr()  # the first load creates whatever the database lacked
    assert main(["hospital", "load", str(demo_file()), "--database-url", database_url]) == 0
    assert "0 created, 0 updated, 55 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"clinics": [{"code": "X1", "name": "x", "dept_code": "NOPE"}]}', encoding="utf-8")
    assert main(["hospital", "load", str(bad), "--database-url", database_url]) == 1
    assert "clinics[0].dept_code: no department 'NOPE' in force" in capsys.readouterr().err
