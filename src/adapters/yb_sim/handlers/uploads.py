"""4xxx 信息采集上传: what the HIS uploads is checked, kept and can be read back.

结算清单 4101/4101a/4102/4103 (section "uploads_setl_list", by setl_id): the settlement must be one
the platform issued, in force, of that mdtrt_id (and psn_no on 4101a); 4101 must also repeat the
settlement's acct_pay and psn_cashpay and its payinfo must add up to fund_pay_sumamt. Uploading
4101 again replaces the list and keeps its setl_list_id; 4101a is held to more (handlers.setl_list_slim). 4102 sets stas_type of uploaded lists; 4103
reads a list back in the query's names (setl_begn_date → setl_begndate, acct_pay → acct_payamt ...),
person and amounts from the settlement, payinfo from the upload (4101) or the settlement (4101a).

自费病人 4201-4209 (section "uploads_ownpay", by (fixmedins_code, fixmedins_mdtrt_id)): 4201 rows
carry no institution code and use mdtrt_sn / feedetl_sn: the code is taken from the msgid's first
12 characters and the rows are kept as 4201A rows (fixmedins_mdtrt_id, bkkp_sn). Fee rows must
satisfy cnt × pric = det_item_fee_sumamt (4201A: and the four parts add up to it); a bkkp_sn is
used once. 4202 (住院) and 4205 (门诊, all in one) give the visit; 4205 again needs a 4206 first.
4203 cplt_flag "1" needs the visit, fees, and 4202's medfee_sumamt equal to the fees; a completed
visit takes no fee changes until cplt_flag "0". 4204 deletes named (or all) fee rows. 4207/4208/4209
page (page_num from 1) through fees, the visit and the diagnoses, in camelCase as the spec says; an
unknown visit reads as no rows.

诊疗记录 4301-4701 (section "uploads_clinical", {infno: {key: record}}): keyed by the ids in
`CLINICAL` (mdtrt_sn plus the report's own numbers); a node of rows keeps one record per row.
mdtrt_id / psn_no, when sent, must name a visit of that person. vali_flag "1" stores (replacing a
record of the same key), "0" voids a stored record (refused when there is none). `clinical()` and
`ownpay()` read them back.
"""
from __future__ import annotations

import copy
import re
from decimal import InvalidOperation

from adapters.yb_sim.handlers.common import Call, number, refuse, shape, text
from adapters.yb_sim.state import ACTIVE, SimState
from domain.money import ZERO, money


# ---- 结算清单 ------------------------------------------------------------------------------------
def _amount(value: object) -> object:
    try:
        return money(number(value if value not in (None, "") else "0"))
    except (ValueError, TypeError, InvalidOperation):
        refuse(f"金额[{value}]不是数值")


def upload_setl_list(call: Call) -> dict:
    info = call.node("setlinfo")
    setl_id, mdtrt_id, psn_no = (text(info.get(k)) for k in ("setl_id", "mdtrt_id", "psn_no"))
    s = call.state.settlements.get(setl_id)
    if s is None or s.origin_setl_id or s.state != ACTIVE:
        refuse(f"结算ID[{setl_id}]不存在或已撤销，不能上传结算清单")
    if s.mdtrt_id != mdtrt_id or (psn_no and s.psn_no != psn_no):
        refuse(f"结算ID[{setl_id}]与就诊ID[{mdtrt_id}]或人员编号[{psn_no}]不符")
    if call.request.infno == "4101":
        theirs = {"acct_pay": _amount(info.get("acct_pay")), "psn_cash_pay": _amount(info.get("psn_cashpay")),
                  "fund_pay_sumamt": sum((_amount(r.get("fund_payamt")) for r in call.rows("payinfo")), ZERO)}
        wrong = [f"{k}: 清单[{v}]，结算[{s.setlinfo.get(k)}]" for k, v in theirs.items() if v != s.setlinfo.get(k)]
        if wrong:
            refuse("结算清单金额与结算信息不符：" + "；".join(wrong))
    book = call.state.section("uploads_setl_list", dict)
    list_id = book[setl_id]["setl_list_id"] if setl_id in book else f"SL{setl_id}"
    book[setl_id] = {"setl_list_id": list_id, "infno": call.request.infno, "input": copy.deepcopy(call.request.input),
                     "psn_no": s.psn_no, "stas_type": text(info.get("stas_type")), "time": call.now_text}
    return {"data": shape(call, "data", {"setl_list_id": list_id})}


