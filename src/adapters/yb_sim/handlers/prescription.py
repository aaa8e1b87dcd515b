"""电子处方流转 (7101-7205, the FSI-embedded snake_case flow Hubei V1.1.16 lists).

A prescription lives as: 7101 uploaded -> 7103 dispensed (购药结果) | 7104 revoked. A revoked or
dispensed prescription refuses every further change (7102/7103/7104/7204); 7205 (delivery) is
accepted until it is revoked, since goods travel after the purchase. Audits (7102 feedback, 7204
审核) are recorded and listed, they do not change the state.
Conventions where the spec says nothing:
  * the platform issues hi_rxno (7101 output) and an auth_rxno that 7202 lists and 7203 accepts;
  * 7201's epc_qrcd (27 characters at most) is either a hi_rxno (a prescription's own QR code)
    or a person's certno (an ID-card scan); the epc_token it returns is good for 7203;
  * 7202 lists the person's prescriptions that are uploaded and still valid (valid_end_time);
  * the institution's code and name are not in a 7101 body, so 7202/7203 echo them as null;
  * the hospital hears of the pharmacy's side by the platform's pushes (rx_notify, provisional):
    a 7204 审核 queues a 7102 notice, a 药店结算 (2102/2102A) whose drug rows name an uploaded
    hi_rxno as rxno with rx_circ_flag 1 dispenses it and queues a 7103 notice (the settlement's
    amounts, its rows for that prescription). 7204 carries no pharmacy code: the notice names
    PHARMACY below.
"""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field

from adapters.yb_sim.handlers.common import Call, number, person, refuse, shape, text
from domain.money import ZERO, money

UPLOADED, DISPENSED, REVOKED = "uploaded", "dispensed", "revoked"
PHARMACY = ("P42010600001", "模拟定点药店")  # fixmedins_code / fixmedins_name of the 7102 it pushes
LABELS = {UPLOADED: "已上传", DISPENSED: "已购药", REVOKED: "已撤销"}


@dataclass
class Rx:
    hi_rxno: str
    auth_rxno: str
    hosp_rxno: str
    psn_no: str
    data: dict
    drugs: list[dict]
    mdtrtinfo: dict
    diseinfo: list[dict]
    status: str = UPLOADED
    feedback: list[dict] = field(default_factory=list)  # 7102 and 7204, in arrival order
    purchase: dict = field(default_factory=dict)  # 7103
    revocation: dict = field(default_factory=dict)  # 7104
    deliveries: list[dict] = field(default_factory=list)  # 7205


@dataclass
class RxState:
    rxs: dict[str, Rx] = field(default_factory=dict)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # epc_token -> (psn_no, hi_rxno or "")
    prefix: str = field(default_factory=lambda: secrets.token_hex(3).upper())
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    outbox: list[tuple[str, dict]] = field(default_factory=list)  # (7102 | 7103, input) for the hospital


def take_notices(state) -> list[tuple[str, dict]]:
    """The notices for the hospital that the last call queued (SimulatorPlatform hands them to
    its RxNotifier)."""
    section = state.sections.get("prescription")
    if section is None or not section.outbox:
        return []
    taken, section.outbox = section.outbox, []
    return taken


def _state(call: Call) -> RxState:
    return call.state.section("prescription", RxState)


def _rx(call: Call, *allowed: str) -> Rx:
    """The prescription named by data.hi_rxno, refused unless its state is one of `allowed`."""
    hi_rxno = text(call.node("data").get("hi_rxno"))
    found = _state(call).rxs.get(hi_rxno)
    if found is None:
        refuse(f"医保处方编号[{hi_rxno}]不存在")
    if found.status not in allowed:
        refuse(f"处方[{hi_rxno}]{LABELS[found.status]}，不能办理{call.tx.name}")
    call.psn_no = found.psn_no
    return found


def upload(call: Call) -> dict:
    data, info, state = call.node("data"), call.node("mdtrtinfo"), _state(call)
    hosp_rxno, psn_no = text(data.get("hosp_rxno")), text(info.get("psn_no"))
    who = person(call, psn_no)
    if text(info.get("certno")).upper() != who.certno.upper() or text(info.get("patn_name")) != who.psn_name:
        refuse(f"就诊信息中的证件号码或姓名与人员[{psn_no}]不符")
    visit = call.state.visits.get(text(info.get("mdtrt_id")))
    if visit is not None and visit.psn_no != psn_no:  # visits from other channels are not known here
        refuse(f"就诊ID[{visit.mdtrt_id}]不属于人员[{psn_no}]")
    if any(r.hosp_rxno == hosp_rxno and r.status != REVOKED for r in state.rxs.values()):
        refuse(f"院内处方编号[{hosp_rxno}]已上传，请勿重复上传")
    if text(data.get("valid_end_time")) <= text(data.get("prsc_time")):
        refuse("处方有效截止时间须晚于开方时间")
    drugs = call.rows("rxdrugdetail")
    if not drugs:
        refuse("处方药品明细不能为空")
    n = next(state.seq)
    rx = Rx(hi_rxno=f"{call.admdvs}RX{state.prefix}{n:010d}", auth_rxno=f"AU{state.prefix}{n:010d}",
            hosp_rxno=hosp_rxno, psn_no=psn_no, data=dict(data), drugs=[dict(d) for d in drugs],
            mdtrtinfo=dict(info), diseinfo=[dict(d) for d in call.rows("diseinfo")])
    state.rxs[rx.hi_rxno] = rx
    call.psn_no = psn_no
    return {"data": {"hi_rxno": rx.hi_rxno}}


