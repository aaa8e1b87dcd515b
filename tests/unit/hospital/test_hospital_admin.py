"""HospitalAdmin and the cached directory over a store in memory: versions, history, retire, refusals
that change nothing, and how fresh the cache of each process stays."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.errors import AlreadyExists, ConcurrencyConflict, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import Clinic, Department, PriceLine, RegistrationType, StaffKind, StaffMember
from services.hospital import CachedHospitalDirectory, HospitalAdmin

NK = Department("NK", "内科", "A03", "NK0001")
C1 = Clinic("C1", "一诊室", "NK")
DR = StaffMember("DR1", "王", StaffKind.DOCTOR, "主任医师", "D420106000001", ("C1",))
FEE = PriceLine("P1", RegistrationType.ORDINARY, "GH", "挂号费", "001101000010000", Decimal("1.00"), clinic_code="C1")


@pytest.fixture
def seeded(admin, admin_op):
    for record in (NK, C1, DR, FEE):
        admin.create(record, admin_op, "开业")
    return admin


def test_the_directory_answers_the_current_version_after_an_update(seeded, directory, admin_op, clock):
    assert directory.department("NK").name == "内科"
    clock.at = clock.at.replace(hour=10)
    done = seeded.update(replace(NK, name="大内科"), admin_op, "更名", expected_version=1)
    assert (done.revision.version, done.revision.changed_by, done.revision.reason) == (2, "ADM1", "更名")
    assert directory.department("NK").name == "大内科"  # this process's change: at once
    history = seeded.history("department", "NK")
    assert [(v.value.name, v.revision.version, v.revision.valid_from.hour) for v in history] == [
        ("内科", 1, 9), ("大内科", 2, 10)]


def test_an_update_of_an_older_version_is_refused(seeded, admin_op):
    seeded.update(replace(NK, name="大内科"), admin_op, "更名")
    with pytest.raises(ConcurrencyConflict):
        seeded.update(replace(NK, name="小内科"), admin_op, "更名", expected_version=1)
    assert seeded.get("department", "NK").value.name == "大内科"


def test_retire_keeps_the_history_and_the_directory_forgets(seeded, directory, admin_op):
    with pytest.raises(IllegalTransition, match="clinic C1"):
        seeded.retire("department", "NK", admin_op, "撤科")  # its clinic still names it
    seeded.retire("price_line", "P1", admin_op, "停用")
    with pytest.raises(NotFound):
        directory.registration_fee(RegistrationType.ORDINARY, "C1")
    seeded.retire("staff", "DR1", admin_op, "离职")
    with pytest.raises(NotFound):
        directory.staff("DR1")
    assert [v.revision.retired for v in seeded.history("staff", "DR1")] == [False, True]
    with pytest.raises(IllegalTransition, match="retired"):
        seeded.update(DR, admin_op, "返聘")
    again = seeded.create(DR, admin_op, "返聘")  # a retired code starts again with its next version
    assert again.revision.version == 3 and directory.staff("DR1").name == "王"
    assert [v.value.code for v in seeded.list("staff")] == ["DR1"]


def test_bad_input_names_its_fields_and_changes_nothing(seeded, store, admin_op):
    before = dict(store.rows)
    with pytest.raises(ValidationFailed) as caught:
        seeded.update(replace(DR, title="教授", clinic_codes=("C1", "C9")), admin_op, "")
    assert [v.field for v in caught.value.violations] == ["title", "reason"]
    with pytest.raises(ValidationFailed) as caught:
        seeded.create(Clinic("C2", "二诊室", "WK"), admin_op, "新开")
    assert [v.field for v in caught.value.violations] == ["dept_code"]  # no such department
    with pytest.raises(ValidationFailed) as caught:
        seeded.create(replace(DR, code="DR2"), admin_op, "入职")
    assert [v.field for v in caught.value.violations] == ["yb_code"]  # DR1's national code
    with pytest.raises(AlreadyExists):
        seeded.create(NK, admin_op, "again")
    with pytest.raises(NotFound):
        seeded.update(Clinic("C9", "x", "NK"), admin_op, "x")
    assert store.rows == before


def test_a_file_load_is_all_or_nothing_and_versions_only_what_changed(admin, store, admin_op):
    first = admin.load([NK, C1, DR, FEE], admin_op, "loaded")
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    second = admin.load([replace(NK, name="大内科"), C1, DR, FEE], admin_op, "loaded")
    assert (second.created, second.updated, second.unchanged) == (0, 1, 3)
    before = dict(store.rows)
    with pytest.raises(ValidationFailed) as caught:
        admin.load([NK, Clinic("C2", "x", "WK"), replace(DR, clinic_codes=("C3",))], admin_op, "loaded")
    assert [v.field for v in caught.value.violations] == ["clinics[0].dept_code", "staff[0].clinic_codes[0]"]
    assert store.rows == before


def test_another_process_s_change_is_seen_after_the_check_interval(seeded, store, directory, ticks, clock,
                                                                   admin_op):
    other = HospitalAdmin(store, CachedHospitalDirectory(store), clock)  # a second server on the database
    assert directory.clinic("C1").name == "一诊室"
    reads = store.generation_reads
    for _ in range(100):
        directory.clinic("C1")
    assert store.generation_reads == reads  # lookups within the interval ask the store nothing
    other.update(replace(C1, name="一号诊室"), admin_op, "更名")
    ticks.t += 0.5
    assert directory.clinic("C1").name == "一诊室"  # not yet asked
    ticks.t += 0.6
    assert directory.clinic("C1").name == "一号诊室"  # the generation moved: reloaded
    loads = store.current_reads
    ticks.t += 1.1
    directory.clinic("C1")
    assert store.current_reads == loads  # unchanged generation: nothing reloaded

