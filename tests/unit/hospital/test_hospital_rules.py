"""The master data's own rules: what a valid record is, which price lines a registration costs, the
data file's reading, and the demo hospital's file."""
from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import NotFound, ValidationFailed
from domain.hospital import (Clinic, Department, PriceLine, RegistrationType, StaffKind, StaffMember,
                             check_department, check_price_line, check_staff, fee_lines, from_data, to_data)
from services.hospital import demo_directory, parse_data, read_data_file

R = RegistrationType


def _fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_a_department_needs_a_caty_of_the_dictionary_shape_and_a_yb_code():
    good = Department("NK", "内科", "A03.04", "NK0001")
    assert check_department(good) == []
    bad = Department("N K", "", "内科", "", dept_resper_tel="1" * 51, aprv_bed_cnt=-1)
    assert _fields(check_department(bad)) == ["code", "name", "caty", "yb_dept_code", "dept_resper_tel",
                                              "aprv_bed_cnt"]


def test_staff_codes_titles_and_clinics_are_checked_by_kind():
    doctor = StaffMember("DR1", "王", StaffKind.DOCTOR, "主任医师", "D420106000001", ("C1", "C2"))
    assert check_staff(doctor) == []
    nurse_code_on_doctor = StaffMember("DR1", "王", StaffKind.DOCTOR, "护师", "N420106000001", ("C1", "C1"))
    assert _fields(check_staff(nurse_code_on_doctor)) == ["title", "yb_code", "clinic_codes[1]"]
    assert check_staff(StaffMember("NS1", "吴", StaffKind.NURSE, "护师", "N420106000001")) == []


def test_a_price_line_is_scoped_once_with_exact_decimals():
    line = PriceLine("P1", R.ORDINARY, "GH001", "挂号费", "001101000010000", Decimal("1.00"))
    assert check_price_line(line) == []
    bad = PriceLine("P1", R.ORDINARY, "GH001", "挂号费", "", Decimal("-1"), Decimal("0"), clinic_code="C1",
                    dept_code="D1", doctor_title="护士")
    assert _fields(check_price_line(bad)) == ["national_code", "unit_price", "quantity", "dept_code", "doctor_title"]
    assert _fields(check_price_line(PriceLine("P", R.EXPERT, "I", "n", "X1", Decimal("1.0000001")))) == ["unit_price"]


def _line(code, price, reg=R.EXPERT, item="ZC", **scope):
    return PriceLine(code, reg, item, item + "费", "001102000010000", Decimal(price), **scope)


def test_the_most_specific_line_of_each_item_applies():
    lines = [_line("H", "10"), _line("H-ZR", "30", doctor_title="主任医师"), _line("D", "12", dept_code="D1"),
             _line("C", "15", clinic_code="C1"), _line("GH", "1", item="GH", seq=-1),
             _line("O", "99", reg=R.ORDINARY)]
    amounts = lambda found: [(f.item_code, str(f.amount)) for f in found]  # noqa: E731
    assert amounts(fee_lines(lines, R.EXPERT, "C1", "D1", "主任医师")) == [("GH", "1.00"), ("ZC", "15.00")]
    assert amounts(fee_lines(lines, R.EXPERT, "C2", "D1", "主任医师")) == [("GH", "1.00"), ("ZC", "12.00")]
    assert amounts(fee_lines(lines, R.EXPERT, "C3", "D3", "主任医师")) == [("GH", "1.00"), ("ZC", "30.00")]
    assert amounts(fee_lines(lines, R.EXPERT, "C3", "D3", "主治医师")) == [("GH", "1.00"), ("ZC", "10.00")]
    assert amounts(fee_lines(lines, R.ORDINARY, "C1", "D1")) == [("ZC", "99.00")]
    assert fee_lines(lines, R.EMERGENCY, "C1", "D1") == []


def test_an_item_priced_only_for_other_titles_is_not_found():
    lines = [_line("ZR", "30", doctor_title="主任医师"), _line("GH", "1", item="GH")]
    with pytest.raises(NotFound, match="主治医师"):
        fee_lines(lines, R.EXPERT, "C1", "D1", "主治医师")


