"""2401 入院办理, 2402 出院办理, 2403 入院信息变更, 2404 入院撤销, 2405 出院撤销, and how 2601 undoes
a 2401.

An admission is a Visit (state.visits, so the outpatient-style lookups and the 5xxx queries see it)
plus an Admission record: in hospital -> discharged (2402) -> back in hospital (2405), or
cancelled (2404). A person is in one hospital at a time.
"""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, person, refuse, text
from adapters.yb_sim.handlers.inpatient_state import (CANCELLED, IN, INPATIENT_MED_TYPES, OUT, Admission,
                                                      admission, admissions, final_settlement, in_hospital,
                                                      live_settlements, parse_time)
from adapters.yb_sim.handlers.outpatient import check_certificate
from adapters.yb_sim.state import Visit

ADMIT_DIAG, DISCHARGE_DIAG = "1", "2"  # inout_diag_type as 5202 reports it


def _inpatient_med_type(med_type: str) -> str:
    if med_type not in INPATIENT_MED_TYPES:
        refuse(f"医疗类别[{med_type}]不是住院类医疗类别，不能办理入院")
    return med_type


def _diagnoses(call: Call, psn_no: str, mdtrt_id: str, inout: str) -> list[dict]:
    rows = call.rows("diseinfo")
    for i, row in enumerate(rows):
        if text(row.get("psn_no")) != psn_no or text(row.get("mdtrt_id")) not in ("", mdtrt_id):
            refuse(f"第{i + 1}条诊断信息的人员编号或就诊ID与本次住院不一致")
    return [dict(row, mdtrt_id=mdtrt_id, inout_diag_type=inout) for row in rows]


def _usable(adm: Admission) -> None:
    if adm.status == CANCELLED:
        refuse(f"就诊ID[{adm.mdtrt_id}]已撤销入院")


def admit(call: Call) -> dict:
    info = call.node("mdtrtinfo")
    psn_no, insutype = text(info.get("psn_no")), text(info.get("insutype"))
    who = person(call, psn_no)
    account = who.account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if account.psn_insu_stas != "1":
        refuse(f"人员[{psn_no}]险种[{insutype}]参保状态异常[{account.psn_insu_stas}]，不能办理入院")
    check_certificate(who, text(info.get("mdtrt_cert_type")), text(info.get("mdtrt_cert_no")))
    med_type = _inpatient_med_type(text(info.get("med_type")) or "21")
    current = in_hospital(call.state, psn_no)
    if current is not None:
        stay = call.state.visits[current.mdtrt_id]
        refuse(f"该人员是在院状态不能办理入院，在院信息：就诊ID：{stay.mdtrt_id}，住院号：{stay.ipt_otp_no}，"
               f"入院时间：{stay.begntime}")
    mdtrt_id = call.state.ids.mdtrt_id()
    diagnoses = _diagnoses(call, psn_no, mdtrt_id, ADMIT_DIAG)
    call.state.visits[mdtrt_id] = Visit(
        mdtrt_id=mdtrt_id, psn_no=psn_no, insutype=insutype, med_type=med_type,
        ipt_otp_no=text(info.get("ipt_no")), mdtrt_cert_type=text(info.get("mdtrt_cert_type")),
        mdtrt_cert_no=text(info.get("mdtrt_cert_no")), begntime=text(info.get("begntime")),
        mdtrtinfo=dict(info), diagnoses=diagnoses)
    admissions(call.state)[mdtrt_id] = Admission(mdtrt_id, psn_no)
    call.psn_no, call.undo = psn_no, ("inpatient_admit", mdtrt_id)
    return {"result": {"mdtrt_id": mdtrt_id, "exp_content": None}}


def discharge(call: Call) -> dict:
    info = call.node("dscginfo")
    mdtrt_id, psn_no = text(info.get("mdtrt_id")), text(info.get("psn_no"))
    found, adm = admission(call, mdtrt_id, psn_no)
    _usable(adm)
    if adm.status == OUT:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院，不能重复办理出院")
    insutype = text(info.get("insutype"))
    if insutype != found.insutype:
        refuse(f"险种类型[{insutype}]与入院登记的险种类型[{found.insutype}]不一致")
    begin, end = parse_time(found.begntime), parse_time(info.get("endtime"))
    if begin is not None and end is not None and end < begin:
        refuse(f"出院时间[{text(info.get('endtime'))}]早于入院时间[{found.begntime}]")
    if text(info.get("dscg_way")) == "5" and not text(info.get("die_date")):
        refuse("离院方式为死亡时，死亡日期die_date不能为空")
    diagnoses = _diagnoses(call, psn_no, mdtrt_id, DISCHARGE_DIAG)
    adm.status, adm.endtime, adm.dscginfo = OUT, text(info.get("endtime")), dict(info)
    if diagnoses:  # the discharge diagnoses replace earlier discharge ones, admission ones stay
        found.diagnoses = [d for d in found.diagnoses if d.get("inout_diag_type") != DISCHARGE_DIAG] + diagnoses
    call.psn_no = psn_no
    return {}


