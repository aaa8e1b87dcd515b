"""1101 人员信息获取: the query for a presented credential and the person its reply describes."""
from __future__ import annotations

from datetime import date, datetime

from domain.errors import FieldViolation, ValidationFailed
from domain.money import money
from domain.person import Insurance, InsuredPerson
from domain.platform_time import DATETIME_FORMAT as DATETIME


def person_query(mdtrt_cert_type: str, mdtrt_cert_no: str, card_sn: str, psn_name: str, now: datetime) -> dict:
    return {"data": {"mdtrt_cert_type": mdtrt_cert_type, "mdtrt_cert_no": mdtrt_cert_no, "card_sn": card_sn,
                     "begntime": now.strftime(DATETIME), "psn_cert_type": "",
                     # 02 is 居民身份证: the number presented is the certno itself
                     "certno": mdtrt_cert_no if mdtrt_cert_type == "02" else "", "psn_name": psn_name}}


def person_from_reply(output: dict) -> InsuredPerson:
    base = output.get("baseinfo") or {}
    if not base.get("psn_no"):
        raise ValidationFailed([FieldViolation("baseinfo.psn_no", "1101 returned no person")], subject="1101 reply")
    brdy = base.get("brdy")
    insurances = [Insurance(insutype=str(i.get("insutype") or ""), balc=money(i.get("balc") or 0),
                            psn_type=str(i.get("psn_type") or ""), insuplc_admdvs=str(i.get("insuplc_admdvs") or ""),
                            psn_insu_stas=str(i.get("psn_insu_stas") or ""),
                            cvlserv_flag=str(i.get("cvlserv_flag") or "0"), emp_name=str(i.get("emp_name") or ""))
                  for i in output.get("insuinfo") or []]
    return InsuredPerson(psn_no=str(base["psn_no"]), psn_name=str(base.get("psn_name") or ""),
                         psn_cert_type=str(base.get("psn_cert_type") or ""), certno=str(base.get("certno") or ""),
                         gend=str(base.get("gend") or ""),
                         brdy=date.fromisoformat(brdy) if isinstance(brdy, str) and brdy else None,
                         age=base.get("age"), naty=str(base.get("naty") or ""), insurances=insurances)
