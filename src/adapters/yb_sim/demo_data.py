"""Synthetic insured persons the simulator starts with. Names and numbers are invented; ID numbers
use sequence digits 99x (never issued) with a valid GB 11643 check digit."""
from __future__ import annotations

import copy
import hashlib
from datetime import date
from decimal import Decimal

from adapters.yb_sim.state import Account, Person

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    """GB 11643 check character of an 18-digit 居民身份证号码."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def make_certno(region: str, birth: date, gend: str) -> str:
    # 15th-16th digits 99 mark the number as synthetic; the 17th is odd for men, even for women.
    first17 = f"{region}{birth:%Y%m%d}99{'1' if gend == '1' else '2'}"
    return first17 + check_digit(first17)


def ec_token_of(psn_no: str) -> str:
    # 电子凭证 tokens are opaque strings scanned from a QR code; derive a stable one.
    return "01" + hashlib.sha256(psn_no.encode()).hexdigest()[:30].upper()


def _person(psn_no: str, name: str, gend: str, birth: date, card_no: str, accounts: list[Account],
            naty: str = "01") -> Person:
    return Person(psn_no=psn_no, psn_name=name, certno=make_certno("420106", birth, gend), gend=gend,
                  brdy=birth, naty=naty, card_no=card_no, ec_token=ec_token_of(psn_no), accounts=accounts)


def _worker(balance: str) -> Account:
    return Account("310", Decimal(balance), "1101", "420106", date(2010, 7, 1), emp_name="武汉示范科技有限公司")


def _resident() -> Account:
    return Account("390", Decimal("0.00"), "1560", "420106", date(2018, 1, 1), emp_name="")


def _build() -> list[Person]:
    return [
        # 职工 with a comfortable account: the account pays the whole personal share.
        _person("42010620000000000001", "测试职工甲", "1", date(1980, 5, 12), "H42010601",
                [_worker("1500.00")]),
        # 职工 with little left in the account: the account pays part, cash the rest.
        _person("42010620000000000002", "测试职工乙", "2", date(1975, 11, 3), "H42010602",
                [_worker("20.00")]),
        # 居民: no personal account.
        _person("42010620000000000003", "测试居民丙", "1", date(2001, 2, 28), "H42010603",
                [_resident()], naty="15"),
        # Enrolled twice (职工 and an old 居民 record): the HIS must choose the insutype.
        _person("42010620000000000004", "测试双保丁", "2", date(1968, 8, 8), "H42010604",
                [_worker("800.00"), _resident()]),
    ]


_PERSONS = _build()


def demo_persons() -> list[Person]:
    """Fresh copies of the demo persons (a simulator may change balances on its own copies)."""
    return copy.deepcopy(_PERSONS)
