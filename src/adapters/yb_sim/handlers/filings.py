"""2501/2501A 转院备案, 2502 撤销, 2503 人员慢特病备案, 2504 撤销, 2505 人员定点备案, 2506 撤销.

A filing is in force from the moment it is accepted (the simulator has no 经办 review step) until
it is revoked; each gets a 待遇申报明细流水号 (trt_dcla_detl_sn) that the revocation must name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from adapters.yb_sim.handlers.common import Call, person, refuse, text
from adapters.yb_sim.handlers.inpatient_state import parse_time, serial
from adapters.yb_sim.state import SimState

REFERRAL, CHRONIC, DESIGNATED = "referral", "chronic", "designated"
KIND_NAMES = {REFERRAL: "转院备案", CHRONIC: "人员慢特病备案", DESIGNATED: "人员定点备案"}


@dataclass
class Filing:
    sn: str
    kind: str
    psn_no: str
    data: dict
    filed_at: str
    revoked: bool = False
    revoke: dict = field(default_factory=dict)  # memo and time of the revocation

    def covers(self, day: date) -> bool:
        """In force on `day`: not revoked, begun, not ended."""
        begin, end = parse_time(self.data.get("begndate")), parse_time(self.data.get("enddate"))
        return not self.revoked and (begin is None or begin.date() <= day) and (end is None or day <= end.date())


def filings(state: SimState) -> dict[str, Filing]:
    return state.section("filings", dict)


def of_person(state: SimState, kind: str, psn_no: str) -> list[Filing]:
    """A person's filings of one kind that were not revoked, in filing order."""
    return [f for f in filings(state).values() if f.kind == kind and f.psn_no == psn_no and not f.revoked]


def chronic_filing(state: SimState, psn_no: str, dise_code: str, day: date) -> Filing | None:
    return next((f for f in of_person(state, CHRONIC, psn_no)
                 if text(f.data.get("opsp_dise_code")) == dise_code and f.covers(day)), None)


def _period(data: dict) -> None:
    begin, end = parse_time(data.get("begndate")), parse_time(data.get("enddate"))
    if begin is not None and end is not None and end < begin:
        refuse(f"结束日期[{text(data.get('enddate'))}]早于开始日期[{text(data.get('begndate'))}]")


def _overlaps(a: dict, b: dict) -> bool:
    a0, a1 = parse_time(a.get("begndate")), parse_time(a.get("enddate"))
    b0, b1 = parse_time(b.get("begndate")), parse_time(b.get("enddate"))
    return (a1 is None or b0 is None or b0 <= a1) and (b1 is None or a0 is None or a0 <= b1)


def _insured(call: Call, psn_no: str, insutype: str) -> None:
    if not insutype:
        return
    account = person(call, psn_no).account(insutype)
    if account is None:
        refuse(f"人员[{psn_no}]未参加险种[{insutype}]")
    if account.psn_insu_stas != "1":
        refuse(f"人员[{psn_no}]险种[{insutype}]参保状态异常[{account.psn_insu_stas}]，不能备案")


def _file(call: Call, kind: str, psn_no: str, data: dict) -> dict:
    sn = serial(call, "7")
    filings(call.state)[sn] = Filing(sn, kind, psn_no, dict(data), call.now_text)
    call.psn_no = psn_no
    return {"result": {"trt_dcla_detl_sn": sn}}


def file_referral(call: Call) -> dict:
    data = call.node("refmedin")
    psn_no = text(data.get("psn_no"))
    person(call, psn_no)
    _insured(call, psn_no, text(data.get("insutype")))
    _period(data)
    old = text(data.get("refl_old_mdtrt_id"))  # 2501A only: the stay being transferred
    if old:
        found = call.state.visits.get(old)
        if found is None or found.psn_no != psn_no:
            refuse(f"转院前就诊ID[{old}]不存在或不属于人员[{psn_no}]")
    target = text(data.get("reflin_medins_no"))
    for f in of_person(call.state, REFERRAL, psn_no):
        if text(f.data.get("reflin_medins_no")) == target and _overlaps(f.data, data):
            refuse(f"人员[{psn_no}]已存在转往[{target}]的有效转院备案[{f.sn}]，不能重复备案")
    return _file(call, REFERRAL, psn_no, data)


def file_chronic(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    person(call, psn_no)
    _insured(call, psn_no, text(data.get("insutype")))
    _period(data)
    code = text(data.get("opsp_dise_code"))
    for f in of_person(call.state, CHRONIC, psn_no):
        if text(f.data.get("opsp_dise_code")) == code and _overlaps(f.data, data):
            refuse(f"人员[{psn_no}]已存在病种[{code}]的有效慢特病备案[{f.sn}]，不能重复备案")
    return _file(call, CHRONIC, psn_no, data)


def file_designated(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    person(call, psn_no)
    _period(data)
    key = (text(data.get("biz_appy_type")), text(data.get("fix_srt_no")))
    for f in of_person(call.state, DESIGNATED, psn_no):
        if (text(f.data.get("biz_appy_type")), text(f.data.get("fix_srt_no"))) == key and _overlaps(f.data, data):
            refuse(f"人员[{psn_no}]业务申请类型[{key[0]}]定点排序号[{key[1]}]已有有效定点备案[{f.sn}]")
    return _file(call, DESIGNATED, psn_no, data)


def _revoker(kind: str):
    def revoke(call: Call) -> dict:
        data = call.node("data")
        sn, psn_no = text(data.get("trt_dcla_detl_sn")), text(data.get("psn_no"))
        found = filings(call.state).get(sn)
        if found is None or found.kind != kind:  # another kind's number is unknown to this transaction
            refuse(f"待遇申报明细流水号[{sn}]对应的{KIND_NAMES[kind]}不存在")
        if found.psn_no != psn_no:
            refuse(f"人员编号[{psn_no}]与{KIND_NAMES[kind]}[{sn}]的人员不一致")
        if found.revoked:
            refuse(f"{KIND_NAMES[kind]}[{sn}]已撤销，不能重复撤销")
        found.revoked = True
        found.revoke = {"memo": text(data.get("memo")), "time": call.now_text}
        call.psn_no = psn_no
        return {}
    return revoke


HANDLERS = {"2501": file_referral, "2501A": file_referral, "2502": _revoker(REFERRAL),
            "2503": file_chronic, "2504": _revoker(CHRONIC),
            "2505": file_designated, "2506": _revoker(DESIGNATED)}
