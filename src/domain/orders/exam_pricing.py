"""The charges of one exam request over several body parts (检查申请单多部位).

Hospitals price such a request by rules of their own, kept in an exam-item table per exam type:
- the first part at its full price (its own items for the method asked: 平扫, 增强, 平扫+增强);
- each further part at a percentage of its items, or as one set "additional part" item instead of them;
- the contrast agent once per request, when any part is enhanced;
- a film / report fee once per request.
Every line names the part it belongs to (None: the request's own), so that cancelling one part later
reverses exactly its lines; the request is priced again over the parts that remain (the first of them
at full price), which is what this function does given those parts.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, ValidationFailed
from domain.hospital import FeeLine
from domain.money import line_total, money, to_decimal

HUNDRED = Decimal(100)


class ExamMethod(str, Enum):
    PLAIN = "PLAIN"  # 平扫
    CONTRAST = "CONTRAST"  # 增强
    PLAIN_AND_CONTRAST = "PLAIN_AND_CONTRAST"  # 平扫+增强

    @property
    def enhanced(self) -> bool:
        return self is not ExamMethod.PLAIN


@dataclass(frozen=True)
class PricedItem:
    """A 院内收费项目 with its national 医保 code and unit price."""

    item_code: str
    item_name: str
    national_code: str
    unit_price: Decimal


@dataclass(frozen=True)
class ExamPartPrice:
    """What one body part costs by one method, at full price."""

    part_code: str
    part_name: str
    method: ExamMethod
    items: tuple[PricedItem, ...]


@dataclass(frozen=True)
class AdditionalPartRule:
    """How a part after the first is charged: its own items at `percent` of their price, or the one
    `fixed_item` in their place. Exactly one of the two."""

    percent: Decimal | None = None
    fixed_item: PricedItem | None = None


@dataclass(frozen=True)
class ExamTable:
    exam_type: str  # CT, MR, DR, US (超声), ENDO (内镜) ...
    name: str
    parts: tuple[ExamPartPrice, ...]
    additional: AdditionalPartRule = AdditionalPartRule(percent=HUNDRED)
    contrast_item: PricedItem | None = None  # 对比剂: once per request with any enhanced part
    once_per_request: tuple[PricedItem, ...] = field(default_factory=tuple)  # 胶片 / 报告费

    def part(self, part_code: str, method: ExamMethod) -> ExamPartPrice | None:
        return next((p for p in self.parts if p.part_code == part_code and p.method is method), None)


@dataclass(frozen=True)
class RequestedPart:
    part_code: str
    method: ExamMethod


@dataclass(frozen=True)
class ExamCharge:
    part_index: int | None  # the requested part this line belongs to; None: the request's own
    line: FeeLine  # priced as every other fee line of the hospital


def price_exam(table: ExamTable, parts: Sequence[RequestedPart]) -> list[ExamCharge]:
    """The lines of a request for `parts` (in request order). Refuses, naming `parts[i]`, a part the
    table does not price by its method, or one asked twice."""
    violations, prices = [], []
    for i, asked in enumerate(parts):
        found = table.part(asked.part_code, asked.method)
        if found is None:
            violations.append(FieldViolation(f"parts[{i}].part_code", f"{table.exam_type} has no price for this "
                                                                       f"part by {asked.method.value}"))
        elif any(p.part_code == asked.part_code for p in parts[:i]):
            violations.append(FieldViolation(f"parts[{i}].part_code", "asked twice in one request"))
        prices.append(found)
    if not parts:
        violations.append(FieldViolation("parts", "at least one part is required"))
    if violations:
        raise ValidationFailed(violations)
    lines: list[ExamCharge] = []
    for i, price in enumerate(prices):
        if i == 0:
            lines += [_line(i, item, item.unit_price) for item in price.items]
        elif table.additional.fixed_item is not None:
            lines.append(_line(i, table.additional.fixed_item, table.additional.fixed_item.unit_price))
        else:
            share = table.additional.percent / HUNDRED
            lines += [_line(i, item, money(item.unit_price * share)) for item in price.items]
    enhanced = next((i for i, asked in enumerate(parts) if asked.method.enhanced), None)
    if enhanced is not None and table.contrast_item is not None:
        lines.append(_line(enhanced, table.contrast_item, table.contrast_item.unit_price))
    lines += [_line(None, item, item.unit_price) for item in table.once_per_request]
    return lines


def _line(part_index: int | None, item: PricedItem, unit_price: Decimal) -> ExamCharge:
    one = Decimal(1)
    return ExamCharge(part_index, FeeLine(item.item_code, item.item_name, item.national_code, unit_price, one,
                                          line_total(one, unit_price)))


# ---- the table as data (a JSON file of the hospital's) ----------------------------------------------
def exam_table_from_dict(data: dict, where: str = "") -> ExamTable:
    """An exam-item table from plain data; every mistake named by its path (`parts[2].method`)."""
    violations: list[FieldViolation] = []
    at = (lambda name: f"{where}.{name}" if where else name)  # noqa: E731

    def item(value, path: str) -> PricedItem | None:
        if not isinstance(value, dict):
            violations.append(FieldViolation(at(path), "must be an object"))
            return None
        missing = [k for k in ("item_code", "item_name", "national_code", "unit_price") if not value.get(k)]
        for k in missing:
            violations.append(FieldViolation(at(f"{path}.{k}"), "is required"))
        price = _decimal(value.get("unit_price"), at(f"{path}.unit_price"), violations) if not missing else None
        return None if price is None else PricedItem(str(value["item_code"]), str(value["item_name"]),
                                                     str(value["national_code"]), price)

    parts = []
    for i, p in enumerate(data.get("parts") or []):
        path = f"parts[{i}]"
        method = _method(p.get("method") if isinstance(p, dict) else None, at(f"{path}.method"), violations)
        items = [item(x, f"{path}.items[{j}]") for j, x in enumerate((p or {}).get("items") or [])] \
            if isinstance(p, dict) else []
        if isinstance(p, dict) and not items:
            violations.append(FieldViolation(at(f"{path}.items"), "at least one item is required"))
        if method is not None and all(items) and isinstance(p, dict):
            parts.append(ExamPartPrice(str(p.get("part_code") or ""), str(p.get("part_name") or ""), method,
                                       tuple(items)))
    if not parts and not violations:
        violations.append(FieldViolation(at("parts"), "at least one part is required"))
    extra = data.get("additional") or {"percent": "100"}
    percent = fixed = None
    if "fixed_item" in extra:
        fixed = item(extra["fixed_item"], "additional.fixed_item")
    if "percent" in extra:
        percent = _decimal(extra["percent"], at("additional.percent"), violations)
        if percent is not None and not 0 <= percent <= HUNDRED:
            violations.append(FieldViolation(at("additional.percent"), "must be between 0 and 100"))
    if ("fixed_item" in extra) == ("percent" in extra):
        violations.append(FieldViolation(at("additional"), "give either percent or fixed_item"))
    contrast = item(data["contrast_item"], "contrast_item") if data.get("contrast_item") else None
    once = tuple(item(x, f"once_per_request[{i}]") for i, x in enumerate(data.get("once_per_request") or []))
    for name in ("exam_type", "name"):
        if not data.get(name):
            violations.append(FieldViolation(at(name), "is required"))
    if violations:
        raise ValidationFailed(violations, subject="exam-item table")
    return ExamTable(str(data["exam_type"]), str(data["name"]), tuple(parts), AdditionalPartRule(percent, fixed),
                     contrast, once)


def _decimal(value, path: str, violations: list[FieldViolation]) -> Decimal | None:
    try:
        result = to_decimal(value)
    except (TypeError, ValueError):
        violations.append(FieldViolation(path, "must be a decimal number written as a string"))
        return None
    if result < 0:
        violations.append(FieldViolation(path, "must not be negative"))
        return None
    return result


def _method(value, path: str, violations: list[FieldViolation]) -> ExamMethod | None:
    try:
        return ExamMethod(value)
    except ValueError:
        violations.append(FieldViolation(path, f"must be one of {', '.join(m.value for m in ExamMethod)}"))
        return None
