"""The simulated platform's registry of 定点医药机构 (answered by 1201, checked by 2001/9101/9102).

Codes follow the national shape (H/P + 6-digit 区划 + 5-digit sequence); the 统一社会信用代码 carry
valid GB 11714 and GB 32100 check characters. Names are invented.
"""
from __future__ import annotations

from dataclasses import dataclass

SELF_CODE = "H42010600001"  # the institution the simulator's demo HIS is (services.settings agrees)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body: str) -> str:
    """GB 11714 组织机构代码: 8 characters + check character."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc(kind: str, admdvs: str, org_body: str) -> str:
    """GB 32100 统一社会信用代码: 登记管理部门+机构类别 (2) + 区划 (6) + 组织机构代码 (9) + check."""
    first17 = kind + admdvs + org_code(org_body)
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class Institution:
    fixmedins_code: str
    fixmedins_name: str
    uscc: str
    fixmedins_type: str  # 1 医疗机构, 2 零售药店 ...
    hosp_lv: str | None  # catalog_base.LOCAL_DICTS["hosp_lv"]; None for a pharmacy
    admdvs: str

    def row(self) -> dict:
        return {"fixmedins_code": self.fixmedins_code, "fixmedins_name": self.fixmedins_name, "uscc": self.uscc,
                "fixmedins_type": self.fixmedins_type, "hosp_lv": self.hosp_lv, "exp_content": None}


INSTITUTIONS: tuple[Institution, ...] = (
    Institution(SELF_CODE, "武汉市示范医院", uscc("12", "420106", "M0000001"), "1", "02", "420106"),
    Institution("H42010600002", "武汉市江汉区示范社区卫生服务中心", uscc("12", "420106", "M0000002"), "1", "08",
                "420106"),
    Institution("H42010200003", "武汉市示范中医医院", uscc("12", "420102", "M0000003"), "1", "05", "420102"),
    Institution("P42010600004", "武汉示范大药房连锁有限公司", uscc("91", "420106", "MA000004"), "2", None, "420106"),
    Institution("H42050200005", "宜昌市示范人民医院", uscc("12", "420502", "M0000005"), "1", "02", "420502"),
    Institution("H42010600006", "武汉市示范妇幼保健院", uscc("12", "420106", "M0000006"), "5", "03", "420106"),
)
_BY_CODE = {i.fixmedins_code: i for i in INSTITUTIONS}


def institution(code: str) -> Institution | None:
    return _BY_CODE.get(code)


def find(fixmedins_type: str, code: str = "", name: str = "") -> list[Institution]:
    """1201: by type, then exactly by code and by any part of the name when given."""
    return [i for i in INSTITUTIONS if i.fixmedins_type == fixmedins_type
            and (not code or i.fixmedins_code == code) and (not name or name in i.fixmedins_name)]


def requester(msgid: str) -> str:
    """The institution that sent a message: msgid starts with its 12-character code."""
    return msgid[:12]