def feedback(call: Call) -> dict:
    """7102 审核结果反馈 and 7204 审核: recorded on a prescription not yet closed; a pharmacy's 7204
    is pushed on to the hospital as a 7102."""
    rx = _rx(call, UPLOADED)
    data = call.node("data")
    rx.feedback.append(dict(data, infno=call.request.infno, received=call.now_text))
    if call.request.infno == "7204":
        notice = {k: data.get(k) for k in ("hi_rxno", "phar_cert_type", "phar_certno", "phar_name",
                                           "phar_prac_cert_no", "rchk_phar_cert_type", "rchk_phar_certno",
                                           "rchk_phar_name", "rx_chk_stas_codg", "rx_chk_opnn", "rx_chk_time")
                  if data.get(k) not in (None, "")}
        notice.update(fixmedins_code=PHARMACY[0], fixmedins_name=PHARMACY[1])
        _state(call).outbox.append(("7102", {"data": notice}))
    return {}


def circulated_rows(call: Call, rows: list[dict]) -> dict[str, list[dict]]:
    """The drug rows of a 药店结算 that fill a circulated prescription (rxno = its hi_rxno,
    rx_circ_flag 1), by hi_rxno; refused before anything is booked unless each is still usable."""
    found: dict[str, list[dict]] = {}
    for row in rows:
        if text(row.get("rx_circ_flag")) == "1" and text(row.get("rxno")):
            found.setdefault(text(row.get("rxno")), []).append(row)
    for hi_rxno in found:
        rx = _state(call).rxs.get(hi_rxno)
        if rx is None:
            refuse(f"外购处方[{hi_rxno}]不存在")
        if not _usable(call, rx):
            refuse(f"处方[{hi_rxno}]{LABELS[rx.status] if rx.status != UPLOADED else '已过有效期'}，不能购药")
    return found


def dispense(call: Call, by_rx: dict[str, list[dict]], setlinfo: dict) -> None:
    """A 药店结算 filled these prescriptions: dispensed, and a 7103 queued for the hospital for each
    (the settlement's amounts: one settlement, one prescription, as pharmacies settle them)."""
    for hi_rxno, rows in by_rx.items():
        rx = _state(call).rxs[hi_rxno]
        drugs = {text(d.get("med_list_codg")): d for d in rx.drugs}
        seltdelts = []
        for row in rows:
            drug = drugs.get(text(row.get("med_list_codg")), {})
            seltdelts.append({"medins_drug_no": row.get("medins_list_codg"), "drug_genname": drug.get("drug_genname"),
                              "drug_prodname": drug.get("drug_prodname"),
                              "drug_dosform": drug.get("drug_dosform") or "未知", "drug_spec": drug.get("drug_spec") or "未知",
                              "drug_totlcnt": row.get("cnt"), "prdr_name": drug.get("prdr_name") or "未知",
                              "pric": row.get("pric"), "total_unit": drug.get("drug_cnt_unit") or "未知",
                              "sumamt": row.get("det_item_fee_sumamt")})
        data = {"hi_rxno": hi_rxno, **{k: setlinfo.get(k) for k in ("fund_pay_sumamt", "psn_part_amt", "acct_pay",
                                                                      "psn_cash_pay")},
                "setl_time": setlinfo.get("setl_time") or call.now_text}
        rx.purchase = dict(data, seltdelts=seltdelts, received=call.now_text)
        rx.status = DISPENSED
        _state(call).outbox.append(("7103", {"data": data, "seltdelts": seltdelts}))


def purchase(call: Call) -> dict:
    rx = _rx(call, UPLOADED)
    data = call.node("data")
    fund, part, acct, cash = (money(number(data.get(k))) for k in
                              ("fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay"))
    if acct + cash != part:
        refuse(f"个人账户支付[{acct}]+现金支付[{cash}]不等于个人负担[{part}]")
    rows = call.rows("seltdelts")
    total = sum((money(number(r.get("sumamt"))) for r in rows), ZERO)
    if rows and total != fund + part:
        refuse(f"购药明细金额合计[{total}]不等于基金支付[{fund}]+个人负担[{part}]")
    rx.purchase = dict(data, seltdelts=[dict(r) for r in rows], received=call.now_text)
    rx.status = DISPENSED
    return {}