def test_amounts_round_half_up_to_the_cent():
    line = PriceLine("P", R.ORDINARY, "I", "n", "X1", Decimal("0.125"), Decimal("1"))
    assert fee_lines([line], R.ORDINARY, "C", "D")[0].amount == Decimal("0.13")


@pytest.mark.parametrize("record", [
    Department("NK", "内科", "A03", "NK0001"),
    StaffMember("DR1", "王", StaffKind.DOCTOR, "医师", "D420106000001", ("C1",)),
    Clinic("C1", "一诊室", "NK", True),
    _line("P", "12.50", clinic_code="C1", doctor_title="主任医师")])
def test_the_codec_keeps_every_field(record):
    kind = {Department: "department", StaffMember: "staff", Clinic: "clinic", PriceLine: "price_line"}[type(record)]
    assert from_data(kind, to_data(record)) == record


def test_the_data_file_names_each_mistake_by_its_place():
    with pytest.raises(ValidationFailed) as caught:
        parse_data({"departments": [{"code": "NK", "name": "内科", "caty": "A03"}],
                    "clinics": [{"code": "C1", "name": "x", "dept_code": "NK", "registers_separately": "yes"}],
                    "staff": [{"code": "S", "name": "n", "kind": "SURGEON", "title": "医师", "yb_code": "D1"}],
                    "price_lines": [{"code": "P", "reg_type": "ORDINARY", "item_code": "I", "item_name": "n",
                                     "national_code": "X", "unit_price": 1.5, "colour": "red"}],
                    "wards": []})
    assert _fields(caught.value.violations) == [
        "wards", "departments[0].yb_dept_code", "clinics[0].registers_separately", "staff[0].kind",
        "price_lines[0].unit_price", "price_lines[0].colour"]


def test_the_demo_hospital_answers_every_registration_type():
    directory = demo_directory()
    fee = lambda *args: [(f.item_name, str(f.amount)) for f in directory.registration_fee(*args)]  # noqa: E731
    assert fee(R.ORDINARY, "NK01") == [("门诊挂号费", "1.00"), ("普通门诊诊查费", "10.00")]
    assert fee(R.EXPERT, "NK01", "DR001") == [("门诊挂号费", "1.00"), ("专家门诊诊查费", "30.00")]  # 主任医师
    assert fee(R.EXPERT, "XNK01", "DR003") == [("门诊挂号费", "1.00"), ("专家门诊诊查费", "20.00")]  # 副主任医师
    assert fee(R.EXPERT, "XNK01", "DR004") == [("门诊挂号费", "1.00"), ("专家门诊诊查费", "35.00")]  # 心内科's own
    assert fee(R.EMERGENCY, "JZ01") == [("急诊挂号费", "1.00"), ("急诊诊查费", "15.00")]
    with pytest.raises(NotFound):
        directory.registration_fee(R.EXPERT, "NK01", "DR002")  # a 主治医师 is no 专家
    with pytest.raises(NotFound):
        directory.registration_fee(R.ORDINARY, "NK01", "NS001")  # a nurse is no doctor
    assert directory.clinic("XNK01").registers_separately
    assert directory.department(directory.clinic("XNK01").dept_code).caty == "A03.04"
    assert directory.staff("NS001").kind is StaffKind.NURSE


def test_the_demo_file_is_the_brief_s_hospital():
    records = read_data_file(__import__("services.hospital", fromlist=["demo_file"]).demo_file())
    kinds = [type(r).__name__ for r in records]
    assert (kinds.count("Department"), kinds.count("Clinic"), kinds.count("StaffMember")) == (6, 8, 10)
    assert {r.caty for r in records if isinstance(r, Department)} == {"A03", "A03.04", "A04", "A07", "A20", "A32.01"}
    assert all(check_staff(r) == [] for r in records if isinstance(r, StaffMember))