def change_admission(call: Call) -> dict:
    info = call.node("adminfo")
    mdtrt_id, psn_no = text(info.get("mdtrt_id")), text(info.get("psn_no"))
    found, adm = admission(call, mdtrt_id, psn_no)
    _usable(adm)
    if final_settlement(call.state, found, adm) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院结算，不能变更入院信息")
    med_type = _inpatient_med_type(text(info.get("med_type")) or found.med_type)
    begin, end = parse_time(info.get("begntime")), parse_time(adm.endtime or info.get("endtime"))
    if begin is not None and end is not None and end < begin:
        refuse(f"入院时间[{text(info.get('begntime'))}]晚于出院时间[{adm.endtime or text(info.get('endtime'))}]")
    diagnoses = _diagnoses(call, psn_no, mdtrt_id, ADMIT_DIAG)
    found.mdtrtinfo.update({k: v for k, v in info.items() if v not in (None, "")})
    found.med_type, found.begntime = med_type, text(info.get("begntime")) or found.begntime
    found.ipt_otp_no = text(info.get("ipt_otp_no")) or found.ipt_otp_no
    if diagnoses:
        found.diagnoses = [d for d in found.diagnoses if d.get("inout_diag_type") != ADMIT_DIAG] + diagnoses
    call.psn_no = psn_no
    return {}


def _cancel(call: Call, found: Visit, adm: Admission, prefix: str = "") -> None:
    """Checks shared by 2404 and the 2601 of a 2401, then the cancellation."""
    if adm.status == OUT:
        refuse(f"{prefix}就诊ID[{adm.mdtrt_id}]已办理出院，请先撤销出院")
    if live_settlements(call.state, found):
        refuse(f"{prefix}就诊ID[{adm.mdtrt_id}]已有结算，请先撤销结算")
    if found.fees:
        refuse(f"{prefix}就诊ID[{adm.mdtrt_id}]已上传{len(found.fees)}条费用明细，请先撤销费用明细")
    adm.status, found.cancelled = CANCELLED, True


def cancel_admission(call: Call) -> dict:
    data = call.node("data")
    mdtrt_id, psn_no = text(data.get("mdtrt_id")), text(data.get("psn_no"))
    found, adm = admission(call, mdtrt_id, psn_no)
    if adm.status == CANCELLED:
        refuse(f"就诊ID[{mdtrt_id}]已撤销入院，不能重复撤销")
    _cancel(call, found, adm)
    call.psn_no = psn_no
    return {}


def cancel_discharge(call: Call) -> dict:
    data = call.node("data")
    mdtrt_id, psn_no = text(data.get("mdtrt_id")), text(data.get("psn_no"))
    found, adm = admission(call, mdtrt_id, psn_no)
    _usable(adm)
    if adm.status != OUT:
        refuse(f"就诊ID[{mdtrt_id}]未办理出院，不能撤销出院")
    if final_settlement(call.state, found, adm) is not None:
        refuse(f"就诊ID[{mdtrt_id}]已办理出院结算，请先撤销结算再撤销出院")
    current = in_hospital(call.state, psn_no)
    if current is not None:  # back in hospital here would make the person in hospital twice
        refuse(f"该人员已在其他住院[{current.mdtrt_id}]中，不能撤销出院")
    adm.status, adm.endtime, adm.dscginfo = IN, "", {}
    found.diagnoses = [d for d in found.diagnoses if d.get("inout_diag_type") != DISCHARGE_DIAG]
    call.psn_no = psn_no
    return {}


def undo_admit(call: Call, mdtrt_id: str) -> None:
    """2601 of a 2401: refused, like 2404, once the stay has fees, a settlement or a discharge."""
    adm = admissions(call.state)[mdtrt_id]
    if adm.status == CANCELLED:
        return
    _cancel(call, call.state.visits[mdtrt_id], adm, prefix="冲正失败：")
    call.state.visits[mdtrt_id].reversed = True


HANDLERS = {"2401": admit, "2402": discharge, "2403": change_admission, "2404": cancel_admission,
            "2405": cancel_discharge}
UNDO = {"inpatient_admit": undo_admit}