def _uploaded(call: Call, setl_id: str, psn_no: str) -> dict:
    found = call.state.section("uploads_setl_list", dict).get(setl_id)
    if found is None or found["psn_no"] != psn_no:
        refuse(f"人员[{psn_no}]结算ID[{setl_id}]的结算清单不存在")
    return found


def set_list_state(call: Call) -> dict:
    rows = [r for r in call.node("data").get("stastinfo") or [] if isinstance(r, dict)]
    found = [_uploaded(call, text(r.get("setl_id")), text(r.get("psn_no"))) for r in rows]
    for entry, row in zip(found, rows):
        entry["stas_type"] = text(row.get("stas_type"))
    return {}


RENAMED = {"setl_begn_date": "setl_begndate", "setl_end_date": "setl_enddate", "psn_selfpay": "psn_selfpay_amt",
           "psn_ownpay": "psn_ownpay_fee", "acct_pay": "acct_payamt", "adm_way": "adm_way_code",
           "refldept_dept": "refl_caty", "otp_wm_dise": "otp_wm_diag", "wm_dise_code": "otp_wm_diag_dise_code",
           "otp_tcm_dise": "otp_tcm_diag", "tcm_dise_code": "otp_tcm_diag_dise_code", "insuplc": "insu_admdvs",
           "patn_cert_type": "psn_cert_type", "poscode": "emp_poscode", "days_rinp_flag_31": "dscg31days_rinp_flag",
           "days_rinp_pup_31": "rinp_pup", "opsp_mdtrt_date": "opsp_mdtrt_time", "acp_medins_name": "acp_optins_name",
           "med_chrgitm": "med_chrgitm_type", "amt": "item_sumamt", "claa_sumfee": "item_claa_amt",
           "clab_amt": "item_clab_amt", "fulamt_ownpay_amt": "item_ownpay_amt", "oth_amt": "item_oth_amt"}


def _declared(call: Call, node: str, values: dict) -> dict:
    spec = call.tx.output_node(node)
    return {f.name: values.get(f.name) for f in spec.fields} if spec else values


def query_setl_list(call: Call) -> dict:
    data = call.node("data")
    setl_id, psn_no = text(data.get("setl_id")), text(data.get("psn_no"))
    entry = _uploaded(call, setl_id, psn_no)
    s, uploaded = call.state.settlements[setl_id], entry["input"]
    ids = {"setl_id": setl_id, "psn_no": psn_no, "mdtrt_id": s.mdtrt_id}
    info = {RENAMED.get(k, k): v for k, v in (uploaded.get("setlinfo") or {}).items()}
    info.update({k: s.setlinfo.get(k) for k in ("psn_name", "gend", "brdy", "age", "naty", "certno", "insutype",
                                                 "psn_cert_type", "psn_cash_pay")},
                psn_cashpay=s.setlinfo.get("psn_cash_pay"), acct_payamt=s.acct_pay, stas_type=entry["stas_type"],
                setl_list_sn=entry["setl_list_id"], **ids)
    pay = uploaded.get("payinfo") if entry["infno"] == "4101" else s.setldetail
    out = {"setlinfo": _declared(call, "setlinfo", info)}
    for node, rows in (("payinfo", pay), *((n, uploaded.get(n)) for n in
                       ("opspdiseinfo", "diseinfo", "iteminfo", "oprninfo", "icuinfo", "bldinfo"))):
        out[node] = [_declared(call, node, {**{RENAMED.get(k, k): v for k, v in r.items()}, **ids})
                     for r in rows or [] if isinstance(r, dict)]
    return out


