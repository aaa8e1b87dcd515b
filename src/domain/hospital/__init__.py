"""Hospital master data (科室, 诊室, staff, registration types and their fees): the public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Generic, TypeVar

from domain.money import line_total


class RegistrationType(str, Enum):
    ORDINARY = "ORDINARY"  # 普通
    EXPERT = "EXPERT"  # 专家
    EMERGENCY = "EMERGENCY"  # 急诊


class StaffKind(str, Enum):
    DOCTOR = "DOCTOR"
    NURSE = "NURSE"


@dataclass(frozen=True)
class Department:
    """科室. `yb_dept_code` is the code uploaded with 3401 (hosp_dept_codg) and sent as dept_code in 2201.

    The fields after `yb_dept_code` are what 3401/3402 need beside it (named as the platform names
    them); the head counts of doctors and nurses are counted from the staff at upload time."""

    code: str
    name: str
    caty: str  # 科别 (dictionary caty)
    yb_dept_code: str
    itro: str = ""  # 简介
    dept_resper_name: str = ""  # 科室负责人姓名
    dept_resper_tel: str = ""  # 科室负责人电话
    dept_med_serv_scp: str = ""  # 科室医疗服务范围
    begntime: date | None = None  # 开始时间 (of the department's service)
    dept_estbdat: date | None = None  # 科室成立日期
    aprv_bed_cnt: int = 0  # 批准床位数量
    hi_crtf_bed_cnt: int | None = None  # 医保认可床位数
    poolarea_no: str = ""  # 统筹区编号
    phar_psncnt: int = 0  # 药师人数
    tecn_psncnt: int = 0  # 技师人数
    memo: str = ""


@dataclass(frozen=True)
class Clinic:
    """诊室 within a department. `registers_separately`: a visit moved here needs its own registration."""

    code: str
    name: str
    dept_code: str
    registers_separately: bool = False


@dataclass(frozen=True)
class StaffMember:
    """A doctor or nurse; `yb_code` is the national 医保 医师/护士 code (atddr_no / bilg_dr_codg)."""

    code: str
    name: str
    kind: StaffKind
    title: str
    yb_code: str
    clinic_codes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FeeLine:
    """One priced line of a fee (挂号费, 诊查费 ...): the hospital's item and its national 医保 code."""

    item_code: str
    item_name: str
    national_code: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PriceLine:
    """One line of the registration price table: what a registration of `reg_type` costs.

    Scope: a clinic (`clinic_code`), else a department's default (`dept_code`), else the whole
    hospital (both empty); `doctor_title` narrows it to doctors of that title (专家 by 主任医师 /
    副主任医师). For each item the most specific line applies (see rules.fee_lines)."""

    code: str
    reg_type: RegistrationType
    item_code: str
    item_name: str
    national_code: str
    unit_price: Decimal
    quantity: Decimal = Decimal(1)
    clinic_code: str = ""
    dept_code: str = ""
    doctor_title: str = ""
    seq: int = 0  # order of the lines on a bill (挂号费 before 诊查费)


@dataclass(frozen=True)
class ChargeItem:
    """院内收费项目: one item of the hospital's price list (a procedure, an exam, a material, a drug as
    sold), with its national 医保 code. The pair (code, national_code) is what 3301 目录对照上传 tells
    the platform (fixmedins_hilist_id ↔ med_list_codg); `list_type` is 3301's 目录类别 (dictionary
    list_type: 101 西药中成药, 102 中药饮片, 103 自制剂, 104 民族药, 201 医疗服务项目, 301 医用耗材)."""

    code: str
    name: str
    national_code: str
    list_type: str
    unit_price: Decimal
    prcunt: str = ""  # 计价单位 (次, 部位, 张 ...)
    spec: str = ""  # 规格
    begndate: date | None = None  # from when the mapping holds (3301 begndate); None: the day it is uploaded

    def fee_line(self, quantity: Decimal = Decimal(1)) -> FeeLine:
        """A priced line of `quantity` of this item (the amount rounded the platform's way)."""
        return FeeLine(self.code, self.name, self.national_code, self.unit_price, quantity,
                       line_total(quantity, self.unit_price))


@dataclass(frozen=True)
class Revision:
    """One version of a record: from when, by whom, why; a retired record keeps its last data."""

    version: int
    valid_from: datetime
    changed_by: str
    reason: str
    retired: bool = False


T = TypeVar("T")


@dataclass(frozen=True)
class Versioned(Generic[T]):
    value: T
    revision: Revision


from domain.hospital.rules import (DOCTOR_TITLES, LIST_TYPES, NURSE_TITLES, check_charge_item,  # noqa: E402
                                   check_clinic, check_department, check_price_line, check_staff, fee_lines)
from domain.hospital.codec import KINDS, from_data, kind_of, to_data  # noqa: E402

__all__ = ["RegistrationType", "StaffKind", "Department", "Clinic", "StaffMember", "FeeLine", "PriceLine", "ChargeItem",
           "Revision", "Versioned", "DOCTOR_TITLES", "NURSE_TITLES", "check_department", "check_clinic",
           "check_staff", "check_price_line", "check_charge_item", "LIST_TYPES", "fee_lines", "KINDS", "kind_of",
           "to_data", "from_data"]
