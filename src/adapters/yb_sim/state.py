"""Everything the simulated platform remembers. Plain data; the handlers hold the rules and the
simulator's lock serialises every change."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.money import ZERO

ACTIVE = "active"
CANCELLED = "cancelled"  # undone by 2208 (the negative settlement stays beside it)
REVERSED = "reversed"  # undone by 2601: as if it never happened


@dataclass
class Account:
    """One 险种 a person is enrolled in (a 1101 insuinfo row) and its personal-account balance."""

    insutype: str
    balc: Decimal
    psn_type: str
    insuplc_admdvs: str
    psn_insu_date: date
    psn_insu_stas: str = "1"
    cvlserv_flag: str = "0"
    emp_name: str = ""


@dataclass
class Person:
    psn_no: str
    psn_name: str
    certno: str
    gend: str
    brdy: date
    naty: str
    card_no: str  # 社会保障卡卡号 (mdtrt_cert_type 03)
    ec_token: str  # 医保电子凭证 token (mdtrt_cert_type 01)
    accounts: list[Account]
    psn_cert_type: str = "01"

    def account(self, insutype: str) -> Account | None:
        return next((a for a in self.accounts if a.insutype == insutype), None)


@dataclass
class SignIn:
    sign_no: str
    operator_code: str
    sign_time: datetime
    active: bool = True


@dataclass
class Fee:
    """One uploaded 2204 row with the platform's classification of it."""

    feedetl_sn: str
    chrg_bchno: str
    med_list_codg: str
    det_item_fee_sumamt: Decimal
    cnt: Decimal
    pric: Decimal
    chrgitm_lv: str
    med_chrgitm_type: str
    pric_uplmt_amt: Decimal
    selfpay_prop: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_amt: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    setl_id: str = ""  # the active settlement that paid it


@dataclass
class Visit:
    mdtrt_id: str
    psn_no: str
    insutype: str
    med_type: str
    ipt_otp_no: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    begntime: str
    cancelled: bool = False  # 撤销 (2202 / 2404): queries still show it, as no longer valid
    reversed: bool = False  # undone by 2601: as if it never happened, 5201 does not list it
    mdtrtinfo: dict = field(default_factory=dict)
    diagnoses: list[dict] = field(default_factory=list)
    fees: dict[str, Fee] = field(default_factory=dict)  # by feedetl_sn, in upload order
    setl_ids: list[str] = field(default_factory=list)

    def batch(self, chrg_bchno: str) -> list[Fee]:
        return [f for f in self.fees.values() if f.chrg_bchno == chrg_bchno]


@dataclass
class Settlement:
    setl_id: str
    mdtrt_id: str
    psn_no: str
    insutype: str
    chrg_bchno: str
    year: int
    setlinfo: dict
    setldetail: list[dict]
    acct_pay: Decimal = ZERO
    act_pay_dedc: Decimal = ZERO
    hifp_pay: Decimal = ZERO
    fee_sns: tuple[str, ...] = ()
    state: str = ACTIVE
    cancel_setl_id: str = ""  # on an original: the negative settlement that cancelled it
    origin_setl_id: str = ""  # on a negative settlement: the one it cancels


@dataclass
class Message:
    """A processed msgid: what 2601 needs to undo it."""

    msgid: str
    infno: str
    psn_no: str
    undo: tuple | None = None  # ("settle", setl_id) | ("cancel", neg_setl_id) | ("register", mdtrt_id) | ("fees", mdtrt_id, sns)
    refused: bool = False
    reversed: bool = False  # undone by 2601, or 冲正 before it arrived (unknown_reversal "remember")


_INSTANCES = itertools.count(1)


class Ids:
    """Platform-issued identifiers. The boot time and an instance number are part of each so that
    a restarted simulator, or a second one started in the same second, never reissues an id a HIS
    database may still hold."""

    def __init__(self, admdvs: str, boot: datetime):
        self._admdvs = admdvs
        self._boot = boot.strftime("%y%m%d%H%M%S") + f"{next(_INSTANCES) % 100:02d}"
        self._counters = {k: itertools.count(1) for k in ("mdtrt", "setl", "sign", "ref")}

    def mdtrt_id(self) -> str:
        return f"{self._admdvs}1{self._boot}{next(self._counters['mdtrt']):06d}"  # 27 digits

    def setl_id(self) -> str:
        return f"{self._admdvs}2{self._boot}{next(self._counters['setl']):06d}"

    def sign_no(self) -> str:
        return f"{self._boot}{next(self._counters['sign']):06d}"  # 20 digits

    def inf_refmsgid(self, now: datetime) -> str:
        """admdvs(6) + yyyyMMddHHmmss(14) + sequence(10) = 30 characters."""
        return f"{self._admdvs}{now:%Y%m%d%H%M%S}{next(self._counters['ref']) % 10**10:010d}"


class SimState:
    def __init__(self, admdvs: str, boot: datetime):
        self.ids = Ids(admdvs, boot)
        self.persons: dict[str, Person] = {}
        self.sign_ins: dict[str, SignIn] = {}
        self.visits: dict[str, Visit] = {}
        self.settlements: dict[str, Settlement] = {}
        self.messages: dict[str, Message] = {}
        self.dedc_used: dict[tuple[str, str, int], Decimal] = {}  # (psn_no, insutype, year)
        self.pool_used: dict[tuple[str, str, int], Decimal] = {}
        self.sections: dict[str, object] = {}

    def section(self, name: str, factory):
        """State that belongs to one group of handlers (catalogs, filings, stock ...), created on
        first use, so a new group needs no change here."""
        if name not in self.sections:
            self.sections[name] = factory()
        return self.sections[name]

    def add_person(self, person: Person) -> None:
        self.persons[person.psn_no] = person

    def find_person(self, cert_type: str, cert_no: str) -> Person | None:
        key = cert_no.strip()
        if cert_type == "03":
            key = key.split("|")[0]  # card readers send "cardno|..." in some provinces
        for person in self.persons.values():
            if (cert_type == "01" and person.ec_token == key) or \
                    (cert_type == "02" and person.certno.upper() == key.upper()) or \
                    (cert_type == "03" and person.card_no == key):
                return person
        return None

    def active_settlement(self, visit: Visit) -> Settlement | None:
        for setl_id in visit.setl_ids:
            s = self.settlements[setl_id]
            if s.state == ACTIVE and not s.origin_setl_id:
                return s
        return None

    def used(self, table: dict, psn_no: str, insutype: str, year: int) -> Decimal:
        return table.get((psn_no, insutype, year), ZERO)

    def add_used(self, table: dict, psn_no: str, insutype: str, year: int, amount: Decimal) -> None:
        key = (psn_no, insutype, year)
        table[key] = table.get(key, ZERO) + amount
