"""The rules of the master data: what a valid record looks like, and which lines a registration costs.

Checks name each bad field by its own name (`caty`, `clinic_codes[1]`); callers put their path in
front (`department.caty`, `departments[2].caty`). References to other records (a clinic's department)
are the service's business: they need the other records.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from domain.errors import FieldViolation, NotFound
from domain.money import money, quantize
from domain.text import describe_forbidden, excerpt, forbidden_character

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}")  # our own codes: short, no spaces (≤ 16, as the API)
# a 院内收费项目's code is 3301's fixmedins_hilist_id (≤ 30): price lists carry longer codes than 科室
CHARGE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")
# 3301 目录类别 (dictionary list_type of the platform), kept here: the domain reads no files
LIST_TYPES = {"101": "西药中成药", "102": "中药饮片", "103": "自制剂", "104": "民族药", "201": "医疗服务项目",
              "301": "医用耗材"}
# 科别: the national caty dictionary's shape, A03 内科, A03.04 心血管内科专业 (the project carries no list)
CATY = re.compile(r"A\d{2}(\.\d{2}){0,2}")
YB_STAFF_CODE = {"DOCTOR": re.compile(r"D\d{12}"), "NURSE": re.compile(r"N\d{12}")}  # 医保医师/护士代码
DOCTOR_TITLES = ("主任医师", "副主任医师", "主治医师", "医师", "医士")
NURSE_TITLES = ("主任护师", "副主任护师", "主管护师", "护师", "护士")
NAME_MAX, TEXT_MAX, TEL_MAX = 100, 500, 50
PRICE_SCALE, QUANTITY_SCALE = 6, 4
MAX_PRICE = Decimal("100000")


def _text(found: list, name: str, value: str, limit: int, required: bool = True, multiline: bool = False) -> None:
    if not value.strip():
        if required:
            found.append(FieldViolation(name, "is required"))
        return
    if len(value) > limit:
        found.append(FieldViolation(name, f"is longer than {limit} characters ({len(value)})"))
        return
    at = forbidden_character(value, multiline=multiline)
    if at is not None:
        found.append(FieldViolation(name, describe_forbidden(value, at)))


def _code(found: list, name: str, value: str, required: bool = True, pattern: re.Pattern = CODE,
          limit: int = 16) -> None:
    if not value:
        if required:
            found.append(FieldViolation(name, "is required"))
    elif not pattern.fullmatch(value):
        found.append(FieldViolation(name, f"{excerpt(value)} is not a code: 1 to {limit} letters, digits, '.', '_' "
                                          "or '-', starting with a letter or digit"))


def _count(found: list, name: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= 99999:
        found.append(FieldViolation(name, f"must be between 0 and 99999 (is {value})"))


def check_department(d) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    _code(found, "code", d.code)
    _text(found, "name", d.name, NAME_MAX)
    if not CATY.fullmatch(d.caty or ""):
        found.append(FieldViolation("caty", f"{excerpt(d.caty)} is not a 科别 code of the caty dictionary "
                                            "(e.g. A03 内科, A03.04 心血管内科专业)" if d.caty else "is required"))
    if not d.yb_dept_code:
        found.append(FieldViolation("yb_dept_code", "is required (the 医保 department code, hosp_dept_codg)"))
    elif not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", d.yb_dept_code):
        found.append(FieldViolation("yb_dept_code", f"{excerpt(d.yb_dept_code)} is not a code of at most 20 "
                                                    "letters and digits"))
    _text(found, "itro", d.itro, TEXT_MAX, required=False, multiline=True)
    _text(found, "dept_resper_name", d.dept_resper_name, 50, required=False)
    _text(found, "dept_resper_tel", d.dept_resper_tel, TEL_MAX, required=False)
    _text(found, "dept_med_serv_scp", d.dept_med_serv_scp, TEXT_MAX, required=False, multiline=True)
    _text(found, "poolarea_no", d.poolarea_no, 6, required=False)
    _text(found, "memo", d.memo, TEXT_MAX, required=False, multiline=True)
    for name in ("aprv_bed_cnt", "hi_crtf_bed_cnt", "phar_psncnt", "tecn_psncnt"):
        _count(found, name, getattr(d, name))
    return found


def check_clinic(c) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    _code(found, "code", c.code)
    _text(found, "name", c.name, NAME_MAX)
    _code(found, "dept_code", c.dept_code)
    return found


def check_staff(s) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    _code(found, "code", s.code)
    _text(found, "name", s.name, 50)
    kind = getattr(s.kind, "value", s.kind)
    titles = DOCTOR_TITLES if kind == "DOCTOR" else NURSE_TITLES
    if kind not in YB_STAFF_CODE:
        found.append(FieldViolation("kind", "must be DOCTOR or NURSE"))
    else:
        if s.title not in titles:
            found.append(FieldViolation("title", f"{excerpt(s.title)} is not a title of a {kind.lower()}; "
                                                 f"one of {', '.join(titles)}" if s.title else "is required"))
        if not YB_STAFF_CODE[kind].fullmatch(s.yb_code or ""):
            letter = kind[0]
            found.append(FieldViolation("yb_code", f"{excerpt(s.yb_code)} is not a national 医保 code of a "
                                                   f"{kind.lower()} ({letter} and 12 digits)" if s.yb_code
                                        else "is required (the national 医保 医师/护士 code)"))
    seen: set[str] = set()
    for i, code in enumerate(s.clinic_codes):
        _code(found, f"clinic_codes[{i}]", code)
        if code in seen:
            found.append(FieldViolation(f"clinic_codes[{i}]", f"{excerpt(code)} is listed twice"))
        seen.add(code)
    return found


def _decimal(found: list, name: str, value, scale: int, positive: bool) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        found.append(FieldViolation(name, "is not a decimal number"))
    elif value < 0 or (positive and value == 0):
        found.append(FieldViolation(name, "must be greater than 0" if positive else "may not be negative"))
    elif value != quantize(value, scale):
        found.append(FieldViolation(name, f"has more than {scale} decimal places"))
    elif value >= MAX_PRICE:
        found.append(FieldViolation(name, f"must be below {MAX_PRICE}"))


def _national_code(found: list, value: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9]{1,50}", value or ""):
        found.append(FieldViolation("national_code", f"{excerpt(value)} is not a national 医保 item code"
                                    if value else "is required (the national 医保 code of the item)"))


def check_charge_item(c) -> list[FieldViolation]:
    """A 院内收费项目 as 3301 takes it: fixmedins_hilist_id ≤ 30, its name ≤ 100, med_list_codg ≤ 50,
    list_type of the dictionary; the price like a price line's (six places, not negative)."""
    found: list[FieldViolation] = []
    _code(found, "code", c.code, pattern=CHARGE_CODE, limit=30)
    _text(found, "name", c.name, NAME_MAX)
    _national_code(found, c.national_code)
    if c.list_type not in LIST_TYPES:
        found.append(FieldViolation("list_type", f"{excerpt(c.list_type)} is not a 目录类别; one of "
                                                 + ", ".join(f"{k} {v}" for k, v in LIST_TYPES.items())
                                    if c.list_type else "is required (目录类别: 101 … 301)"))
    _decimal(found, "unit_price", c.unit_price, PRICE_SCALE, positive=False)
    _text(found, "prcunt", c.prcunt, 100, required=False)
    _text(found, "spec", c.spec, 200, required=False)
    return found


