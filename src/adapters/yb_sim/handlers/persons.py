"""1101 人员基本信息获取."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, age, refuse, shape, text
from domain.money import money


def person_info(call: Call) -> dict:
    data = call.node("data")
    cert_type = text(data.get("mdtrt_cert_type"))
    cert_no = text(data.get("mdtrt_cert_no"))
    person = call.state.find_person(cert_type, cert_no)
    if person is None:
        refuse(f"未查询到人员信息（就诊凭证类型[{cert_type}]，凭证编号[{cert_no}]）")
    certno = text(data.get("certno"))
    if certno and certno.upper() != person.certno.upper():
        refuse("证件号码与就诊凭证不符，未查询到人员信息")
    call.psn_no = person.psn_no
    baseinfo = {
        "psn_no": person.psn_no, "psn_cert_type": person.psn_cert_type, "certno": person.certno,
        "psn_name": person.psn_name, "gend": person.gend, "naty": person.naty,
        "brdy": person.brdy.isoformat(), "age": age(person.brdy, call.now.date()), "exp_content": None,
    }
    insuinfo = [shape(call, "insuinfo", {
        "balc": money(a.balc), "insutype": a.insutype, "psn_type": a.psn_type,
        "psn_insu_stas": a.psn_insu_stas, "psn_insu_date": a.psn_insu_date.isoformat(),
        "paus_insu_date": None, "cvlserv_flag": a.cvlserv_flag, "insuplc_admdvs": a.insuplc_admdvs,
        "emp_name": a.emp_name,
    }) for a in person.accounts]
    return {"baseinfo": shape(call, "baseinfo", baseinfo), "insuinfo": insuinfo, "idetinfo": []}


HANDLERS = {"1101": person_info}
