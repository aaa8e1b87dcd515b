"""检查申请单多部位: the lines of one exam request over several parts, by the hospital's exam-item table."""
from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import ValidationFailed
from domain.orders import ExamMethod, RequestedPart, exam_table_from_dict, price_exam

PLAIN, CONTRAST, BOTH = ExamMethod.PLAIN, ExamMethod.CONTRAST, ExamMethod.PLAIN_AND_CONTRAST


def _item(code: str, name: str, price: str) -> dict:
    return {"item_code": code, "item_name": name, "national_code": "N" + code, "unit_price": price}


def ct_table(additional: dict | None = None) -> dict:
    plain, enhanced = _item("CT01", "CT平扫", "200.00"), _item("CT02", "CT增强", "300.00")
    parts = []
    for code, name in (("HEAD", "头颅"), ("CHEST", "胸部"), ("ABDOMEN", "腹部")):
        parts += [{"part_code": code, "part_name": name, "method": "PLAIN", "items": [plain]},
                  {"part_code": code, "part_name": name, "method": "CONTRAST", "items": [enhanced]},
                  {"part_code": code, "part_name": name, "method": "PLAIN_AND_CONTRAST", "items": [plain, enhanced]}]
    return {"exam_type": "CT", "name": "CT检查", "parts": parts, "additional": additional or {"percent": "50"},
            "contrast_item": _item("DY01", "碘对比剂", "180.00"),
            "once_per_request": [_item("FL01", "医用胶片", "15.00")]}


def lines(charges) -> list[tuple]:
    return [(c.part_index, c.line.item_code, c.line.amount) for c in charges]


def test_first_part_full_further_parts_by_percent_contrast_and_film_once():
    charges = price_exam(exam_table_from_dict(ct_table()), [
        RequestedPart("HEAD", PLAIN), RequestedPart("CHEST", BOTH), RequestedPart("ABDOMEN", CONTRAST)])
    assert lines(charges) == [
        (0, "CT01", Decimal("200.00")),
        (1, "CT01", Decimal("100.00")), (1, "CT02", Decimal("150.00")),
        (2, "CT02", Decimal("150.00")),
        (1, "DY01", Decimal("180.00")),  # the first enhanced part carries the contrast agent, once
        (None, "FL01", Decimal("15.00"))]
    assert sum(c.line.amount for c in charges) == Decimal("795.00")


def test_further_parts_as_one_set_item_instead_of_their_own():
    table = exam_table_from_dict(ct_table({"fixed_item": _item("CT09", "CT增加部位", "100.00")}))
    charges = price_exam(table, [RequestedPart("CHEST", PLAIN), RequestedPart("HEAD", PLAIN),
                                 RequestedPart("ABDOMEN", PLAIN)])
    assert lines(charges) == [(0, "CT01", Decimal("200.00")), (1, "CT09", Decimal("100.00")),
                              (2, "CT09", Decimal("100.00")), (None, "FL01", Decimal("15.00"))]


def test_a_percentage_rounds_half_up_to_the_cent():
    data = ct_table({"percent": "50"})
    data["parts"][0]["items"] = [_item("CT07", "CT平扫(特殊)", "33.33")]  # HEAD, PLAIN
    charges = price_exam(exam_table_from_dict(data), [RequestedPart("CHEST", PLAIN), RequestedPart("HEAD", PLAIN)])
    assert charges[1].line.amount == Decimal("16.67") and charges[1].line.unit_price == Decimal("16.67")  # 16.665


def test_without_the_first_part_the_next_one_is_charged_in_full():
    table = exam_table_from_dict(ct_table())
    whole = [RequestedPart("HEAD", CONTRAST), RequestedPart("CHEST", PLAIN), RequestedPart("ABDOMEN", CONTRAST)]
    remaining = price_exam(table, whole[1:])  # the head cancelled: priced again over what remains
    assert lines(remaining) == [(0, "CT01", Decimal("200.00")), (1, "CT02", Decimal("150.00")),
                                (1, "DY01", Decimal("180.00")), (None, "FL01", Decimal("15.00"))]


def test_a_plain_only_request_has_no_contrast_agent():
    charges = price_exam(exam_table_from_dict(ct_table()), [RequestedPart("HEAD", PLAIN)])
    assert [c.line.item_code for c in charges] == ["CT01", "FL01"]


def test_parts_the_table_does_not_price_are_named():
    table = exam_table_from_dict(ct_table())
    with pytest.raises(ValidationFailed) as err:
        price_exam(table, [RequestedPart("HEAD", PLAIN), RequestedPart("KNEE", PLAIN), RequestedPart("HEAD", BOTH)])
    assert [v.field for v in err.value.violations] == ["parts[1].part_code", "parts[2].part_code"]
    with pytest.raises(ValidationFailed) as err:
        price_exam(table, [])
    assert [v.field for v in err.value.violations] == ["parts"]


def test_mistakes_in_the_table_are_named_by_their_path():
    data = ct_table({"percent": "150"})
    data["parts"][1]["method"] = "ENHANCED"
    data["parts"][2]["items"][0] = {**data["parts"][2]["items"][0], "unit_price": 1.5}
    del data["once_per_request"][0]["national_code"]
    with pytest.raises(ValidationFailed) as err:
        exam_table_from_dict(data)
    assert {v.field for v in err.value.violations} == {
        "parts[1].method", "parts[2].items[0].unit_price", "additional.percent", "once_per_request[0].national_code"}
