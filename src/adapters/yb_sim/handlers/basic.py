"""1201 医药机构信息获取, 2001 人员待遇享受检查, 1901 字典表查询."""
from __future__ import annotations

from datetime import datetime

from adapters.yb_sim.catalog_base import LOCAL_DICTS
from adapters.yb_sim.catalog_orgs import find, institution
from adapters.yb_sim.catalog_store import store
from adapters.yb_sim.handlers.common import TIME, Call, person, refuse, shape, text

CHRONIC_MED_TYPES = {"14", "140104", "140201"}  # 门诊慢特病: the disease must be a listed one
DICT_VERSION = "V1.1.16"  # the spec version the dictionaries come from


def institutions(call: Call) -> dict:
    data = call.node("medinsinfo")
    found = find(text(data.get("fixmedins_type")), text(data.get("fixmedins_code")),
                 text(data.get("fixmedins_name")))
    return {"medinsinfo": [shape(call, "medinsinfo", i.row()) for i in found]}


# ---- 2001 ----------------------------------------------------------------------------------------

def _time(value: object, name: str) -> datetime:
    try:
        return datetime.strptime(text(value), TIME)
    except ValueError:
        refuse(f"{name}[{value}]格式不正确")


def _refusal(call: Call, psn_no: str, insutype: str, med_type: str, dise_codg: str,
             begin: datetime) -> tuple[str, str] | None:
    """(trt_chk_type, why) for the first check the person fails, None when entitled."""
    account = call.state.persons[psn_no].account(insutype)
    if account is None:
        return "01", f"人员未参加险种[{insutype}]"
    if account.psn_insu_stas != "1":
        label = call.catalogue.dictionaries["psn_insu_stas"].codes.get(account.psn_insu_stas, account.psn_insu_stas)
        return "01", f"参保状态为[{label}]，不享受待遇"
    if begin.date() < account.psn_insu_date:
        return "02", f"开始时间早于参保日期[{account.psn_insu_date.isoformat()}]，不在待遇享受期内"
    if med_type in CHRONIC_MED_TYPES:
        if not dise_codg:
            return "03", "门诊慢特病须提供病种编码"
        row = store(call.state, call.items.values()).kinds["chronic"].find(dise_codg)
        if row is None or row.get("有效标志") != "1":
            return "03", f"病种[{dise_codg}]不在门诊慢特病种目录内"
    return None


def treatment_check(call: Call) -> dict:
    data = call.node("data")
    psn_no, insutype = text(data.get("psn_no")), text(data.get("insutype"))
    found = person(call, psn_no)
    if institution(text(data.get("fixmedins_code"))) is None:
        refuse(f"定点医药机构编号[{text(data.get('fixmedins_code'))}]不存在")
    begin = _time(data.get("begntime"), "开始时间begntime")
    if text(data.get("endtime")) and _time(data.get("endtime"), "结束时间endtime") < begin:
        refuse("结束时间不能早于开始时间")
    failed = _refusal(call, psn_no, insutype, text(data.get("med_type")), text(data.get("dise_codg")), begin)
    rule = call.policy.rule(insutype)
    account = found.account(insutype)
    funds = [rule.pool_fund_pay_type]
    if rule.account_allowed and rule.account_fund_pay_type:
        funds.append(rule.account_fund_pay_type)
    call.psn_no = psn_no
    rows = []
    for fund in funds:
        rows.append(shape(call, "trtinfo", {
            "psn_no": psn_no, "trt_chk_type": failed[0] if failed else "01", "fund_pay_type": fund,
            "trt_enjymnt_flag": "0" if failed else "1",
            "begndate": (account.psn_insu_date if account else begin.date()).isoformat(), "enddate": None,
            "trt_chk_rslt": failed[1] if failed else "享受待遇"}))
    return {"trtinfo": rows}


# ---- 1901 ----------------------------------------------------------------------------------------

def _dictionary(call: Call, asked: str) -> dict[str, str] | None:
    name = asked.lower()
    found = call.catalogue.dictionaries.get(name)
    if found is not None:
        return found.codes
    local = LOCAL_DICTS.get(name)
    return local[1] if local else None


def dictionary(call: Call) -> dict:
    data = call.node("data")
    asked = text(data.get("type"))
    codes = _dictionary(call, asked)
    if codes is None:
        refuse(f"字典类型[{asked}]不存在")
    # every simulated entry is valid and top-level: asking for invalid ones or children finds none
    if text(data.get("valiFlag")) != "1" or text(data.get("parentValue")):
        codes = {}
    rows = [shape(call, "list", {
        "type": asked.upper(), "label": label, "value": value, "parent_value": None, "sort": n,
        "vali_flag": "1", "create_user": None, "create_date": None, "version": DICT_VERSION})
        for n, (value, label) in enumerate(codes.items(), 1)]
    return {"list": rows}


HANDLERS = {"1201": institutions, "2001": treatment_check, "1901": dictionary}
