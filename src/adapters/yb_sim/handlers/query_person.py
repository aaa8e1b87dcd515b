"""Person-centred queries: 5205 人员慢特病用药记录, 5206 人员累计信息, 5301 人员慢特病备案, 5302 人员定点信息,
5303 在院信息, 5304 转院信息.

5206 累计类别代码 (cum_type_code): no public code list was found. Q0000 (累计起付线) and C0000 (住院次数)
are the codes public HIS code reads; F0000 (统筹基金累计支付) is this simulator's own. Values are the
calendar year's, as the settlement rule counts them.
"""
from __future__ import annotations

import re
from decimal import Decimal

from adapters.yb_sim.handlers.common import Call, person, refuse, shape, text
from adapters.yb_sim.handlers.filings import CHRONIC, DESIGNATED, REFERRAL, of_person
from adapters.yb_sim.handlers.inpatient_state import (CHRONIC_MED_TYPES, IN, admissions, final_settlement,
                                                      parse_time, time_range)
from adapters.yb_sim.handlers.query_rows import fee_row, fixmedins, insured_fields, person_fields
from adapters.yb_sim.state import ACTIVE

DRUG_ITEM_TYPES = ("09", "10", "11")  # 西药, 中药饮片, 中成药


def chronic_drugs(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    person(call, psn_no)
    start, stop = time_range(data)
    found = []
    for s in call.state.settlements.values():
        stay = call.state.visits.get(s.mdtrt_id)
        if s.psn_no != psn_no or s.state != ACTIVE or s.origin_setl_id or stay is None or \
                stay.med_type not in CHRONIC_MED_TYPES:
            continue
        for sn in s.fee_sns:
            fee = stay.fees.get(sn)
            if fee is None or fee.med_chrgitm_type not in DRUG_ITEM_TYPES:
                continue
            row = fee_row(call, stay, fee, s.setl_id)
            when = parse_time(row["fee_ocur_time"])
            if when is not None and start <= when <= stop:
                org = fixmedins(text(s.setlinfo.get("medins_setl_id")))
                row.update(psn_no=psn_no, fixmedins_code=org["fixmedins_code"], fixmedins_name=org["fixmedins_name"])
                found.append(shape(call, "feedetail", row))
    return {"feedetail": found}


def _discharges(call: Call, psn_no: str, insutype: str, year: int) -> int:
    """Stays whose discharge settlement (not a 中途结算) is in force, settled in `year`."""
    count = 0
    for adm in admissions(call.state).values():
        stay = call.state.visits[adm.mdtrt_id]
        if adm.psn_no == psn_no and stay.insutype == insutype:
            final = final_settlement(call.state, stay, adm)
            count += final is not None and final.year == year
    return count


def cumulative(call: Call) -> dict:
    data = call.node("data")
    psn_no, cum_ym = text(data.get("psn_no")), text(data.get("cum_ym"))
    who = person(call, psn_no)
    if cum_ym and not re.fullmatch(r"\d{4}(0[1-9]|1[0-2])", cum_ym):
        refuse(f"累计年月[{cum_ym}]格式应为yyyyMM")
    cum_ym = cum_ym or call.now.strftime("%Y%m")
    year = int(cum_ym[:4])
    state = call.state
    rows = []
    for account in who.accounts:
        for code, value in (("Q0000", state.used(state.dedc_used, psn_no, account.insutype, year)),
                            ("F0000", state.used(state.pool_used, psn_no, account.insutype, year)),
                            ("C0000", Decimal(_discharges(call, psn_no, account.insutype, year)))):
            rows.append(shape(call, "cuminfo", {"insutype": account.insutype, "year": str(year), "cum_ym": cum_ym,
                                                "cum_type_code": code, "cum": value}))
    return {"cuminfo": rows}


def chronic_filings(call: Call) -> dict:
    psn_no = text(call.node("data").get("psn_no"))
    person(call, psn_no)
    today = call.now.date()
    return {"feedetail": [shape(call, "feedetail", {
        "opsp_dise_code": f.data.get("opsp_dise_code"), "opsp_dise_name": f.data.get("opsp_dise_name"),
        "begndate": f.data.get("begndate"), "enddate": f.data.get("enddate") or None,
        "insutype": f.data.get("insutype"), "trt_dcla_detl_sn": f.sn})
        for f in of_person(call.state, CHRONIC, psn_no) if f.covers(today)]}


def designated(call: Call) -> dict:
    data = call.node("data")
    psn_no, biz = text(data.get("psn_no")), text(data.get("biz_appy_type"))
    who = person(call, psn_no)
    today = call.now.date()
    return {"psnfixmedin": [shape(call, "psnfixmedin", {
        "psn_no": psn_no, "insutype": who.accounts[0].insutype if who.accounts else None,
        "fix_srt_no": f.data.get("fix_srt_no"), "fixmedins_code": f.data.get("fixmedins_code"),
        "fixmedins_name": f.data.get("fixmedins_name"), "begndate": f.data.get("begndate"),
        "enddate": f.data.get("enddate") or None, "memo": f.data.get("memo") or None,
        "biz_appy_type": biz, "trt_dcla_detl_sn": f.sn})
        for f in of_person(call.state, DESIGNATED, psn_no)
        if text(f.data.get("biz_appy_type")) == biz and f.covers(today)]}


def _out_flag(call: Call, who, insutype: str) -> str:
    account = who.account(insutype)
    return "1" if account is not None and account.insuplc_admdvs != call.admdvs else "0"


def in_hospital(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    who = person(call, psn_no)
    start, stop = time_range(data)
    found = []
    for adm in admissions(call.state).values():
        stay = call.state.visits[adm.mdtrt_id]
        begin = parse_time(stay.begntime)
        if adm.psn_no != psn_no or adm.status != IN or begin is None or not start <= begin <= stop:
            continue
        found.append(shape(call, "data", {
            **person_fields(call, who), "mdtrt_id": stay.mdtrt_id, "insutype": stay.insutype,
            "begndate": stay.begntime[:10], "med_type": stay.med_type, "ipt_otp_no": stay.ipt_otp_no or None,
            "out_flag": _out_flag(call, who, stay.insutype)}))
    return {"data": found}


def referrals(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    who = person(call, psn_no)
    start, stop = time_range(data)
    found = []
    for f in of_person(call.state, REFERRAL, psn_no):
        day = parse_time(f.data.get("refl_date"))
        if day is None or not start.date() <= day.date() <= stop.date():
            continue
        insutype = text(f.data.get("insutype")) or (who.accounts[0].insutype if who.accounts else "")
        row = {**f.data, **person_fields(call, who), **insured_fields(who, insutype)}
        row.update(enddate=f.data.get("enddate") or None, out_flag=_out_flag(call, who, insutype), dcla_souc=None,
                   opter_id=None, opter_name=None, opt_time=f.filed_at, trt_dcla_detl_sn=f.sn)
        found.append(shape(call, "refmedin", row))
    return {"refmedin": found}


HANDLERS = {"5205": chronic_drugs, "5206": cumulative, "5301": chronic_filings, "5302": designated,
            "5303": in_hospital, "5304": referrals}
