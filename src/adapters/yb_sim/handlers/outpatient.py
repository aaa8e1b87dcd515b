"""2201/2201A 门诊挂号, 2202 挂号撤销, 2203/2203A 就诊信息上传."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, open_visit, person, refuse, text
from adapters.yb_sim.state import Person, Visit


def check_certificate(found: Person, cert_type: str, cert_no: str) -> None:
    """The certificate presented must be the person's own (01/02/03; others are not checked). The
    refusal names the person, as the platform's does: text an HIS must not log unmasked."""
    if cert_type in ("01", "02", "03") and cert_no and \
            cert_no.split("|")[0].upper() != {"01": found.ec_token, "02": found.certno,
                                              "03": found.card_no}[cert_type].upper():
        refuse(f"就诊凭证[{cert_type}:{cert_no}]与人员[{found.psn_name}]不符")


def register(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    found = person(call, psn_no)
    insutype = text(data.get("insutype"))
    account = found.account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if account.psn_insu_stas != "1":
        refuse(f"人员[{psn_no}]险种[{insutype}]参保状态异常[{account.psn_insu_stas}]，不能挂号")
    cert_type, cert_no = text(data.get("mdtrt_cert_type")), text(data.get("mdtrt_cert_no"))
    check_certificate(found, cert_type, cert_no)
    new = Visit(
        mdtrt_id=call.state.ids.mdtrt_id(), psn_no=psn_no, insutype=insutype,
        med_type=text(data.get("med_type")) or "11", ipt_otp_no=text(data.get("ipt_otp_no")),
        mdtrt_cert_type=cert_type, mdtrt_cert_no=cert_no, begntime=text(data.get("begntime")))
    call.state.visits[new.mdtrt_id] = new
    call.psn_no, call.undo = psn_no, ("register", new.mdtrt_id)
    return {"data": {"mdtrt_id": new.mdtrt_id, "psn_no": psn_no, "ipt_otp_no": new.ipt_otp_no,
                     "exp_content": None}}


def cancel_registration(call: Call) -> dict:
    data = call.node("data")
    psn_no, mdtrt_id = text(data.get("psn_no")), text(data.get("mdtrt_id"))
    found = open_visit(call, mdtrt_id, psn_no)
    ipt_otp_no = text(data.get("ipt_otp_no"))
    if ipt_otp_no and found.ipt_otp_no and ipt_otp_no != found.ipt_otp_no:
        refuse(f"门诊号[{ipt_otp_no}]与就诊ID[{mdtrt_id}]登记的门诊号不符")
    if call.state.active_settlement(found) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已结算，请先撤销结算再撤销挂号")
    found.cancelled = True
    call.psn_no = psn_no
    return {}


def upload_visit_info(call: Call) -> dict:
    info = call.node("mdtrtinfo")
    psn_no, mdtrt_id = text(info.get("psn_no")), text(info.get("mdtrt_id"))
    found = open_visit(call, mdtrt_id, psn_no)
    diagnoses = call.rows("diseinfo")
    if not diagnoses:
        refuse("诊断信息diseinfo不能为空")
    found.mdtrtinfo = dict(info)
    found.diagnoses = [dict(d) for d in diagnoses]
    found.med_type = text(info.get("med_type")) or found.med_type
    call.psn_no = psn_no
    return {}


def undo_registration(call: Call, mdtrt_id: str) -> None:
    """2601 of a 2201 (only when the catalogue lists 2201 as reversible)."""
    found = call.state.visits.get(mdtrt_id)
    if found is None or found.cancelled:
        return
    if call.state.active_settlement(found) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已结算，不能冲正挂号")
    found.cancelled = found.reversed = True


HANDLERS = {"2201": register, "2201A": register, "2202": cancel_registration,
            "2203": upload_visit_info, "2203A": upload_visit_info}
UNDO = {"register": undo_registration}
