"""电子处方流转 (7101-7104) in the platform's terms: the one place where a prescription becomes a
7101 / 7104 payload, and where the 7102 / 7103 notices the platform pushes become a review and a
purchase. Field names are the platform's (V1.1.16, 处方外购/定点医疗机构处方服务).

Provisional, named so a later change has one place to go:
- rx_file (处方原件) is Base64 of a UTF-8 JSON rendering of the prescription, not a signed PDF;
- dr_sign_info (开方医生电子签名信息) is a digest, not a CA signature: "SHA256:" + hex over the
  rx_file's bytes and the doctor's 医保 code. The project's MessageSigner signs request envelopes
  (cainfo), not documents, so it does not fit; a hospital with a CA replaces this function;
- rx_type_code (处方类别代码) 1 西药中成药 / 2 中药饮片, and rx_chk_stas_codg "1" = 审核通过: the
  dictionaries are not in the public spec; both are configuration (PrescriptionConfig).
- the directory keeps no 医师 identity number: 7104's undo_dr_certno carries the doctor's national
  医保 code, with undo_dr_cert_type "99" (其他).
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.encounters import Encounter
from domain.errors import FieldViolation, ValidationFailed
from domain.hospital import Department, StaffMember
from domain.money import ZERO, money, to_decimal
from domain.patients import IdentifierKind, Patient
from domain.platform_time import DATETIME_FORMAT as DATETIME
from domain.platform_time import parse_datetime
from domain.prescriptions import DrugKind, Prescription, Purchase, PurchasedItem, Review

ID_CARD = "01"  # psn_cert_type 居民身份证


@dataclass(frozen=True)
class UploadContext:
    """What a 7101 needs beside the prescription: who, where, by whom, checked by which pharmacist."""

    encounter: Encounter
    patient: Patient
    doctor: StaffMember
    dept: Department
    pharmacist_name: str  # the hospital's 审方药师 (phar_name)
    pharmacist_cert_no: str
    now: datetime
    valid_days: int
    rx_type_code: str


def rx_file(rx: Prescription, ctx: UploadContext) -> str:
    """处方原件 (provisional): the prescription rendered as JSON, Base64."""
    document = {
        "hosp_rxno": rx.id, "category": rx.category.value, "kind": rx.kind.value, "chronic": rx.chronic,
        "patient": ctx.patient.name, "dept": ctx.dept.name, "doctor": ctx.doctor.name,
        "prescribed_at": rx.created_at.strftime(DATETIME), "diagnosis": rx.diagnosis,
        "lines": [{"no": x.line_no, "drug": x.drug.generic_name, "spec": x.drug.spec, "dose": f"{x.dose}",
                   "dose_unit": x.drug.dose_unit, "route": x.route, "frequency": x.frequency, "days": x.days,
                   "quantity": f"{x.quantity}", "unit": x.drug.pack_unit, "amount": f"{x.amount}"}
                  for x in rx.lines],
        "total": f"{rx.total}"}
    return base64.b64encode(json.dumps(document, ensure_ascii=False, sort_keys=True).encode()).decode()


def doctor_signature(file_b64: str, doctor: StaffMember) -> str:
    """dr_sign_info (provisional digest, see the module doc)."""
    return "SHA256:" + hashlib.sha256(file_b64.encode() + b"|" + doctor.yb_code.encode()).hexdigest()


def upload(rx: Prescription, ctx: UploadContext) -> dict:
    """7101 电子处方上传."""
    enc, patient, now = ctx.encounter, ctx.patient, ctx.now
    if not enc.diagnoses:
        raise ValidationFailed([FieldViolation("encounter_id", "the encounter has no diagnoses: record them "
                                                               "first, 7101 carries them")])
    main = next((d for d in enc.diagnoses if d.main), enc.diagnoses[0])
    file_b64 = rx_file(rx, ctx)
    herbal = rx.kind is DrugKind.HERBAL
    doses = max(x.days for x in rx.lines)  # 剂数 of a herbal prescription
    data = {"hosp_rxno": rx.id, "rx_type_code": ctx.rx_type_code, "prsc_time": rx.created_at.strftime(DATETIME),
            "rx_drug_nums": Decimal(doses if herbal else len(rx.lines)), "valid_days": ctx.valid_days,
            "valid_end_time": valid_until(now, ctx.valid_days).strftime(DATETIME), "rx_cotn_flag": "0",
            "rx_file": file_b64, "rx_circ_flag": "1", "dr_sign_info": doctor_signature(file_b64, ctx.doctor)}
    if herbal:
        data.update(rx_way_name=rx.lines[0].route, rx_freq_codg=rx.lines[0].frequency,
                    rx_freq_name=rx.lines[0].frequency_name)
    drugs = [{
        "med_list_codg": x.drug.national_code, "fixmedins_hilist_id": x.drug.code,
        "drug_prodname": x.drug.product_name or x.drug.generic_name, "drug_genname": x.drug.generic_name,
        "drug_dosform": x.drug.dosage_form, "drug_spec": x.drug.spec, "prdr_name": x.drug.manufacturer,
        "drug_pric": x.drug.price, "drug_cnt": x.quantity, "drug_cnt_unit": x.drug.pack_unit,
        "drug_sumamt": x.amount, "medc_way_dscr": x.route, "medc_starttime": now.strftime(DATETIME),
        "medc_endtime": (now + timedelta(days=x.days)).strftime(DATETIME), "medc_days": Decimal(x.days),
        "drug_dosunt": x.drug.dose_unit, "sin_doscnt": x.dose, "sin_dosunt": x.drug.dose_unit,
        "used_frqu_codg": x.frequency, "used_frqu_name": x.frequency_name,
        **({"tcmherb_foote": x.note} if herbal and x.note else {})} for x in rx.lines]
    age = patient.age_on(now.date())
    mdtrtinfo = {
        "mdtrt_id": enc.mdtrt_id, "med_type": enc.med_type, "ipt_op_no": enc.ipt_otp_no, "psn_no": enc.psn_no,
        "patn_name": patient.name, "age": Decimal(age if age is not None else 0), "gend": patient.gender,
        "insuplc_admdvs": patient.insurance.insuplc_admdvs if patient.insurance else "",
        "psn_cert_type": ID_CARD, "certno": patient.identifier(IdentifierKind.ID_CARD) or "",
        "insutype": enc.insutype, "prsc_dept_name": ctx.dept.name, "prsc_dept_code": ctx.dept.yb_dept_code,
        "prsc_dr_name": ctx.doctor.name, "phar_name": ctx.pharmacist_name, "phar_chk_time": now.strftime(DATETIME),
        "mdtrt_time": enc.registered_at.strftime(DATETIME), "sp_dise_flag": "0", "diag_code": main.code,
        "diag_name": main.name[:40], "rgst_fee": money(sum((c.amount for c in enc.charges
                                                            if c.registration_fee and not c.withdrawn_at), ZERO)),
        "medfee_sumamt": rx.total}
    if ctx.pharmacist_cert_no:
        mdtrtinfo["phar_prac_cert_no"] = ctx.pharmacist_cert_no
    diseinfo = [{"diag_type": d.kind or "1", "maindiag_flag": "1" if d is main else "0", "diag_srt_no": d.srt_no,
                 "diag_code": d.code, "diag_name": d.name, "diag_dept": ctx.dept.name,
                 "dise_dor_no": ctx.doctor.yb_code, "dise_dor_name": ctx.doctor.name,
                 "diag_time": d.at.strftime(DATETIME)} for d in enc.diagnoses]
    return {"data": data, "rxdrugdetail": drugs, "mdtrtinfo": mdtrtinfo, "diseinfo": diseinfo}


def valid_until(now: datetime, valid_days: int) -> datetime:
    """有效截止时间: the end of the last valid day (the day of prescribing counts as the first)."""
    return datetime.combine(now.date() + timedelta(days=valid_days - 1), datetime.max.time()).replace(microsecond=0)


def hi_rxno_of(output: dict) -> str:
    return str(((output or {}).get("data") or {}).get("hi_rxno") or "")


def revoke(rx: Prescription, doctor: StaffMember, reason: str, now: datetime) -> dict:
    """7104 电子处方撤销 (undo_dr_cert*: see the module doc)."""
    return {"data": {"hi_rxno": rx.hi_rxno, "prsc_dr_name": doctor.name, "undo_dr_cert_type": "99",
                     "undo_dr_certno": doctor.yb_code or doctor.code, "undo_rea": reason,
                     "undo_time": now.strftime(DATETIME)}}


# ---- the notices the hospital receives --------------------------------------------------------

def _text(node: dict, key: str) -> str:
    value = node.get(key)
    return "" if value is None else str(value)


def _time(node: dict, key: str, where: str) -> datetime:
    found = parse_datetime(_text(node, key))
    if found is None:
        raise ValidationFailed([FieldViolation(f"{where}.{key}", "is not a yyyy-MM-dd HH:mm:ss time")])
    return found


def notice_hi_rxno(notice: dict) -> str:
    return _text(notice.get("data") or {}, "hi_rxno")


def review_of(notice: dict, approved_codes: frozenset[str]) -> Review:
    """A 7102 处方审核结果 (its input as the platform sent it)."""
    data = notice.get("data") or {}
    code = _text(data, "rx_chk_stas_codg")
    return Review(pharmacy_code=_text(data, "fixmedins_code"), pharmacy_name=_text(data, "fixmedins_name"),
                  pharmacist=_text(data, "phar_name"), rechecked_by=_text(data, "rchk_phar_name"), status_code=code,
                  approved=code in approved_codes, opinion=_text(data, "rx_chk_opnn"),
                  at=_time(data, "rx_chk_time", "data"))


def purchase_of(notice: dict) -> Purchase:
    """A 7103 购药结果 (its input as the platform sent it)."""
    data = notice.get("data") or {}

    def amount(node: dict, key: str) -> Decimal:
        return to_decimal(node.get(key) if node.get(key) is not None else "0")

    items = tuple(PurchasedItem(
        generic_name=_text(r, "drug_genname"), product_name=_text(r, "drug_prodname"),
        dosage_form=_text(r, "drug_dosform"), spec=_text(r, "drug_spec"), quantity=amount(r, "drug_totlcnt"),
        unit=_text(r, "total_unit"), price=amount(r, "pric"), amount=money(amount(r, "sumamt")),
        manufacturer=_text(r, "prdr_name"), pharmacy_drug_no=_text(r, "medins_drug_no"))
        for r in notice.get("seltdelts") or [])
    return Purchase(fund_pay_sumamt=money(amount(data, "fund_pay_sumamt")),
                    psn_part_amt=money(amount(data, "psn_part_amt")), acct_pay=money(amount(data, "acct_pay")),
                    psn_cash_pay=money(amount(data, "psn_cash_pay")), setl_time=_time(data, "setl_time", "data"),
                    items=items)