def check_price_line(p) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    _code(found, "code", p.code)
    _code(found, "item_code", p.item_code)
    _text(found, "item_name", p.item_name, NAME_MAX)
    _national_code(found, p.national_code)
    _decimal(found, "unit_price", p.unit_price, PRICE_SCALE, positive=False)
    _decimal(found, "quantity", p.quantity, QUANTITY_SCALE, positive=True)
    _code(found, "clinic_code", p.clinic_code, required=False)
    _code(found, "dept_code", p.dept_code, required=False)
    if p.clinic_code and p.dept_code:
        found.append(FieldViolation("dept_code", "give a clinic or a department, not both (a clinic's line "
                                                 "overrides its department's)"))
    if p.doctor_title and p.doctor_title not in DOCTOR_TITLES:
        found.append(FieldViolation("doctor_title", f"{excerpt(p.doctor_title)} is not a doctor's title; one of "
                                                    f"{', '.join(DOCTOR_TITLES)}"))
    if not 0 <= p.seq <= 9999:
        found.append(FieldViolation("seq", "must be between 0 and 9999"))
    return found


def fee_lines(lines: Iterable, reg_type, clinic_code: str, dept_code: str, doctor_title: str = "") -> list:
    """The FeeLines a registration costs: of the price lines of `reg_type` that apply here, for each
    item the most specific (clinic over department over hospital; then a line for the doctor's
    title over one for any title), ordered by seq then item code. NotFound when an item is priced
    here only for other titles (a 专家 诊查费 for 主任医师 / 副主任医师, asked for a 主治医师)."""
    from domain.hospital import FeeLine  # the package's own model, defined before this module loads

    best: dict[str, tuple[int, object]] = {}
    titled: dict[str, str] = {}  # item -> its name, priced here for some title only
    for line in lines:
        if line.reg_type != reg_type:
            continue
        if line.clinic_code:
            scope = 3 if line.clinic_code == clinic_code else 0
        elif line.dept_code:
            scope = 2 if line.dept_code == dept_code else 0
        else:
            scope = 1
        if not scope:
            continue
        if line.doctor_title and line.doctor_title != doctor_title:
            titled[line.item_code] = line.item_name
            continue
        rank = scope * 2 + (1 if line.doctor_title else 0)
        if line.item_code not in best or rank > best[line.item_code][0]:
            best[line.item_code] = (rank, line)
    unpriced = [f"{name} ({code})" for code, name in titled.items() if code not in best]
    if unpriced:
        who = f"a {doctor_title}" if doctor_title else "a registration without a doctor"
        raise NotFound(f"{', '.join(unpriced)} has no price for {who} here")
    chosen = sorted((line for _, line in best.values()), key=lambda p: (p.seq, p.item_code))
    return [FeeLine(item_code=p.item_code, item_name=p.item_name, national_code=p.national_code,
                    unit_price=p.unit_price, quantity=p.quantity, amount=money(p.unit_price * p.quantity))
            for p in chosen]
