"""2201/2201A 门诊挂号, 2202 挂号撤销, 2203 就诊信息上传: a visit on the wire, and back from the journal."""
from __future__ import annotations

from domain.errors import FieldViolation, ValidationFailed
from domain.platform_time import DATETIME_FORMAT as DATETIME
from domain.platform_time import parse_datetime
from domain.visit import Diagnosis, Visit


def registration(visit: Visit, with_med_type: bool) -> dict:
    """2201, or Hubei's 2201A which adds med_type."""
    data = {"psn_no": visit.psn_no, "insutype": visit.insutype, "begntime": visit.begntime.strftime(DATETIME),
            "mdtrt_cert_type": visit.mdtrt_cert_type, "mdtrt_cert_no": visit.mdtrt_cert_no,
            "ipt_otp_no": visit.ipt_otp_no, "atddr_no": visit.atddr_no, "dr_name": visit.dr_name,
            "dept_code": visit.dept_code, "dept_name": visit.dept_name, "caty": visit.caty}
    if with_med_type:
        data["med_type"] = visit.med_type
    return {"data": data}


def registration_cancel(visit: Visit) -> dict:
    return {"data": {"psn_no": visit.psn_no, "mdtrt_id": visit.mdtrt_id, "ipt_otp_no": visit.ipt_otp_no}}


def visit_info(visit: Visit, diagnoses: list[Diagnosis], main_cond_dscr: str, dise_codg: str,
               dise_name: str) -> dict:
    """2203. `dise_codg` / `dise_name` are the 病种, not the ICD diagnosis (that travels in diseinfo)."""
    return {
        "mdtrtinfo": {"mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no, "med_type": visit.med_type,
                      "begntime": visit.begntime.strftime(DATETIME), "main_cond_dscr": main_cond_dscr,
                      "dise_codg": dise_codg, "dise_name": dise_name},
        "diseinfo": [{"diag_type": d.diag_type, "diag_srt_no": d.diag_srt_no, "diag_code": d.diag_code,
                      "diag_name": d.diag_name, "diag_dept": d.diag_dept, "dise_dor_no": d.dise_dor_no,
                      "dise_dor_name": d.dise_dor_name, "diag_time": d.diag_time.strftime(DATETIME),
                      "vali_flag": d.vali_flag} for d in diagnoses]}


def mdtrt_id_of(output: dict) -> str:
    return str(((output or {}).get("data") or {}).get("mdtrt_id") or "")


def visit_from_registration(visit_id: str, request: dict, output: dict) -> Visit:
    """The visit a journaled 2201/2201A registered (request as journaled: insuplc_admdvs + input)."""
    data = (request.get("input") or {}).get("data") or {}
    begntime = parse_datetime(str(data.get("begntime") or ""))
    if begntime is None:
        raise ValidationFailed([FieldViolation("data.begntime", "not in the journaled registration")])
    visit = Visit(id=visit_id, psn_no=str(data.get("psn_no") or ""), insutype=str(data.get("insutype") or ""),
                  med_type=str(data.get("med_type") or "11"), mdtrt_cert_type=str(data.get("mdtrt_cert_type") or ""),
                  mdtrt_cert_no=str(data.get("mdtrt_cert_no") or ""), ipt_otp_no=str(data.get("ipt_otp_no") or ""),
                  begntime=begntime, dept_code=str(data.get("dept_code") or ""),
                  dept_name=str(data.get("dept_name") or ""), caty=str(data.get("caty") or ""),
                  atddr_no=str(data.get("atddr_no") or ""), dr_name=str(data.get("dr_name") or ""),
                  insuplc_admdvs=str(request.get("insuplc_admdvs") or ""))
    visit.mdtrt_id = mdtrt_id_of(output)
    return visit
