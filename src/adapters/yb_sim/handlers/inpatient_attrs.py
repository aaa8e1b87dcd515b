"""2406 就医特殊属性上传 and 2407 就医特殊属性查询 (fields unconfirmed in the catalogue)."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, number, refuse, text, visit
from adapters.yb_sim.handlers.inpatient_state import serial
from adapters.yb_sim.handlers.query_rows import fixmedins

_FILTERS = ("ipt_psn_sp_flag_detl_id", "mdtrt_id", "psn_no", "psn_cert_type", "certno", "psn_name", "ipt_otp_no",
            "ipt_psn_sp_flag_type", "ipt_psn_sp_flag", "admdvs", "fixmedins_code")


def _flags(call: Call) -> dict[str, dict]:
    return call.state.section("inpatient.special_flags", dict)


def upload(call: Call) -> dict:
    data = call.node("data")
    mdtrt_id, psn_no = text(data.get("mdtrt_id")), text(data.get("psn_no"))
    found = visit(call, mdtrt_id, psn_no)
    if found.cancelled:
        refuse(f"就诊ID[{mdtrt_id}]已撤销，不能上传就医特殊属性")
    who = call.state.persons[psn_no]
    certno = text(data.get("certno"))
    if certno and certno.upper() != who.certno.upper():
        refuse(f"证件号码[{certno}]与人员[{psn_no}]不符")
    kind, flag = text(data.get("ipt_psn_sp_flag_type")), text(data.get("ipt_psn_sp_flag"))
    for row in _flags(call).values():
        if (row["mdtrt_id"], row["ipt_psn_sp_flag_type"], row["ipt_psn_sp_flag"]) == (mdtrt_id, kind, flag):
            refuse(f"就诊ID[{mdtrt_id}]已上传该特殊属性[{kind}:{flag}]，明细ID[{row['ipt_psn_sp_flag_detl_id']}]")
    detl_id = serial(call, "8")
    _flags(call)[detl_id] = {
        "ipt_psn_sp_flag_detl_id": detl_id, "mdtrt_id": mdtrt_id, "psn_no": psn_no,
        "psn_cert_type": who.psn_cert_type, "certno": who.certno, "psn_name": who.psn_name,
        **{k: v for k, v in fixmedins(call.request.msgid).items() if k != "hosp_lv"},
        "ipt_otp_no": text(data.get("ipt_otp_no")) or found.ipt_otp_no, "ipt_psn_sp_flag_type": kind,
        "ipt_psn_sp_flag": flag, "admdvs": text(data.get("admdvs")) or call.admdvs, "memo": text(data.get("memo"))}
    call.psn_no = psn_no
    return {"data": {"ipt_psn_sp_flag_detl_id": detl_id}}


def query(call: Call) -> dict:
    data = call.node("data")
    page_num, page_size = int(number(data.get("page_num"))), int(number(data.get("page_size")))
    if page_num < 1 or page_size < 1:
        refuse("当前页数和本页数据量必须大于0")
    wanted = {k: text(data.get(k)) for k in _FILTERS if text(data.get(k))}
    rows = [r for r in _flags(call).values() if all(text(r.get(k)) == v for k, v in wanted.items())]
    page = rows[(page_num - 1) * page_size: page_num * page_size]
    node = call.tx.output_node("IptPsnSpFlagReg")
    row_fields = next((f.items for f in node.fields if f.name == "data"), ()) if node else ()
    shaped = [{**{f.name: r.get(f.name) for f in row_fields}, **r} for r in page]
    return {"IptPsnSpFlagReg": {"data": shaped, "pageNum": page_num, "pageSize": page_size,
                                "recordCounts": len(rows), "pages": -(-len(rows) // page_size)}}


HANDLERS = {"2406": upload, "2407": query}
