"""2401 入院办理, 2402 出院办理, 2403 入院信息变更, 2404 入院撤销, 2405 出院撤销, 2301 住院费用明细上传,
2302 撤销, 2303 住院预结算, 2304 住院结算, 2305 住院结算撤销, 2406/2407 就医特殊属性: a stay on the wire, and
what comes back."""
from __future__ import annotations

from domain.admission import InsuredAdmission
from domain.platform_time import DATETIME_FORMAT as DATETIME
from domain.platform_time import parse_datetime
from domain.visit import Diagnosis, FeeItem
from services.translation.settlements import fee_split


def _diseinfo(adm: InsuredAdmission, diagnoses: list[Diagnosis], with_mdtrt_id: bool = True) -> list[dict]:
    rows = []
    for d in diagnoses:
        row = {"psn_no": adm.psn_no, "diag_type": d.diag_type, "maindiag_flag": d.maindiag_flag,
               "diag_srt_no": d.diag_srt_no, "diag_code": d.diag_code, "diag_name": d.diag_name,
               "diag_dept": d.diag_dept, "dise_dor_no": d.dise_dor_no, "dise_dor_name": d.dise_dor_name,
               "diag_time": d.diag_time.strftime(DATETIME), "vali_flag": d.vali_flag}
        if with_mdtrt_id:
            row["mdtrt_id"] = adm.mdtrt_id
        rows.append(row)
    return rows


def _stay(adm: InsuredAdmission) -> dict:
    """What 2401 and 2403 both carry about the stay."""
    main = InsuredAdmission.main_diagnosis(adm.diagnoses)
    info = {"psn_no": adm.psn_no, "begntime": adm.begntime.strftime(DATETIME),
            "mdtrt_cert_type": adm.mdtrt_cert_type, "med_type": adm.med_type, "atddr_no": adm.atddr_no,
            "chfpdr_name": adm.chfpdr_name, "adm_diag_dscr": adm.adm_diag_dscr or main.diag_name,
            "adm_dept_codg": adm.dept_code, "adm_dept_name": adm.dept_name, "adm_bed": adm.adm_bed,
            "dscg_maindiag_code": main.diag_code, "dscg_maindiag_name": main.diag_name}
    if adm.dise_codg:
        info.update(dise_codg=adm.dise_codg, dise_name=adm.dise_name)
    return info


def admission(adm: InsuredAdmission) -> dict:
    """2401."""
    info = dict(_stay(adm), insutype=adm.insutype, mdtrt_cert_no=adm.mdtrt_cert_no, ipt_no=adm.ipt_no)
    return {"mdtrtinfo": info, "diseinfo": _diseinfo(adm, adm.diagnoses, with_mdtrt_id=False)}


def admission_change(adm: InsuredAdmission) -> dict:
    """2403: the stay as it now stands (the platform takes the whole picture again)."""
    info = dict(_stay(adm), mdtrt_id=adm.mdtrt_id, ipt_otp_no=adm.ipt_no)
    return {"adminfo": info, "diseinfo": _diseinfo(adm, adm.diagnoses)}


def discharge(adm: InsuredAdmission) -> dict:
    """2402, with the discharge diagnoses."""
    info = {"mdtrt_id": adm.mdtrt_id, "psn_no": adm.psn_no, "insutype": adm.insutype,
            "endtime": adm.endtime.strftime(DATETIME) if adm.endtime else "",
            "dscg_dept_codg": adm.dscg_dept_code, "dscg_dept_name": adm.dscg_dept_name, "dscg_way": adm.dscg_way}
    if adm.dise_codg:
        info.update(dise_codg=adm.dise_codg, dise_name=adm.dise_name)
    return {"dscginfo": info, "diseinfo": _diseinfo(adm, adm.discharge_diagnoses)}


def cancellation(adm: InsuredAdmission) -> dict:
    """2404 and 2405 carry the same."""
    return {"data": {"mdtrt_id": adm.mdtrt_id, "psn_no": adm.psn_no}}


def fee_upload(adm: InsuredAdmission, items: list[FeeItem]) -> dict:
    """2301. The upload's chrg_bchno is the hospital's grouping; 2301 has no such field."""
    return {"feedetail": [
        {"feedetl_sn": i.feedetl_sn, "mdtrt_id": adm.mdtrt_id, "psn_no": adm.psn_no, "med_type": adm.med_type,
         "fee_ocur_time": i.fee_ocur_time.strftime(DATETIME), "med_list_codg": i.med_list_codg,
         "medins_list_codg": i.medins_list_codg, "det_item_fee_sumamt": i.det_item_fee_sumamt, "cnt": i.cnt,
         "pric": i.pric, "bilg_dept_codg": i.bilg_dept_codg, "bilg_dept_name": i.bilg_dept_name,
         "bilg_dr_codg": i.bilg_dr_codg, "bilg_dr_name": i.bilg_dr_name, "hosp_appr_flag": i.hosp_appr_flag}
        for i in items]}