# ---- 自费病人 ------------------------------------------------------------------------------------
def _ownpay_book(state: SimState) -> dict:
    return state.section("uploads_ownpay", dict)


def ownpay(state: SimState, fixmedins_code: str, fixmedins_mdtrt_id: str) -> dict | None:
    return _ownpay_book(state).get((fixmedins_code, fixmedins_mdtrt_id))


def _record(call: Call, code: str, mdtrt: str, create: bool = False, open_: bool = False) -> dict:
    """The visit's record; `create` makes an empty one (call it only once every check has passed)."""
    book = _ownpay_book(call.state)
    if (code, mdtrt) not in book:
        if not create:
            refuse(f"自费病人就诊[{mdtrt}]（机构[{code}]）不存在")
        book[(code, mdtrt)] = {"code": code, "mdtrt": mdtrt, "visit": None, "diags": [], "fees": {},
                               "cplt_flag": "0", "kind": ""}
    record = book[(code, mdtrt)]
    if open_ and record["cplt_flag"] == "1":
        refuse(f"自费病人就诊[{mdtrt}]已上传完成，请先将完成标志置为0")
    return record


def _add_fees(call: Call, rows: list[dict], parts: bool) -> None:
    staged: dict[tuple, dict] = {}
    for i, row in enumerate(rows, 1):
        code, mdtrt, sn = (text(row.get(k)) for k in ("fixmedins_code", "fixmedins_mdtrt_id", "bkkp_sn"))
        record = ownpay(call.state, code, mdtrt)
        if record is not None and record["cplt_flag"] == "1":
            refuse(f"自费病人就诊[{mdtrt}]已上传完成，请先将完成标志置为0")
        total = _amount(row.get("det_item_fee_sumamt"))
        if money(number(row.get("cnt")) * number(row.get("pric"))) != total:
            refuse(f"第{i}条费用[{sn}]: 明细项目费用总额[{total}]与数量×单价不符")
        names = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_amt")
        if parts and sum((_amount(row.get(n)) for n in names), ZERO) != total:
            refuse(f"第{i}条费用[{sn}]: 全自费、超限价、先行自付与符合范围金额之和不等于费用总额[{total}]")
        if (record is not None and sn in record["fees"]) or (code, mdtrt, sn) in staged:
            refuse(f"第{i}条费用: 记账流水号[{sn}]已上传")
        staged[(code, mdtrt, sn)] = dict(row, crte_time=call.now_text)
    for (code, mdtrt, sn), row in staged.items():
        _record(call, code, mdtrt, create=True)["fees"][sn] = row


def upload_ownpay_fees_v1(call: Call) -> dict:
    code = call.request.msgid[:12]  # 4201 rows carry no institution code; a msgid begins with it
    rows = [dict(r, fixmedins_code=code, fixmedins_mdtrt_id=r.get("mdtrt_sn"), bkkp_sn=r.get("feedetl_sn"),
                 bilg_dr_code=r.get("bilg_dr_codg")) for r in call.rows("feedetail")]
    _add_fees(call, rows, parts=False)
    return {}


def upload_ownpay_fees(call: Call) -> dict:
    _add_fees(call, call.rows("fsiOwnpayPatnFeeListDDTO"), parts=True)
    return {}


def upload_ownpay_inpatient(call: Call) -> dict:
    visit = call.node("ownPayPatnMdtrtD")
    code, mdtrt = text(visit.get("fixmedins_code")), text(visit.get("fixmedins_mdtrt_id"))
    record = _record(call, code, mdtrt, create=True, open_=True)  # a new record is never complete
    record.update(visit=dict(visit, crte_time=call.now_text), diags=copy.deepcopy(call.rows("ownPayPatnDiagListD")),
                  kind="ipt")
    return {}


