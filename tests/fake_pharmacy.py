"""A pharmacy (定点药店) playing its side of 处方流转 against the simulator, in memory or over HTTP:
scan the prescription's QR code (7201), list the patient's prescriptions (7202), download one (7203),
review it (7204: the platform pushes a 7102 to the hospital), and sell it (2102 药店结算 whose drug
rows name the hi_rxno: the platform pushes a 7103)."""
from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from adapters.yb_http.client import HttpPlatform, HttpSettings
from domain.institution import Institution
from domain.money import line_total
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformRequest, make_msgid

PHARMACY = Institution(fixmedins_code="P42010600001", fixmedins_name="模拟定点药店")
PHARMACIST = Operator("P01", "李药师")
DT = "%Y-%m-%d %H:%M:%S"


class FakePharmacy:
    def __init__(self, platform, now=datetime.now):
        """`platform`: a SimulatorPlatform (in memory) or an HttpPlatform (see over_http)."""
        self.platform, self.now = platform, now
        self._seq = itertools.count(1)
        self.sign_no = ""

    @classmethod
    def over_http(cls, url: str, paasid: str, token: str) -> FakePharmacy:
        return cls(HttpPlatform(HttpSettings(url=url, paasid=paasid, token=token), PHARMACY, load_catalogue()))

    def call(self, infno: str, input: dict) -> dict:
        if not self.sign_no and infno != "9001":
            self.sign_no = self.call("9001", {"signIn": {"opter_no": PHARMACIST.code, "mac": "", "ip": "10.0.0.9"}}
                                     )["signinoutb"]["sign_no"]
        now = self.now()
        request = PlatformRequest(infno=infno, msgid=make_msgid(PHARMACY.fixmedins_code, now, next(self._seq) % 10000),
                                  input=input, operator=PHARMACIST, inf_time=now, sign_no=self.sign_no,
                                  insuplc_admdvs="420106")
        return self.platform.execute(request).output

    # ---- the steps --------------------------------------------------------------------------
    def scan(self, hi_rxno: str) -> dict:
        """7201: the QR code of the prescription → a token and the patient."""
        return self.call("7201", {"data": {"app_chnl_id": "C1", "app_chnl_user_id": "U1", "dev_info": "POS",
                                           "epc_qrcd": hi_rxno, "ip_info": "10.0.0.9", "opter": PHARMACIST.code,
                                           "opter_name": PHARMACIST.name, "optins": PHARMACY.fixmedins_code}})["data"]

    def listed(self, certno: str) -> list[dict]:
        """7202: the patient's usable prescriptions."""
        return self.call("7202", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno,
                                           "insuplc_admdvs": "420106", "ip_info": "10.0.0.9",
                                           "opter": PHARMACIST.code, "opter_name": PHARMACIST.name,
                                           "optins": PHARMACY.fixmedins_code}})["data"] or []

    def download(self, token: str) -> dict:
        """7203: the prescription itself."""
        return self.call("7203", {"data": {"epc_token": token, "insuplc_admdvs": "420106"}})

    def review(self, hi_rxno: str, approve: bool = True, opinion: str = "") -> None:
        """7204: the pharmacist's review ("1" 审核通过, "2" 不通过)."""
        self.call("7204", {"data": {
            "hi_rxno": hi_rxno, "phar_cert_type": "01", "phar_certno": "420106198001010011",
            "phar_name": PHARMACIST.name, "rchk_phar_certno": "420106198001010022", "rchk_phar_name": "赵药师",
            "rx_chk_opnn": opinion or ("审核通过" if approve else "剂量超常，请医师确认"),
            "rx_chk_stas_codg": "1" if approve else "2", "rx_chk_time": self.now().strftime(DT)}})

    def sell(self, hi_rxno: str, psn_no: str, certno: str, insutype: str = "310") -> dict:
        """2102 药店结算 of every drug the downloaded prescription lists, at its price."""
        token = self.scan(hi_rxno)["epc_token"]
        rx = self.download(token)
        now = self.now().strftime(DT)
        rows = []
        for n, drug in enumerate(rx["rxdrugdetail"], 1):
            cnt, pric = Decimal(drug["drug_cnt"]), Decimal(drug.get("drug_pric") or "1")
            rows.append({"feedetl_sn": f"{hi_rxno[-12:]}-{n}", "rxno": hi_rxno, "rx_circ_flag": "1",
                         "fee_ocur_time": now, "med_list_codg": drug["med_list_codg"],
                         "medins_list_codg": f"YD{n:04d}", "det_item_fee_sumamt": line_total(cnt, pric), "cnt": cnt,
                         "pric": pric})
        total = sum((r["det_item_fee_sumamt"] for r in rows), Decimal("0.00"))
        return self.call("2102", {"druginfo": {"psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": certno,
                                               "begntime": now, "medfee_sumamt": total, "insutype": insutype,
                                               "acct_used_flag": "1", "med_type": "41"},
                                  "drugdetail": rows})
