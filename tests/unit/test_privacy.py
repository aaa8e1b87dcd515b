"""The masking rule (domain.privacy): what is masked, into what, and what is left alone."""
from __future__ import annotations

import json

import pytest

from domain.privacy import is_personal_field, mask, mask_value

CERTNO = "420106199001011234"


@pytest.mark.parametrize("text, expected", [
    (f"就诊凭证[02:{CERTNO}]与人员[张三]不符", "就诊凭证[02:420106**********34]与人员[张*]不符"),
    ("凭证编号[42010619900101123X]", "凭证编号[420106**********3X]"),
    ("凭证编号[42010619900101123x]", "凭证编号[420106**********3x]"),
    ("old card 420106900101123 read", "old card 420106*******23 read"),
    ("就诊凭证[01:01ABCDEF0123456789ABCDEF01234567]", "就诊凭证[01:01ABCD************************67]"),
    ("就诊凭证[03:H42010601]", "就诊凭证[03:H********]"),
    ("call 13812345678 or +86 13912345678 or 027-87654321", "call 138****5678 or +86 139****5678 or 027-87****21"),
    ("姓名【李四】", "姓名【李*】"),
])
def test_what_has_a_shape_is_masked_wherever_it_stands(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize("text", [
    "msgid H42010600001202401011230001234 psn_no 42010620000000000001",  # ids of calls and persons, not people
    "inf_refmsgid 420106202401011230000000001234",
    "2024-01-01 10:02:03 settled 1234.56 in 20240101123000",
    "人员[42010620000000000001]未参加险种[310]",  # a psn_no in brackets is not a name
    "chrg_bchno B42010619900101123499",  # a certno-like run inside a longer code
])
def test_ids_times_and_amounts_stay(text):
    assert mask(text) == text


def test_personal_fields_of_a_body_are_masked_in_json_and_in_a_repr():
    body = {"psn_no": "42010620000000000001", "psn_name": "欧阳慕容", "certno": CERTNO, "tel": "13812345678",
            "dr_name": "王医生", "agnter_certno": "420106198001011111", "addr": "武汉市某区某路1号"}
    as_json = mask(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    assert json.loads(as_json) == {"psn_no": "42010620000000000001", "psn_name": "欧***",
                                   "certno": "420106**********34", "tel": "138****5678", "dr_name": "王医生",
                                   "agnter_certno": "420106**********11", "addr": "武********"}
    assert mask(repr(body)).startswith("{'psn_no': '42010620000000000001', 'psn_name': '欧***', 'certno': '420106")
    assert mask("Person(psn_name='欧阳慕容', gend='1')") == "Person(psn_name='欧***', gend='1')"
    escaped = json.dumps({"psn_name": "欧阳慕容"})  # ensure_ascii: the value in \u escapes
    assert "\\u6b27\\u9633" not in mask(escaped)


def test_declared_values_are_masked_anywhere_even_escaped():
    text = "欧阳慕容的个人账户已冻结; card K420106901 ok; " + json.dumps({"err_msg": "欧阳慕容已冻结"})
    masked = mask(text, personal=["欧阳慕容", "K420106901"])
    assert "欧阳慕容" not in masked and "K420106901" not in masked and "\\u6b27\\u9633" not in masked
    assert masked.startswith("欧***的个人账户已冻结; card K*********")


def test_a_declared_code_is_masked_as_a_whole_token_and_short_ones_not_at_all():
    assert mask("1234 212345 01 a", personal=["1234", "01", "a"]) == "1*** 212345 01 a"


def test_what_the_reader_sent_itself_is_kept():
    text = f"就诊凭证[02:{CERTNO}]与人员[张三]不符, 另 420106198001011111"
    assert mask(text, personal=["张三"], keep=[CERTNO, "张三"]) == (
        f"就诊凭证[02:{CERTNO}]与人员[张三]不符, 另 420106**********11")


@pytest.mark.parametrize("text", [
    f"就诊凭证[02:{CERTNO}]与人员[张三]不符 13812345678",
    json.dumps({"certno": CERTNO, "psn_name": "张三丰"}, ensure_ascii=False),
    "就诊凭证[01:01ABCDEF0123456789ABCDEF01234567]",
])
def test_masking_twice_changes_nothing_more(text):
    once = mask(text, personal=["张三丰"])
    assert mask(once, personal=["张三丰"]) == once != text


def test_masked_forms_keep_enough_to_recognise():
    assert (mask_value(CERTNO), mask_value("13812345678"), mask_value("张三"), mask_value("H42010601")) == (
        "420106**********34", "138****5678", "张*", "H********")


@pytest.mark.parametrize("name, personal", [
    ("certno", True), ("psn_name", True), ("psnName", True), ("mdtrt_cert_no", True), ("idNo", True),
    ("phar_certno", True), ("resd_addr_vil", True), ("tel", True),
    ("psn_no", False), ("dr_name", False), ("mdtrt_cert_type", False), ("fixmedins_name", False), ("msgid", False),
])
def test_personal_fields_by_name(name, personal):
    assert is_personal_field(name) is personal