def upload_ownpay_outpatient(call: Call) -> dict:
    visit = call.node("mdtrtinfo")
    code, mdtrt = text(visit.get("fixmedins_code")), text(visit.get("fixmedins_mdtrt_id"))
    if ownpay(call.state, code, mdtrt) is not None:
        refuse(f"自费病人门诊就诊[{mdtrt}]已上传，请先删除(4206)")
    if any(text(r.get("fixmedins_mdtrt_id")) != mdtrt or text(r.get("fixmedins_code")) != code
           for r in call.rows("feedetail")):
        refuse(f"费用明细的就诊ID或机构编码与就诊信息[{mdtrt}]不一致")
    _add_fees(call, call.rows("feedetail"), parts=False)
    record = _record(call, code, mdtrt, create=True)
    record.update(visit=dict(visit, crte_time=call.now_text), diags=copy.deepcopy(call.rows("diseinfo")), kind="otp")
    return {}


def complete_ownpay(call: Call) -> dict:
    data = call.request.input
    record = _record(call, text(data.get("fixmedins_code")), text(data.get("fixmedins_mdtrt_id")))
    flag = text(data.get("cplt_flag"))
    if flag not in ("0", "1"):
        refuse(f"完成标志[{flag}]无效，应为0或1")
    if flag == "1":
        if record["visit"] is None or not record["fees"]:
            refuse("就诊信息和费用明细均上传后才能置完成标志")
        declared = record["visit"].get("medfee_sumamt")
        fees = sum((_amount(f.get("det_item_fee_sumamt")) for f in record["fees"].values()), ZERO)
        if declared not in (None, "") and _amount(declared) != fees:
            refuse(f"就诊医疗费总额[{_amount(declared)}]与费用明细合计[{fees}]不符")
    record["cplt_flag"] = flag
    return {}


def delete_ownpay_fees(call: Call) -> dict:
    head = call.node("feedetail")
    record = _record(call, text(head.get("fixmedins_code")), text(head.get("fixmedins_mdtrt_id")), open_=True)
    wanted = [text(r.get("bkkp_sn")) for r in call.rows("feedetl") if text(r.get("bkkp_sn"))] or list(record["fees"])
    missing = [sn for sn in wanted if sn not in record["fees"]]
    if missing:
        refuse(f"记账流水号[{','.join(missing)}]不存在")
    for sn in wanted:
        del record["fees"][sn]
    return {}


def delete_ownpay_outpatient(call: Call) -> dict:
    data = call.request.input
    key = (text(data.get("fixmedins_code")), text(data.get("fixmedins_mdtrt_id")))
    record = _record(call, *key)
    if record["kind"] != "otp":
        refuse(f"就诊[{key[1]}]不是自费病人门诊就医信息")
    del _ownpay_book(call.state)[key]
    return {}


def _camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def _page(call: Call, pick) -> dict:
    data = call.request.input
    record = ownpay(call.state, text(data.get("fixmedins_code")), text(data.get("fixmedins_mdtrt_id")))
    page, size = int(text(data.get("page_num"))), int(text(data.get("page_size")))
    if page < 1 or size < 1:
        refuse("页码和每页条数须大于0")
    rows = pick(record) if record else []
    meta = {"valiFlag": "1", "poolareaNo": call.admdvs, "optinsNo": call.admdvs}
    out = [shape(call, "data", {**{_camel(k): v for k, v in r.items()}, **meta, "rid": f"{i}"})
           for i, r in enumerate(rows[(page - 1) * size: page * size], (page - 1) * size + 1)]
    return {"data": out}


def query_fees(call: Call) -> dict:
    return _page(call, lambda r: list(r["fees"].values()))


def query_visit(call: Call) -> dict:
    return _page(call, lambda r: [dict(r["visit"], cplt_flag=r["cplt_flag"])] if r["visit"] else [])


