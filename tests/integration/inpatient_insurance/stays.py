"""Helpers for the inpatient 医保 tests: an admission of the demo worker, days of fee rows, a discharge."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.operator import Operator
from domain.visit import Diagnosis, FeeItem
from services.inpatient_insurance import AdmitPatient, Discharge

WORKER = "42010620000000000001"
OP = Operator("2001", "病区护士")
T = datetime(2026, 3, 2, 9, 40)
ROWS = (("XJ01CAA040A001010104022", "2", "12.50"), ("001102000010000", "1", "10.00"))


def certno(psn_no: str = WORKER) -> str:
    return next(p.certno for p in demo_persons() if p.psn_no == psn_no)


def diagnosis(code: str = "J18.900", name: str = "肺炎", at: datetime = T) -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=1, diag_code=code, diag_name=name, diag_dept="内科",
                     dise_dor_no="D001", dise_dor_name="王医生", diag_time=at, maindiag_flag="1")


def admit_command(ipt_no: str = "", psn_no: str = WORKER, **more) -> AdmitPatient:
    values = dict(psn_no=psn_no, insutype="310", med_type="21", mdtrt_cert_type="02", mdtrt_cert_no=certno(psn_no),
                  ipt_no=ipt_no or f"ZY{uuid.uuid4().hex[:16].upper()}", dept_code="NK02", dept_name="内科病区",
                  atddr_no="D001", chfpdr_name="王医生", adm_bed="12", diagnoses=(diagnosis(),), begntime=T)
    values.update(more)
    return AdmitPatient(**values)


def admit(app, ipt_no: str = "", psn_no: str = WORKER, **more):
    app.outpatient.read_person(OP, "02", certno(psn_no))
    return app.inpatient_insurance.admit(OP, admit_command(ipt_no, psn_no, **more))


def day_fees(day: int, prefix: str = "") -> list[FeeItem]:
    """One day's charges of the stay, as one upload."""
    batch = f"{prefix}D{day}"
    return [FeeItem(feedetl_sn=f"{batch}-{i}-{uuid.uuid4().hex[:6]}", chrg_bchno=batch, med_list_codg=code,
                    medins_list_codg=f"HIS{i}", det_item_fee_sumamt=(Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01")),
                    cnt=Decimal(cnt), pric=Decimal(pric), fee_ocur_time=T + timedelta(days=day, hours=1),
                    bilg_dept_codg="NK02", bilg_dept_name="内科病区", bilg_dr_codg="D001", bilg_dr_name="王医生")
            for i, (code, cnt, pric) in enumerate(ROWS, 1)]


def discharge_command(days: int = 3) -> Discharge:
    return Discharge(dept_code="NK02", dept_name="内科病区", diagnoses=(diagnosis(at=T + timedelta(days=days)),),
                     endtime=T + timedelta(days=days))


def copies(items: list[FeeItem]) -> list[FeeItem]:
    return [replace(i) for i in items]
