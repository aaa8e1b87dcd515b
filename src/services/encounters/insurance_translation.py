"""The hospital's encounter in the 医保 platform's terms, for the outpatient transaction family:
registration (2201A), visit information with diagnoses (2203) and fee rows (2204). One place for
the mapping, so a use case speaks of patients, clinics and doctors and never builds a payload."""
from __future__ import annotations

import hashlib
from datetime import datetime

from domain.encounters import Charge, Encounter, EncounterDiagnosis
from domain.hospital import Department, StaffMember
from domain.visit import Diagnosis, FeeItem
from services.outpatient import RegisterVisit


def outpatient_number(key: str) -> str:
    """The 门诊号 (ipt_otp_no, 30 characters at most) of one registration of an encounter: drawn
    from a key that is the same on every retry (a request_id, or the encounter id and its leg), so
    the same registration asked for twice reaches the platform once."""
    return "MZE" + hashlib.sha256(key.encode()).hexdigest()[:22].upper()


def registration(encounter: Encounter, dept: Department, doctor: StaffMember | None, ipt_otp_no: str,
                 begntime: datetime, med_type: str = "") -> RegisterVisit:
    """2201A of the encounter at this department and doctor. 科室: the department's 医保 code (3401);
    医师: the doctor's national 医保 code; no doctor (a clinic's shared queue): the department alone."""
    return RegisterVisit(
        psn_no=encounter.psn_no, insutype=encounter.insutype, med_type=med_type or encounter.med_type,
        mdtrt_cert_type=encounter.mdtrt_cert_type, mdtrt_cert_no=encounter.mdtrt_cert_no,
        dept_code=dept.yb_dept_code, dept_name=dept.name, caty=dept.caty,
        atddr_no=doctor.yb_code if doctor else "", dr_name=doctor.name if doctor else "",
        ipt_otp_no=ipt_otp_no, begntime=begntime)


def diagnoses(found: list[EncounterDiagnosis], dept: Department, doctor: StaffMember | None) -> list[Diagnosis]:
    """2203 diseinfo rows: the encounter's diagnoses as made at this department by this doctor (a
    transfer that keeps the registration sends them again under the receiving department and doctor)."""
    return [Diagnosis(diag_type=d.kind or "1", diag_srt_no=d.srt_no, diag_code=d.code, diag_name=d.name,
                      diag_dept=dept.name, dise_dor_no=doctor.yb_code if doctor else "",
                      dise_dor_name=doctor.name if doctor else "", diag_time=d.at,
                      maindiag_flag="1" if d.main else "0")
            for d in found]


def fee_items(charges: list[Charge], chrg_bchno: str, dept: Department, doctor: StaffMember | None) -> list[FeeItem]:
    """2204 feedetail rows of unpaid charges, one batch; each row's number is the batch's and the
    line's, unique to this upload (a batch cancelled and sent again takes a new batch number)."""
    return [FeeItem(feedetl_sn=f"{chrg_bchno}-{c.line_no}", chrg_bchno=chrg_bchno, med_list_codg=c.national_code,
                    medins_list_codg=c.item_code, medins_list_name=c.item_name, det_item_fee_sumamt=c.amount,
                    cnt=c.quantity, pric=c.unit_price, fee_ocur_time=c.added_at,
                    bilg_dept_codg=dept.yb_dept_code, bilg_dept_name=dept.name,
                    bilg_dr_codg=doctor.yb_code if doctor else "", bilg_dr_name=doctor.name if doctor else "")
            for c in charges]