def query_diagnoses(call: Call) -> dict:
    return _page(call, lambda r: [dict(d, diag_info_id=f"{r['mdtrt']}-{i}", fixmedins_mdtrt_id=r["mdtrt"],
                                       fixmedins_code=r["code"]) for i, d in enumerate(r["diags"], 1)])


# ---- 诊疗记录 ------------------------------------------------------------------------------------
CLINICAL = {  # infno: (node, key fields, one record per row)
    "4301": ("rgstinfo", ("mdtrt_sn",), False), "4302": ("oprninfo", ("Ymdtrt_sn",), False),
    "4401": ("baseinfo", ("mdtrt_sn",), False), "4402": ("data", ("mdtrt_sn", "medcas_drord_detl_id"), True),
    "4501": ("examinfo", ("mdtrt_sn", "rpotc_no", "appy_no"), False),
    "4502": ("labinfo", ("mdtrt_sn", "rpotc_no", "appy_no"), False),
    "4503": ("data", ("mdtrt_sn", "rpotc_no", "germ_code"), False),
    "4504": ("data", ("mdtrt_sn", "rpotc_no", "germ_code", "sstb_code"), False),
    "4505": ("data", ("mdtrt_sn", "palg_no"), False), "4506": ("data", ("mdtrt_sn", "appy_no", "file_name"), True),
    "4601": ("data", ("mdtrt_sn", "bld_time", "bld_cat_code"), True),
    "4602": ("data", ("mdtrt_sn", "rcd_time", "sign_time"), True),
    "4701": ("adminfo", ("mdtrt_sn", "adm_rec_no"), False),
}


def clinical(state: SimState, infno: str, *key: str) -> dict | None:
    return state.section("uploads_clinical", dict).get(infno, {}).get(tuple(key))


def upload_clinical(call: Call) -> dict:
    node, keys, per_row = CLINICAL[call.request.infno]
    value = call.request.input.get(node)
    rows = [r for r in (value if isinstance(value, list) else [value]) if isinstance(r, dict)]
    if not rows:
        refuse(f"节点[{node}]不能为空")
    units = [(r, copy.deepcopy(r)) for r in rows] if per_row else [(rows[0], copy.deepcopy(call.request.input))]
    book = call.state.section("uploads_clinical", dict).setdefault(call.request.infno, {})
    staged: dict[tuple, dict | None] = {}
    for row, content in units:
        key = tuple(text(row.get(k)) for k in keys)
        prefix = "Y" if "Ymdtrt_sn" in keys else ""
        mdtrt_id, psn_no = text(row.get(prefix + "mdtrt_id")), text(row.get(prefix + "psn_no"))
        found = call.state.visits.get(mdtrt_id) if mdtrt_id else None
        if mdtrt_id and (found is None or (psn_no and found.psn_no != psn_no)):
            refuse(f"就诊ID[{mdtrt_id}]不存在或不属于人员[{psn_no}]")
        if key in staged:
            refuse(f"记录[{'/'.join(key)}]在本次上传中重复")
        if text(row.get("vali_flag")) == "0":
            if key not in book or book[key]["vali_flag"] == "0":
                refuse(f"记录[{'/'.join(key)}]不存在，无法作废")
            staged[key] = None
        else:
            staged[key] = {"vali_flag": "1", "input": content, "time": call.now_text, "msgid": call.request.msgid}
    for key, record in staged.items():
        if record is None:
            book[key].update(vali_flag="0", void_time=call.now_text)
        else:
            book[key] = record
    return {}


HANDLERS = {"4101": upload_setl_list, "4102": set_list_state, "4103": query_setl_list,
            "4201": upload_ownpay_fees_v1, "4201A": upload_ownpay_fees, "4202": upload_ownpay_inpatient,
            "4203": complete_ownpay, "4204": delete_ownpay_fees, "4205": upload_ownpay_outpatient,
            "4206": delete_ownpay_outpatient, "4207": query_fees, "4208": query_visit, "4209": query_diagnoses,
            **{code: upload_clinical for code in CLINICAL}}
