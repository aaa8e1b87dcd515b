"""An insured person described as JSON (POST /_sim/persons), so a test can enrol as many distinct
persons as it needs. Only psn_no is required; what is left out gets a synthetic value:

    {"psn_no": "42010620000000001001", "psn_name": "测试人员", "gend": "1", "brdy": "1980-05-12",
     "naty": "01", "certno": "...", "card_no": "...", "ec_token": "...", "psn_cert_type": "01",
     "accounts": [{"insutype": "310", "balc": "1500.00", "psn_type": "1101", "insuplc_admdvs": "420106",
                   "psn_insu_date": "2010-07-01", "psn_insu_stas": "1", "cvlserv_flag": "0", "emp_name": ""}]}

Without certno and brdy, the birth date is drawn from psn_no and moved on until the 身份证号 it
gives is no one else's: the platform finds persons by certno, so two must never share one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from adapters.yb_sim.demo_data import ec_token_of, make_certno
from adapters.yb_sim.state import Account, Person
from domain.money import money

DEFAULT_ACCOUNTS = ({"insutype": "310", "balc": "1500.00"},)
_EARLIEST_BIRTH = date(1950, 1, 1)
_BIRTH_SPAN_DAYS = 50 * 365
_WORKER_EMPLOYER = "武汉示范科技有限公司"


def _text(spec: Mapping, name: str, default: str = "", where: str = "") -> str:
    value = spec.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError(f"{where}{name}: must be a string")
    return str(value).strip()


def _date(spec: Mapping, name: str, where: str = "") -> date | None:
    value = _text(spec, name, where=where)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{where}{name}: {value!r} is not a date (yyyy-MM-dd)") from None


def _account(spec: object, i: int, admdvs: str) -> Account:
    where = f"accounts[{i}]."
    if not isinstance(spec, Mapping):
        raise ValueError(f"accounts[{i}]: must be an object")
    insutype = _text(spec, "insutype", where=where)
    if not insutype:
        raise ValueError(f"{where}insutype: required")
    worker = insutype.startswith("31")  # 职工 (310 ...) have a personal account and an employer
    try:
        balc = money(spec.get("balc") if spec.get("balc") not in (None, "") else "0")
    except (ValueError, TypeError, InvalidOperation):
        raise ValueError(f"{where}balc: {spec.get('balc')!r} is not an amount") from None
    if balc < Decimal(0):
        raise ValueError(f"{where}balc: must not be negative")
    return Account(
        insutype=insutype, balc=balc, psn_type=_text(spec, "psn_type", "1101" if worker else "1560", where),
        insuplc_admdvs=_text(spec, "insuplc_admdvs", admdvs, where),
        psn_insu_date=_date(spec, "psn_insu_date", where) or date(2010, 7, 1),
        psn_insu_stas=_text(spec, "psn_insu_stas", "1", where), cvlserv_flag=_text(spec, "cvlserv_flag", "0", where),
        emp_name=_text(spec, "emp_name", _WORKER_EMPLOYER if worker else "", where))


def _birth_in(certno: str) -> date | None:
    try:
        return date(int(certno[6:10]), int(certno[10:12]), int(certno[12:14])) if len(certno) == 18 else None
    except ValueError:
        return None


def _drawn_birth(psn_no: str) -> date:
    digest = int(hashlib.sha256(psn_no.encode()).hexdigest(), 16)
    return _EARLIEST_BIRTH + timedelta(days=digest % _BIRTH_SPAN_DAYS)


def person_from_spec(spec: object, admdvs: str, others: Iterable[Person]) -> Person:
    """The person `spec` describes; ValueError naming the field when it is bad, or when its psn_no,
    certno, card_no or ec_token belongs to one of `others`."""
    if not isinstance(spec, Mapping):
        raise ValueError("the person must be a JSON object")
    others = list(others)
    psn_no = _text(spec, "psn_no")
    if not psn_no:
        raise ValueError("psn_no: required")
    if any(o.psn_no == psn_no for o in others):
        raise ValueError(f"psn_no: {psn_no} is already enrolled")
    gend = _text(spec, "gend", "1")
    if gend not in ("1", "2"):
        raise ValueError(f"gend: {gend!r} must be 1 or 2")
    certs = {o.certno.upper() for o in others}
    given_birth = _date(spec, "brdy")
    certno = _text(spec, "certno").upper()
    brdy = given_birth or _birth_in(certno) or _drawn_birth(psn_no)
    if not certno:
        certno = make_certno(admdvs, brdy, gend)
        while given_birth is None and certno in certs:
            brdy += timedelta(days=1)
            certno = make_certno(admdvs, brdy, gend)
    card_no, ec_token = _text(spec, "card_no", f"C{psn_no}"), _text(spec, "ec_token", ec_token_of(psn_no))
    for name, value, taken in (("certno", certno, certs), ("card_no", card_no, {o.card_no for o in others}),
                               ("ec_token", ec_token, {o.ec_token for o in others})):
        if value in taken:
            raise ValueError(f"{name}: {value} belongs to another person")
    raw_accounts = spec.get("accounts")
    if raw_accounts is None:
        raw_accounts = DEFAULT_ACCOUNTS
    if not isinstance(raw_accounts, (list, tuple)) or not raw_accounts:
        raise ValueError("accounts: must be a non-empty list")
    accounts = [_account(a, i, admdvs) for i, a in enumerate(raw_accounts)]
    if len({a.insutype for a in accounts}) < len(accounts):
        raise ValueError("accounts: one account per insutype")
    return Person(psn_no=psn_no, psn_name=_text(spec, "psn_name", f"测试人员{psn_no[-4:]}"), certno=certno,
                  gend=gend, brdy=brdy, naty=_text(spec, "naty", "01"), card_no=card_no, ec_token=ec_token,
                  accounts=accounts, psn_cert_type=_text(spec, "psn_cert_type", "01"))
