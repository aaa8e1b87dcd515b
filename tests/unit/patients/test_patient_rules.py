"""The rules of a patient record: identity numbers (GB 11643), phones, names; what a caller
without the identity permission sees."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.patients import (Identifier, IdentifierKind, InsuranceSnapshot, Patient, id_card_birth_date,
                             id_card_check_digit, id_card_gender)
from domain.patients.rules import (identifier_violations, masked_address, normalize_identifier, normalize_phone,
                                   phone_violations, text_violations)

TODAY = date(2026, 12, 7)
# 11010519491231002X: the example number of GB 11643 itself (check character X)
STANDARD_EXAMPLE = "11010519491231002X"


def fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_the_standards_example_number_is_valid_and_reads_back():
    assert id_card_check_digit(STANDARD_EXAMPLE[:17]) == "X"
    assert identifier_violations("ID_CARD", STANDARD_EXAMPLE, "v", TODAY) == []
    assert id_card_birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert id_card_gender(STANDARD_EXAMPLE) == "2"  # 17th digit 2: even, 女


@pytest.mark.parametrize("value, why", [
    ("11010519491231002", "18 characters"),          # one short
    ("11010519491231002Y", "18 characters"),         # not a check character
    ("110105194912310021", "check digit"),           # one digit off
    ("110105194902300027", "birth date"),           # 30 February
    ("110105203001010027", "birth date"),           # born in the future
])
def test_a_mistyped_identity_number_is_refused_with_the_reason(value, why):
    found = identifier_violations("ID_CARD", value, "patient.identifiers[0].value", TODAY)
    assert fields(found) == ["patient.identifiers[0].value"]
    assert why in found[0].description


def test_every_single_digit_typo_breaks_the_check_digit():
    for position in range(17):
        for digit in "0123456789":
            if digit == STANDARD_EXAMPLE[position]:
                continue
            typo = STANDARD_EXAMPLE[:position] + digit + STANDARD_EXAMPLE[position + 1:]
            assert identifier_violations("ID_CARD", typo, "v", TODAY), typo


def test_card_numbers_hold_letters_and_digits_only():
    assert identifier_violations("SOCIAL_SECURITY_CARD", "H42010601", "v", TODAY) == []
    assert identifier_violations("SOCIAL_SECURITY_CARD", "H4201", "v", TODAY)  # too short
    assert identifier_violations("VISIT_CARD", "MZ-2026-0001", "v", TODAY) == []
    assert identifier_violations("VISIT_CARD", "MZ 0001", "v", TODAY)
    assert identifier_violations("YB_ECERT", "x" * 65, "v", TODAY)
    assert fields(identifier_violations("VISIT_CARD", "", "v", TODAY)) == ["v"]


def test_normalized_forms():
    assert normalize_identifier("ID_CARD", " 11010519491231002x ") == STANDARD_EXAMPLE
    assert normalize_identifier("VISIT_CARD", "mz01") == "mz01"  # the hospital's own numbers are kept as issued
    assert normalize_phone("+86 138 0013 8000") == "13800138000"
    assert normalize_phone("86-13800138000") == "13800138000"
    assert normalize_phone("027-87654321") == "027-87654321"


@pytest.mark.parametrize("phone, ok", [("13800138000", True), ("027-87654321", True), ("02787654321", True),
                                       ("12800138000", False), ("1380013800", False), ("138001380001", False),
                                       ("phone", False)])
def test_phone_numbers(phone, ok):
    assert (phone_violations(phone, "phone") == []) is ok


def test_names_refuse_control_characters_and_length():
    assert text_violations("张三", "name", 50, required=True) == []
    assert fields(text_violations("", "name", 50, required=True)) == ["name"]
    assert "U+202E" in text_violations("张\u202e三", "name", 50)[0].description
    assert text_violations("张" * 51, "name", 50)


def test_a_masked_record_hides_identity_phone_and_address_but_not_the_name():
    read = InsuranceSnapshot("P1", ("310",), "420106", datetime(2026, 3, 2, 9, 0))
    p = Patient(id="p1", name="张三丰", gender="1", birth_date=date(1949, 12, 31), phone="13800138000",
                address="湖北省武汉市武昌区中南路99号", insurance=read,
                identifiers=[Identifier(IdentifierKind.ID_CARD, STANDARD_EXAMPLE),
                             Identifier(IdentifierKind.VISIT_CARD, "MZ0001")])
    shown = p.masked()
    assert shown.name == "张三丰" and shown.birth_date == p.birth_date and shown.insurance == read
    assert shown.identifier(IdentifierKind.ID_CARD) == "110105**********2X"
    assert shown.identifier(IdentifierKind.VISIT_CARD) == "M*****"
    assert shown.phone == "138****8000"
    assert shown.address.startswith("湖北省武汉市") and "中南路" not in shown.address
    assert p.phone == "13800138000"  # the record itself is untouched
    assert masked_address("武昌") == "武*"


def test_a_patient_without_insurance_is_self_pay():
    p = Patient(id="p", name="李四", gender="2", birth_date=None)
    assert p.self_pay and p.age_on(date(2026, 1, 1)) is None
