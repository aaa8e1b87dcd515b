"""Builders of domain objects for the database tests; every id is fresh (the database is shared)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from domain.settlement import FundPayment, Settlement
from domain.visit import Diagnosis, FeeItem, Visit

BEGIN = datetime(2026, 3, 2, 9, 30, 15)

def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid4().hex[:20]}"

def build_visit(**overrides) -> Visit:
    values = dict(
        id=str(uuid4()), psn_no=new_id("P"), insutype="310", med_type="11", mdtrt_cert_type="02",
        mdtrt_cert_no="420106199001011234", ipt_otp_no=new_id("MZ"), begntime=BEGIN, dept_code="A03",
        dept_name="内科", caty="A03", atddr_no="D0001", dr_name="张医生", insuplc_admdvs="420100",
        psn_name="李四",
    )
    values.update(overrides)
    return Visit(**values)

def build_diagnosis(srt_no: int = 1, code: str = "J06.900") -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=srt_no, diag_code=code, diag_name="急性上呼吸道感染",
                     diag_dept="内科", dise_dor_no="D0001", dise_dor_name="张医生", diag_time=BEGIN,
                     maindiag_flag="1" if srt_no == 1 else "0")

def build_fee(sn: str, batch: str, cnt: str, pric: str) -> FeeItem:
    cnt_d, pric_d = Decimal(cnt), Decimal(pric)
    return FeeItem(
        feedetl_sn=sn, chrg_bchno=batch, med_list_codg="XJ01CAA040A001010104023",
        medins_list_codg="H0001", det_item_fee_sumamt=(cnt_d * pric_d).quantize(Decimal("0.01")),
        cnt=cnt_d, pric=pric_d, fee_ocur_time=BEGIN, bilg_dept_codg="A03", bilg_dept_name="内科",
        bilg_dr_codg="D0001", bilg_dr_name="张医生", medins_list_name="阿莫西林胶囊",
    )

def build_settlement(visit: Visit, batch: str, total: str = "0.30") -> Settlement:
    total_d = Decimal(total)
    fund = (total_d * Decimal("0.7")).quantize(Decimal("0.01"))
    person = total_d - fund
    return Settlement(
        mdtrt_id=visit.mdtrt_id, psn_no=visit.psn_no, chrg_bchno=batch, setl_id=new_id("S"),
        medins_setl_id=new_id("H"), setl_time=datetime(2026, 3, 2, 9, 45), insutype=visit.insutype,
        med_type=visit.med_type, clr_type="11", clr_way="1", clr_optins="420100",
        pool_prop_selfpay=Decimal("0.3000"), medfee_sumamt=total_d, inscp_scp_amt=total_d,
        hifp_pay=fund, fund_pay_sumamt=fund, psn_part_amt=person, acct_pay=person,
        balc=Decimal("1234.56"),
        details=[
            FundPayment(fund_pay_type="310100", fund_payamt=fund, inscp_scp_amt=total_d,
                        crt_payb_lmt_amt=Decimal("0.10"), fund_pay_type_name="职工基本医疗保险统筹基金"),
            FundPayment(fund_pay_type="310200", fund_payamt=Decimal("0.00"), setl_proc_info="个人账户"),
        ],
    )

