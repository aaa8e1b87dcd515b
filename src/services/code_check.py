"""The hospital's lists against the platform's 医保目录: each national code the price list (院内收费项目)
and the formulary (院内药品目录) map to is looked up with 1312 医保目录信息查询 (in force today, by
hilist_code), so the 医保办 sees a code the platform does not know, one no longer in force, or one of
another 目录类别 before a 2204 or a 3301 is refused for it.

In Hubei the 医保目录 kinds (1301-1306) have no file download (see catalog_sync): the paged 1312
query is how they are read, one code at a time here, each through the gateway and its journal."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from domain.operator import Operator
from domain.prescriptions import DrugKind, Formulary
from ports.clock import Clock
from services.hospital import HospitalAdmin
from services.platform_gateway import PlatformGateway

QUERY = "1312"
ALL_UPDATES = "2000-01-01 00:00:00"  # 1312 asks from when rows were updated: every row


class CodeStatus(str, Enum):
    OK = "OK"
    UNKNOWN = "UNKNOWN"  # 1312 finds no row of this code
    NOT_IN_FORCE = "NOT_IN_FORCE"  # rows, none valid today
    LIST_TYPE_DIFFERS = "LIST_TYPE_DIFFERS"  # in force, under another 目录类别 than the hospital's list says


@dataclass(frozen=True)
class ListedCode:
    """One entry of a hospital list and the national code it maps to."""

    source: str  # "charge_item" (院内收费项目) or "drug" (院内药品目录)
    code: str
    name: str
    national_code: str
    list_type: str  # 101 102 ... as the hospital's list says ("" = not said)


@dataclass(frozen=True)
class CodeFinding:
    listed: ListedCode
    status: CodeStatus
    hilist_name: str = ""  # the platform's name of the code
    hilist_list_type: str = ""


class NationalCodeCheck:
    def __init__(self, gateway: PlatformGateway, clock: Clock, *sources: Callable[[], Iterable[ListedCode]]):
        self.gateway, self.clock, self.sources = gateway, clock, sources

    def check(self, op: Operator) -> list[CodeFinding]:
        """Every entry of every list, with what 1312 says of its national code today (one query per
        distinct code)."""
        listed = [entry for source in self.sources for entry in source()]
        today = self.clock.now().date().isoformat()
        shown: dict[str, list[dict]] = {}
        for code in dict.fromkeys(e.national_code for e in listed):
            output = self.gateway.call(op, QUERY, {"data": {"hilist_code": code, "query_date": today,
                                                            "updt_time": ALL_UPDATES, "page_num": 1,
                                                            "page_size": 50}})
            shown[code] = [r for r in output.get("data") or [] if str(r.get("hilist_code") or "") == code]
        return [_finding(e, shown[e.national_code]) for e in listed]


def _finding(listed: ListedCode, rows: list[dict]) -> CodeFinding:
    if not rows:
        return CodeFinding(listed, CodeStatus.UNKNOWN)
    valid = [r for r in rows if str(r.get("vali_flag") or "1") == "1"]
    row = (valid or rows)[0]
    name, list_type = str(row.get("hilist_name") or ""), str(row.get("list_type") or "")
    if not valid:
        return CodeFinding(listed, CodeStatus.NOT_IN_FORCE, name, list_type)
    if listed.list_type and list_type and listed.list_type != list_type:
        return CodeFinding(listed, CodeStatus.LIST_TYPE_DIFFERS, name, list_type)
    return CodeFinding(listed, CodeStatus.OK, name, list_type)


def price_list(admin: HospitalAdmin) -> Callable[[], list[ListedCode]]:
    """The price list's items in force, as a source."""
    return lambda: [ListedCode("charge_item", v.value.code, v.value.name, v.value.national_code, v.value.list_type)
                    for v in admin.list("charge_item")]


_DRUG_LIST_TYPES = {DrugKind.WESTERN: "101", DrugKind.HERBAL: "102"}  # 西药中成药, 中药饮片


def formulary_drugs(formulary: Callable[[], Formulary]) -> Callable[[], list[ListedCode]]:
    """The formulary's drugs, as a source."""
    return lambda: [ListedCode("drug", d.code, d.generic_name, d.national_code, _DRUG_LIST_TYPES.get(d.kind, ""))
                    for d in sorted(formulary().drugs.values(), key=lambda d: d.code)]
