"""Helpers for the service-level tests: the demo person, fee rows and a diagnosis."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.operator import Operator
from domain.visit import Diagnosis, FeeItem
from services.outpatient import RegisterVisit

WORKER = "42010620000000000001"
OP = Operator("1001", "演示收费员")
T = datetime(2026, 3, 2, 9, 40)


def certno(psn_no: str = WORKER) -> str:
    return next(p.certno for p in demo_persons() if p.psn_no == psn_no)


def register(app, psn_no: str = WORKER, insutype: str = "310"):
    app.outpatient.read_person(OP, "02", certno(psn_no))
    return app.outpatient.register(OP, RegisterVisit(
        psn_no=psn_no, insutype=insutype, med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=certno(psn_no),
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生"))


def fees(batch: str = "B1", rows=(("XJ01CAA040A001010104022", "2", "12.50"), ("001102000010000", "1", "10.00")),
         start: int = 1) -> list[FeeItem]:
    return [FeeItem(feedetl_sn=f"{batch}-{i}", chrg_bchno=batch, med_list_codg=code, medins_list_codg=f"HIS{i}",
                    det_item_fee_sumamt=(Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01")), cnt=Decimal(cnt),
                    pric=Decimal(pric), fee_ocur_time=T, bilg_dept_codg="NK01", bilg_dept_name="内科门诊",
                    bilg_dr_codg="D001", bilg_dr_name="王医生")
            for i, (code, cnt, pric) in enumerate(rows, start)]


def diagnosis() -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染", diag_dept="内科",
                     dise_dor_no="D001", dise_dor_name="王医生", diag_time=T, maindiag_flag="1")
