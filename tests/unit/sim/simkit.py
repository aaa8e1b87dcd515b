"""Helpers for the simulator tests: a fixed clock and a driver that speaks to a platform the way
the HIS does (sign in, register, upload, settle...). Imported by conftest.py and the tests."""
from __future__ import annotations

import itertools
import threading
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from domain.operator import Operator
from ports.clock import Clock
from ports.platform import PlatformRefused, PlatformReply, PlatformRequest

FIXMEDINS = "H42010600001"
P_WORKER = "42010620000000000001"  # 职工 310, 1500.00
P_WORKER_POOR = "42010620000000000002"  # 职工 310, 20.00
P_RESIDENT = "42010620000000000003"  # 居民 390, 0.00
P_TWO = "42010620000000000004"  # 310 800.00 + 390


def r2(value: Decimal) -> Decimal:
    """cnt × pric to cents, for the amounts a request carries (inputs only). Expected values in the
    tests are literals worked out by hand, never computed with this or the simulator's rules."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class FixedClock(Clock):
    def __init__(self, now: datetime = datetime(2025, 6, 16, 9, 30, 0)):
        self.current = now

    def now(self) -> datetime:
        return self.current


class Driver:
    """Builds valid requests against one platform (in memory or any Platform)."""

    _msg = itertools.count(1)
    _lock = threading.Lock()

    def __init__(self, platform, operator: Operator = Operator("OP001", "测试收费员")):
        self.platform = platform
        self.operator = operator
        self.sign_no = ""
        self.last_msgid = ""

    # ---- raw calls ---------------------------------------------------------------------------
    def new_msgid(self) -> str:
        with self._lock:
            n = next(self._msg)
        return f"{FIXMEDINS}{20250616093000 + n // 10000}{n % 10000:04d}"

    def request(self, infno: str, input: dict, msgid: str | None = None, sign_no: str | None = None,
                operator: Operator | None = None) -> PlatformRequest:
        self.last_msgid = msgid or self.new_msgid()
        return PlatformRequest(infno=infno, msgid=self.last_msgid, input=input, operator=operator or self.operator,
                               inf_time=datetime(2025, 6, 16, 9, 30, 0),
                               sign_no=self.sign_no if sign_no is None else sign_no)

    def call(self, infno: str, input: dict, **kw) -> PlatformReply:
        return self.platform.execute(self.request(infno, input, **kw))

    def refused(self, infno: str, input: dict, contains: str = "", **kw) -> PlatformRefused:
        with pytest.raises(PlatformRefused) as info:
            self.call(infno, input, **kw)
        assert info.value.infcode == -1
        assert contains in info.value.err_msg, info.value.err_msg
        return info.value

    # ---- business steps ----------------------------------------------------------------------
    def sign_in(self) -> str:
        reply = self.call("9001", {"signIn": {"opter_no": self.operator.code, "mac": "00-11-22-33-44-55",
                                              "ip": "10.0.0.8"}}, sign_no="")
        self.sign_no = reply.output["signinoutb"]["sign_no"]
        return self.sign_no

    def register_input(self, psn_no: str, insutype: str = "310", **over) -> dict:
        person = person_by_no(psn_no)
        data = {"psn_no": psn_no, "insutype": insutype, "begntime": "2025-06-16 09:30:00",
                "mdtrt_cert_type": "02", "mdtrt_cert_no": person.certno, "ipt_otp_no": "MZ20250616001",
                "atddr_no": "D001", "dr_name": "王医生", "dept_code": "NK01", "dept_name": "内科门诊",
                "caty": "A03"}
        data.update(over)
        return {"data": data}

    def register(self, psn_no: str, insutype: str = "310") -> str:
        reply = self.call("2201", self.register_input(psn_no, insutype))
        return reply.output["data"]["mdtrt_id"]

    def fee_rows(self, mdtrt_id: str, psn_no: str, items: list[tuple[str, str, str]], batch: str = "B1",
                 start: int = 1) -> list[dict]:
        """items: (med_list_codg, cnt, pric); the amount is cnt × pric."""
        rows = []
        for n, (code, cnt, pric) in enumerate(items, start):
            rows.append({
                "feedetl_sn": f"{batch}-{n}", "mdtrt_id": mdtrt_id, "psn_no": psn_no, "chrg_bchno": batch,
                "rx_circ_flag": "0", "fee_ocur_time": "2025-06-16 09:40:00", "med_list_codg": code,
                "medins_list_codg": f"HIS{n:04d}", "det_item_fee_sumamt": str(r2(Decimal(cnt) * Decimal(pric))),
                "cnt": cnt, "pric": pric, "bilg_dept_codg": "NK01", "bilg_dept_name": "内科门诊",
                "bilg_dr_codg": "D001", "bilg_dr_name": "王医生", "hosp_appr_flag": "1"})
        return rows

    def upload(self, mdtrt_id: str, psn_no: str, items: list[tuple[str, str, str]], batch: str = "B1",
               start: int = 1) -> PlatformReply:
        return self.call("2204", {"feedetail": self.fee_rows(mdtrt_id, psn_no, items, batch, start)})

    def settle_input(self, mdtrt_id: str, psn_no: str, total: Decimal | str, insutype: str = "310",
                     batch: str = "B1", acct: str = "1") -> dict:
        person = person_by_no(psn_no)
        return {"data": {
            "psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": person.certno, "med_type": "11",
            "medfee_sumamt": str(total), "psn_setlway": "01", "mdtrt_id": mdtrt_id, "chrg_bchno": batch,
            "acct_used_flag": acct, "insutype": insutype, "fulamt_ownpay_amt": "0.00",
            "overlmt_selfpay": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": "0.00"}}

    def settle(self, mdtrt_id: str, psn_no: str, total, insutype: str = "310", batch: str = "B1",
               acct: str = "1", infno: str = "2207") -> PlatformReply:
        return self.call(infno, self.settle_input(mdtrt_id, psn_no, total, insutype, batch, acct))

    def cancel(self, setl_id: str, mdtrt_id: str, psn_no: str) -> PlatformReply:
        return self.call("2208", {"data": {"setl_id": setl_id, "mdtrt_id": mdtrt_id, "psn_no": psn_no}})

    def reverse(self, omsgid: str, oinfno: str, psn_no: str) -> PlatformReply:
        return self.call("2601", {"data": {"psn_no": psn_no, "omsgid": omsgid, "oinfno": oinfno}})

    def visit_with_fees(self, psn_no: str, items, insutype: str = "310", batch: str = "B1") -> tuple[str, Decimal]:
        mdtrt_id = self.register(psn_no, insutype)
        self.upload(mdtrt_id, psn_no, items, batch)
        return mdtrt_id, sum((r2(Decimal(c) * Decimal(p)) for _, c, p in items), Decimal("0.00"))


def person_by_no(psn_no: str):
    return next(p for p in demo_persons() if p.psn_no == psn_no)
