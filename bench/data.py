"""What every benchmark flow sends, shared by both paths so they do identical business work."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.money import line_total

INSUTYPE = "310"  # 职工基本医疗保险: the demo persons with a personal account
MED_TYPE = "11"
CERT_TYPE = "02"
DEPT = ("NK01", "内科门诊", "A03")
DOCTOR = ("D001", "王医生")
DIAGNOSIS = {"diag_type": "1", "diag_srt_no": 1, "diag_code": "J06.900", "diag_name": "急性上呼吸道感染",
             "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": "王医生", "vali_flag": "1",
             "maindiag_flag": "1"}
MAIN_COND = "咳嗽三天"
# (医保目录编码, HIS code, name, count, unit price): five rows, each within the simulator's ceilings.
FEES = [
    ("XJ01CAA040A001010104022", "YP0001", "阿莫西林胶囊", "2", "12.50"),
    ("001102000010000", "ZL0001", "普通门诊诊察费", "1", "10.00"),
    ("C01010101", "CL0001", "一次性注射器", "3", "1.10"),
    ("XN02BEA015A001010102956", "YP0002", "对乙酰氨基酚片", "1", "8.60"),
    ("250101015000000", "JY0001", "血细胞分析", "1", "20.00"),
]


@dataclass(frozen=True)
class Patient:
    psn_no: str
    certno: str


def patients() -> list[Patient]:
    """The demo 职工 (any person with a 310 account); flows rotate over them."""
    return [Patient(p.psn_no, p.certno) for p in demo_persons() if p.account(INSUTYPE) is not None]


def amount(cnt: str, pric: str) -> Decimal:
    return line_total(Decimal(cnt), Decimal(pric))


def batch_id(path: str, backend: str, run: str, flow: int) -> str:
    """Unique per path, backend, run and flow: the simulator and the fee table reject reused ids."""
    return f"{path[0].upper()}{backend[0].upper()}{run}{flow:05d}"
