"""2204 门诊费用明细上传, 2205 撤销: fee rows on the wire, the platform's classification back."""
from __future__ import annotations

from domain.errors import FieldViolation, ValidationFailed
from domain.money import money, to_decimal
from domain.platform_time import DATETIME_FORMAT as DATETIME
from domain.platform_time import parse_datetime
from domain.visit import FeeItem, Visit


def upload(visit: Visit, items: list[FeeItem]) -> dict:
    return {"feedetail": [_row(visit, item) for item in items]}


def _row(visit: Visit, item: FeeItem) -> dict:
    return {"feedetl_sn": item.feedetl_sn, "mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no,
            "chrg_bchno": item.chrg_bchno, "rx_circ_flag": item.rx_circ_flag,
            "fee_ocur_time": item.fee_ocur_time.strftime(DATETIME), "med_list_codg": item.med_list_codg,
            "medins_list_codg": item.medins_list_codg, "det_item_fee_sumamt": item.det_item_fee_sumamt,
            "cnt": item.cnt, "pric": item.pric, "bilg_dept_codg": item.bilg_dept_codg,
            "bilg_dept_name": item.bilg_dept_name, "bilg_dr_codg": item.bilg_dr_codg,
            "bilg_dr_name": item.bilg_dr_name, "hosp_appr_flag": item.hosp_appr_flag}


def cancel(visit: Visit, chrg_bchno: str) -> dict:
    return {"data": {"mdtrt_id": visit.mdtrt_id, "chrg_bchno": chrg_bchno, "psn_no": visit.psn_no}}


def classify(items: list[FeeItem], output: dict) -> None:
    """Each item takes the platform's classification from 2204's result rows."""
    results = {str(r.get("feedetl_sn")): r for r in output.get("result") or []}
    for item in items:
        r = results.get(item.feedetl_sn) or {}
        item.chrgitm_lv = str(r.get("chrgitm_lv") or "")
        item.med_chrgitm_type = str(r.get("med_chrgitm_type") or "")
        for name in ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt"):
            if r.get(name) is not None:
                setattr(item, name, money(r[name]))


def fees_from_upload(request: dict, output: dict) -> list[FeeItem]:
    """The fee items a journaled 2204 uploaded, classified by its (rebuilt) reply. The HIS's own
    item name (medins_list_name) never travels to the platform, so it is not known here."""
    items = []
    for row in (request.get("input") or {}).get("feedetail") or []:
        at = parse_datetime(str(row.get("fee_ocur_time") or ""))
        if at is None:
            raise ValidationFailed([FieldViolation("feedetail.fee_ocur_time", "not in the journaled upload")])
        items.append(FeeItem(
            feedetl_sn=str(row.get("feedetl_sn") or ""), chrg_bchno=str(row.get("chrg_bchno") or ""),
            med_list_codg=str(row.get("med_list_codg") or ""), medins_list_codg=str(row.get("medins_list_codg") or ""),
            det_item_fee_sumamt=money(row.get("det_item_fee_sumamt") or 0), cnt=to_decimal(row.get("cnt") or 0),
            pric=to_decimal(row.get("pric") or 0), fee_ocur_time=at,
            bilg_dept_codg=str(row.get("bilg_dept_codg") or ""), bilg_dept_name=str(row.get("bilg_dept_name") or ""),
            bilg_dr_codg=str(row.get("bilg_dr_codg") or ""), bilg_dr_name=str(row.get("bilg_dr_name") or ""),
            rx_circ_flag=str(row.get("rx_circ_flag") or "0"), hosp_appr_flag=str(row.get("hosp_appr_flag") or "1")))
    classify(items, output or {})
    return items
