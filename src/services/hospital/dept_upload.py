"""科室 to the platform's words: the payloads of 3401 科室信息上传, 3402 科室信息变更 and 3403 科室信息撤销.

The one place where a Department becomes a platform payload (deptinfo / data). The head counts of
doctors and nurses are the staff working in the department's clinics at upload time; pharmacists and
technicians are the department's own figures.
"""
from __future__ import annotations

from datetime import date

from domain.hospital import Department
from ports.hospital import DepartmentUpload

ACTIONS = ("AUTO", "3401", "3402", "3403")
UPLOADED, REVOKED = "UPLOADED", "REVOKED"


def _time(day: date | None) -> str:
    return "" if day is None else f"{day.isoformat()} 00:00:00"


def upload_payload(dept: Department, doctors: int, nurses: int) -> dict:
    """deptinfo of 3401 and 3402 (the same fields); empty optional fields are left out."""
    info = {
        "hosp_dept_codg": dept.yb_dept_code, "caty": dept.caty, "hosp_dept_name": dept.name,
        "begntime": _time(dept.begntime), "itro": dept.itro, "dept_resper_name": dept.dept_resper_name,
        "dept_resper_tel": dept.dept_resper_tel, "dept_med_serv_scp": dept.dept_med_serv_scp,
        "dept_estbdat": _time(dept.dept_estbdat), "aprv_bed_cnt": dept.aprv_bed_cnt,
        "hi_crtf_bed_cnt": dept.hi_crtf_bed_cnt, "poolarea_no": dept.poolarea_no, "dr_psncnt": doctors,
        "phar_psncnt": dept.phar_psncnt, "nurs_psncnt": nurses, "tecn_psncnt": dept.tecn_psncnt, "memo": dept.memo,
    }
    return {"deptinfo": {k: v for k, v in info.items() if v not in ("", None)}}


def revoke_payload(uploaded: DepartmentUpload) -> dict:
    """data of 3403: the department as it was uploaded (code, name, the date of its begntime)."""
    return {"data": {"hosp_dept_codg": uploaded.yb_dept_code, "hosp_dept_name": uploaded.name,
                     "begntime": uploaded.begntime[:10]}}