def revoke(call: Call) -> dict:
    rx = _rx(call, UPLOADED)
    data = call.node("data")
    doctor = text(rx.mdtrtinfo.get("prsc_dr_name"))
    if text(data.get("prsc_dr_name")) != doctor:
        refuse(f"开方医师[{text(data.get('prsc_dr_name'))}]与处方开方医师[{doctor}]不符")
    rx.revocation, rx.status = dict(data), REVOKED
    return {}


def deliver(call: Call) -> dict:
    rx = _rx(call, UPLOADED, DISPENSED)
    rx.deliveries.append(dict(call.node("data"), received=call.now_text))
    return {}


# ---- the pharmacy side: find and download -------------------------------------------------

def parse_qr(call: Call) -> dict:
    data, state = call.node("data"), _state(call)
    code = text(data.get("epc_qrcd"))
    rx = state.rxs.get(code)
    who = call.state.persons.get(rx.psn_no) if rx else \
        next((p for p in call.state.persons.values() if code and p.certno.upper() == code.upper()), None)
    if who is None:
        refuse("处方二维码无效或已过期")
    if rx is not None and rx.status != UPLOADED:
        refuse(f"处方[{rx.hi_rxno}]{LABELS[rx.status]}")
    token = "EPC" + secrets.token_hex(16).upper()
    state.tokens[token] = (who.psn_no, rx.hi_rxno if rx else "")
    call.psn_no = who.psn_no
    account = who.accounts[0] if who.accounts else None
    return {"data": {"epc_token": token, "cert_type": who.psn_cert_type, "name": who.psn_name,
                     "certno": who.certno, "insuplc_admdvs": account.insuplc_admdvs if account else call.admdvs}}


def _usable(call: Call, rx: Rx) -> bool:
    return rx.status == UPLOADED and text(rx.data.get("valid_end_time")) >= call.now_text


def query(call: Call) -> dict:
    data = call.node("data")
    who = call.state.find_person(text(data.get("mdtrt_cert_type")), text(data.get("mdtrt_cert_no")))
    if who is None:
        refuse("未查询到参保人员信息")
    call.psn_no = who.psn_no
    return {"data": [shape(call, "data", {
        "auth_rxno": rx.auth_rxno, "diag_name": rx.mdtrtinfo.get("diag_name"), "fixmedins_code": None,
        "fixmedins_name": None, "prsc_time": rx.data.get("prsc_time"), "dept_name": rx.mdtrtinfo.get("prsc_dept_name"),
        "valid_end_time": rx.data.get("valid_end_time")})
        for rx in _state(call).rxs.values() if rx.psn_no == who.psn_no and _usable(call, rx)]}


def download(call: Call) -> dict:
    data, state = call.node("data"), _state(call)
    token, auth_rxno = text(data.get("epc_token")), text(data.get("auth_rxno"))
    if not token and not auth_rxno:
        refuse("epc_token与auth_rxno不能同时为空")
    bound = state.tokens.get(token) if token else None
    if token and bound is None:
        refuse("处方令牌无效或已过期")
    if auth_rxno:
        rx = next((r for r in state.rxs.values() if r.auth_rxno == auth_rxno), None)
    elif bound[1]:
        rx = state.rxs[bound[1]]
    else:
        usable = [r for r in state.rxs.values() if r.psn_no == bound[0] and _usable(call, r)]
        if len(usable) != 1:
            refuse(f"该参保人有{len(usable)}张待使用处方，请指定auth_rxno")
        rx = usable[0]
    if rx is None or (bound is not None and rx.psn_no != bound[0]):
        refuse(f"处方[{auth_rxno}]不存在或不属于该令牌的参保人")
    if not _usable(call, rx):
        refuse(f"处方[{rx.hi_rxno}]{LABELS[rx.status] if rx.status != UPLOADED else '已过有效期'}，不能下载")
    call.psn_no = rx.psn_no
    head = dict(rx.data, hi_rxno=rx.hi_rxno, fixmedins_code=None, fixmedins_name=None,
                rept_flag=rx.data.get("rept_flag") or "0")
    drugs = [dict(d, drug_prodname=d.get("drug_prodname") or d.get("drug_genname")) for d in rx.drugs]
    return {"data": shape(call, "data", head), "rxdrugdetail": [shape(call, "rxdrugdetail", d) for d in drugs],
            "mdtrtinfo": shape(call, "mdtrtinfo", rx.mdtrtinfo),
            "diseinfo": [shape(call, "diseinfo", d) for d in rx.diseinfo]}


HANDLERS = {"7101": upload, "7102": feedback, "7103": purchase, "7104": revoke,
            "7201": parse_qr, "7202": query, "7203": download, "7204": feedback, "7205": deliver}
