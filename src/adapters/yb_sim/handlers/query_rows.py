"""Rows the 5xxx queries share: a settlement as 5203 / 5262 report it, an uploaded fee as 5204 / 5205
report it, and the person fields most queries repeat."""
from __future__ import annotations

from adapters.yb_sim.catalog_orgs import institution, requester
from adapters.yb_sim.handlers.common import Call, age, text
from adapters.yb_sim.handlers.inpatient_state import admissions, fee_extras
from adapters.yb_sim.state import ACTIVE, CANCELLED, Fee, Person, Settlement, Visit

DRUG_LIST_TYPES = {"09": "101", "11": "101", "10": "102", "08": "301"}  # med_chrgitm_type -> list_type


def fixmedins(msgid: str) -> dict:
    """Code, name and level of the institution that sent `msgid` (its first 12 characters are the
    定点医药机构编号); name and level None when the simulator's registry does not know it."""
    code = requester(msgid)
    known = institution(code)
    return {"fixmedins_code": code, "fixmedins_name": known.fixmedins_name if known else None,
            "hosp_lv": known.hosp_lv if known else None}


def pay_loc(call: Call, s: Settlement) -> str:
    """支付地点类别 as platforms fill it: 2 医院 (insured here), 3 省内异地, 4 省外异地."""
    place = insuplc(call, s)
    return "2" if place == call.admdvs else ("3" if place[:2] == call.admdvs[:2] else "4")


def person_fields(call: Call, who: Person) -> dict:
    return {"psn_no": who.psn_no, "psn_cert_type": who.psn_cert_type, "certno": who.certno,
            "psn_name": who.psn_name, "gend": who.gend, "naty": who.naty, "brdy": who.brdy.isoformat(),
            "age": age(who.brdy, call.now.date())}


def insured_fields(who: Person, insutype: str) -> dict:
    account = who.account(insutype)
    if account is None:
        return {"insutype": insutype}
    return {"insutype": insutype, "psn_type": account.psn_type, "cvlserv_flag": account.cvlserv_flag,
            "flxempe_flag": "0", "nwb_flag": "0", "insu_optins": account.insuplc_admdvs,
            "emp_name": account.emp_name or None}


def insuplc(call: Call, s: Settlement) -> str:
    """Where the person is insured (参保地) for this settlement's insutype."""
    account = call.state.persons[s.psn_no].account(s.insutype)
    return account.insuplc_admdvs if account is not None else text(s.setlinfo.get("clr_optins"))


def refund_flag(s: Settlement) -> str:
    # 退费结算标志: the negative settlement, and an original once it was refunded (2208 / 2305)
    return "1" if s.origin_setl_id or s.state == CANCELLED else "0"


def settlement_row(call: Call, s: Settlement) -> dict:
    info = s.setlinfo
    who = call.state.persons[s.psn_no]
    stay = call.state.visits.get(s.mdtrt_id)
    adm = admissions(call.state).get(s.mdtrt_id)
    setl_day = text(info.get("setl_time"))[:10]
    row = dict(info)
    row.update(person_fields(call, who))
    row.update(insured_fields(who, s.insutype))
    row.update({
        **fixmedins(text(info.get("medins_setl_id"))),
        "setl_id": s.setl_id, "mdtrt_id": s.mdtrt_id, "pay_loc": pay_loc(call, s), "fixmedins_poolarea": call.admdvs,
        "lmtpric_hosp_lv": None, "dedc_hosp_lv": None,
        "begndate": (stay.begntime[:10] if stay and stay.begntime else setl_day),
        "enddate": (adm.endtime[:10] if adm and adm.endtime else setl_day),
        "psn_pay": info.get("psn_part_amt"), "cash_payamt": info.get("psn_cash_pay"),
        "refd_setl_flag": refund_flag(s), "year": str(s.year),
        "dise_name": (stay.mdtrtinfo.get("dise_name") or stay.mdtrtinfo.get("dscg_maindiag_name")) if stay else None,
        "invono": None, "opter_id": None, "opter_name": None, "opt_time": info.get("setl_time")})
    return row


def listed(s: Settlement) -> bool:
    """Settlements the platform still holds: all but those undone by 2601."""
    return s.state in (ACTIVE, CANCELLED)


def list_type(fee: Fee) -> str:
    return DRUG_LIST_TYPES.get(fee.med_chrgitm_type, "201")


def fee_row(call: Call, stay: Visit, fee: Fee, setl_id: str | None) -> dict:
    extra = fee_extras(call.state).get((stay.mdtrt_id, fee.feedetl_sn), {})
    item = call.items.get(fee.med_list_codg)
    name = item.name if item else None
    return {
        **{k: v for k, v in extra.items() if k != "memo"},
        "mdtrt_id": stay.mdtrt_id, "setl_id": setl_id or fee.setl_id or None, "feedetl_sn": fee.feedetl_sn,
        "rx_drord_no": extra.get("drord_no") or extra.get("rxno"), "med_type": stay.med_type,
        "fee_ocur_time": extra.get("fee_ocur_time") or stay.begntime or None,
        "cnt": fee.cnt, "pric": fee.pric, "det_item_fee_sumamt": fee.det_item_fee_sumamt,
        "pric_uplmt_amt": fee.pric_uplmt_amt, "selfpay_prop": fee.selfpay_prop,
        "fulamt_ownpay_amt": fee.fulamt_ownpay_amt, "overlmt_amt": fee.overlmt_amt,
        "preselfpay_amt": fee.preselfpay_amt, "inscp_scp_amt": fee.inscp_scp_amt, "chrgitm_lv": fee.chrgitm_lv,
        "hilist_code": fee.med_list_codg, "hilist_name": name, "list_type": list_type(fee),
        "med_list_codg": fee.med_list_codg, "medins_list_codg": extra.get("medins_list_codg") or fee.med_list_codg,
        "medins_list_name": name, "med_chrgitm_type": fee.med_chrgitm_type, "prodname": name,
        "lmt_used_flag": "0", "hosp_prep_flag": "0", "bas_medn_flag": "0", "hi_nego_drug_flag": "0",
        "chld_medc_flag": "0", "list_sp_item_flag": "0", "drt_reim_flag": "0", "memo": extra.get("memo")}
