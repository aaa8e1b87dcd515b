"""Hospital master data (科室, 诊室, staff, registration types and their fees): the public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class RegistrationType(str, Enum):
    ORDINARY = "ORDINARY"  # 普通
    EXPERT = "EXPERT"  # 专家
    EMERGENCY = "EMERGENCY"  # 急诊


class StaffKind(str, Enum):
    DOCTOR = "DOCTOR"
    NURSE = "NURSE"


@dataclass(frozen=True)
class Department:
    """科室. `yb_dept_code` is the code uploaded with 3401 (hosp_dept_codg) and sent as dept_code in 2201."""

    code: str
    name: str
    caty: str  # 科别 (dictionary caty)
    yb_dept_code: str


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
