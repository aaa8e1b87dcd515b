"""Speaks to a Platform the way the HIS does, with valid requests built from the demo data."""
from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.operator import Operator
from ports.platform import Platform, PlatformReply, PlatformRequest

NOW = datetime(2026, 3, 2, 9, 30, 0)
WORKER = "42010620000000000001"  # 职工 310, account 1500.00
_seq = itertools.count(1)


def person(psn_no: str):
    return next(p for p in demo_persons() if p.psn_no == psn_no)


class Driver:
    def __init__(self, platform: Platform, operator: Operator = Operator("C001", "合约测试员")):
        self.platform, self.operator, self.sign_no = platform, operator, ""
        self.last_msgid = ""

    def call(self, infno: str, payload: dict, sign_no: str | None = None) -> PlatformReply:
        n = next(_seq)
        self.last_msgid = f"H42010600001{20260302093000 + n // 10000}{n % 10000:04d}"
        return self.platform.execute(PlatformRequest(
            infno=infno, msgid=self.last_msgid, input=payload, operator=self.operator, inf_time=NOW,
            sign_no=self.sign_no if sign_no is None else sign_no, insuplc_admdvs="420106"))

    def sign_in(self) -> None:
        out = self.call("9001", {"signIn": {"opter_no": self.operator.code, "ip": "127.0.0.1"}}, sign_no="")
        self.sign_no = out.output["signinoutb"]["sign_no"]

    def register(self, psn_no: str = WORKER) -> str:
        p = person(psn_no)
        self.ipt_otp_no = f"MZ{next(_seq)}"
        out = self.call("2201A", {"data": {
            "psn_no": psn_no, "insutype": "310", "begntime": "2026-03-02 09:30:00", "mdtrt_cert_type": "02",
            "mdtrt_cert_no": p.certno, "ipt_otp_no": self.ipt_otp_no, "atddr_no": "D001", "dr_name": "王医生",
            "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03", "med_type": "11"}})
        return out.output["data"]["mdtrt_id"]

    def upload(self, mdtrt_id: str, rows: list[tuple[str, str, str]], batch: str = "B1",
               psn_no: str = WORKER) -> PlatformReply:
        feedetail = [{
            "feedetl_sn": f"{batch}-{i}", "mdtrt_id": mdtrt_id, "psn_no": psn_no, "chrg_bchno": batch,
            "rx_circ_flag": "0", "fee_ocur_time": "2026-03-02 09:40:00", "med_list_codg": code,
            "medins_list_codg": f"HIS{i:04d}", "det_item_fee_sumamt": (Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01")),
            "cnt": Decimal(cnt), "pric": Decimal(pric), "bilg_dept_codg": "NK01", "bilg_dept_name": "内科门诊",
            "bilg_dr_codg": "D001", "bilg_dr_name": "王医生", "hosp_appr_flag": "1"}
            for i, (code, cnt, pric) in enumerate(rows, 1)]
        return self.call("2204", {"feedetail": feedetail})

    def settle_data(self, mdtrt_id: str, total: Decimal, batch: str = "B1", psn_no: str = WORKER) -> dict:
        return {"data": {"psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": person(psn_no).certno,
                         "med_type": "11", "medfee_sumamt": total, "psn_setlway": "01", "mdtrt_id": mdtrt_id,
                         "chrg_bchno": batch, "acct_used_flag": "1", "insutype": "310",
                         "fulamt_ownpay_amt": Decimal("0"), "overlmt_selfpay": Decimal("0"),
                         "preselfpay_amt": Decimal("0"), "inscp_scp_amt": Decimal("0")}}