def fee_cancel(adm: InsuredAdmission, rows: list[FeeItem]) -> dict:
    """2302, row by row."""
    return {"data": [{"feedetl_sn": r.feedetl_sn, "mdtrt_id": adm.mdtrt_id, "psn_no": adm.psn_no} for r in rows]}


def settle(adm: InsuredAdmission, acct_used: bool, psn_setlway: str, invono: str = "") -> dict:
    """2303 / 2304 (the discharge settlement, mid_setl_flag 0) over every unsettled fee row."""
    data = {"psn_no": adm.psn_no, "mdtrt_cert_type": adm.mdtrt_cert_type, "mdtrt_cert_no": adm.mdtrt_cert_no,
            "medfee_sumamt": adm.unsettled_total(), "psn_setlway": psn_setlway, "mdtrt_id": adm.mdtrt_id,
            "insutype": adm.insutype, "acct_used_flag": "1" if acct_used else "0", "mid_setl_flag": "0",
            **fee_split(adm.unsettled_fees())}
    if invono:
        data["invono"] = invono
    return {"data": data}


def settlement_cancel(adm: InsuredAdmission, setl_id: str) -> dict:
    return {"data": {"mdtrt_id": adm.mdtrt_id, "setl_id": setl_id, "psn_no": adm.psn_no}}


# ---- what a journaled request said (the resolver records writes the HIS never recorded) ----------
def discharge_sent(sent: dict) -> tuple:
    """A 2402's input as InsuredAdmission.discharge takes it: endtime, department code and name,
    dscg_way, the diagnoses."""
    info = sent["dscginfo"]
    endtime = parse_datetime(str(info.get("endtime") or ""))
    if endtime is None:
        raise ValueError("the journaled 2402 has no endtime")
    return (endtime, str(info.get("dscg_dept_codg") or ""), str(info.get("dscg_dept_name") or ""),
            str(info.get("dscg_way") or ""), _diagnoses_sent(sent.get("diseinfo") or []))


def cancelled_fee_rows(sent: dict) -> list[str]:
    """The feedetl_sn a 2302's input names."""
    return [str(r.get("feedetl_sn") or "") for r in sent.get("data") or [] if isinstance(r, dict)]


def cancelled_setl_id(sent: dict) -> str:
    """The setl_id a 2305's input names."""
    return str((sent.get("data") or {}).get("setl_id") or "")


def _diagnoses_sent(rows: list) -> list[Diagnosis]:
    """diseinfo rows back as Diagnosis (the inverse of _diseinfo)."""
    found = []
    for r in rows:
        at = parse_datetime(str(r.get("diag_time") or ""))
        if at is None:
            raise ValueError("a journaled diagnosis has no diag_time")
        found.append(Diagnosis(diag_type=str(r.get("diag_type") or "1"), diag_srt_no=int(r.get("diag_srt_no") or 0),
                               diag_code=str(r.get("diag_code") or ""), diag_name=str(r.get("diag_name") or ""),
                               diag_dept=str(r.get("diag_dept") or ""), dise_dor_no=str(r.get("dise_dor_no") or ""),
                               dise_dor_name=str(r.get("dise_dor_name") or ""), diag_time=at,
                               vali_flag=str(r.get("vali_flag") or "1"),
                               maindiag_flag=str(r.get("maindiag_flag") or "0")))
    return found


def mdtrt_id_of(output: dict) -> str:
    """2401's reply: result.mdtrt_id."""
    result = (output or {}).get("result")
    return str((result if isinstance(result, dict) else {}).get("mdtrt_id") or "")


def special_attribute(adm: InsuredAdmission, flag_type: str, flag: str, memo: str) -> dict:
    """2406 (fields provisional: the catalogue marks them unconfirmed)."""
    data = {"mdtrt_id": adm.mdtrt_id, "psn_no": adm.psn_no, "psn_name": adm.psn_name, "ipt_otp_no": adm.ipt_no,
            "ipt_psn_sp_flag_type": flag_type, "ipt_psn_sp_flag": flag, "memo": memo}
    if adm.insuplc_admdvs:
        data["admdvs"] = adm.insuplc_admdvs
    return {"data": data}


def special_attribute_id(output: dict) -> str:
    return str((output.get("data") or {}).get("ipt_psn_sp_flag_detl_id") or "")


SPECIAL_ATTRIBUTES_PAGE = 100


def special_attribute_query(adm: InsuredAdmission, page: int) -> dict:
    """2407: one page of the stay's special attributes."""
    return {"data": {"page_num": page, "page_size": SPECIAL_ATTRIBUTES_PAGE, "mdtrt_id": adm.mdtrt_id,
                     "psn_no": adm.psn_no}}


def special_attribute_rows(output: dict) -> tuple[list[dict], int]:
    """The rows of a 2407 page and how many pages there are."""
    node = output.get("IptPsnSpFlagReg") or {}
    rows = [r for r in (node.get("data") or []) if isinstance(r, dict)]
    try:
        pages = int(node.get("pages") or 1)
    except (TypeError, ValueError):
        pages = 1
    return rows, pages
