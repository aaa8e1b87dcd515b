"""5401 项目互认信息查询 and 5402 报告明细信息查询, answered from the 4501 检查 / 4502 检验 reports
uploaded to this simulator (section "uploads_clinical", kept by the uploads module: {infno: {key:
{"vali_flag", "input", "msgid", ...}}}); with nothing uploaded, the lists are empty."""
from __future__ import annotations

from collections.abc import Iterator

from adapters.yb_sim.catalog_orgs import requester
from adapters.yb_sim.handlers.common import Call, person, shape, text

EXAM, LAB = "4501", "4502"
_NODES = {EXAM: "examinfo", LAB: "labinfo"}


def _reports(call: Call, psn_no: str) -> Iterator[tuple[str, dict, dict, str]]:
    """(infno, report row, whole upload, fixmedins_code) of the person's reports in force."""
    book = call.state.sections.get("uploads_clinical") or {}  # read only: another module owns it
    for infno, node in _NODES.items():
        for record in (book.get(infno) or {}).values():
            upload = record.get("input") or {}
            info = upload.get(node)
            info = info[0] if isinstance(info, list) and info else info
            if record.get("vali_flag") == "0" or not isinstance(info, dict):
                continue
            owner = text(info.get("psn_no"))
            if not owner and text(info.get("mdtrt_id")) in call.state.visits:
                owner = call.state.visits[text(info.get("mdtrt_id"))].psn_no
            if owner == psn_no:
                yield infno, info, upload, requester(text(record.get("msgid")))


def _items(upload: dict) -> list[dict]:
    rows = upload.get("iteminfo")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _matches(data: dict, info: dict, upload: dict, org: str) -> bool:
    org_code, item_code = text(data.get("exam_org_code")), text(data.get("exam_item_code"))
    org_name, item_name = text(data.get("exam_org_name")), text(data.get("exam_item_name"))
    items = [info, *_items(upload)]
    return ((not org_code or org_code in (text(info.get("exam_org_code")), org)) and
            (not org_name or org_name in text(info.get("exam_org_name") or info.get("exe_org_name"))) and
            (not item_code or any(text(r.get("exam_item_code")) == item_code for r in items)) and
            (not item_name or any(item_name in text(r.get("exam_item_name")) for r in items)))


def mutual_recognition(call: Call) -> dict:
    data = call.node("data")
    psn_no = text(data.get("psn_no"))
    person(call, psn_no)
    return {"bilgiteminfo": [shape(call, "bilgiteminfo", {
        "psn_no": psn_no, "rpotc_no": info.get("rpotc_no"), "rpt_date": info.get("rpt_date"),
        "rpotc_type_code": info.get("rpotc_type_code"), "fixmedins_code": org,
        "exam_rpotc_name": info.get("exam_rpotc_name") or info.get("exam_item_name"),
        "exam_rslt_poit_flag": info.get("exam_rslt_poit_flag"), "exam_rslt_abn": info.get("exam_rslt_abn"),
        "exam_ccls": info.get("exam_ccls")})
        for _infno, info, upload, org in _reports(call, psn_no) if _matches(data, info, upload, org)]}


def report_details(call: Call) -> dict:
    data = call.node("data")
    psn_no, rpotc_no = text(data.get("psn_no")), text(data.get("rpotc_no"))
    org_wanted = text(data.get("fixmedins_code"))
    person(call, psn_no)
    exams, labs, details = [], [], []
    for infno, info, upload, org in _reports(call, psn_no):
        if text(info.get("rpotc_no")) != rpotc_no or org != org_wanted:
            continue
        if infno == EXAM:
            exams.append(shape(call, "examrpotinfo", {
                "psn_no": psn_no, "rpotc_no": rpotc_no, "rpt_date": info.get("rpt_date"),
                "rpotc_type_code": info.get("rpotc_type_code"), "exam_rpotc_name": info.get("exam_rpotc_name"),
                "exam_rslt_poit_flag": info.get("exam_rslt_poit_flag"), "exam_rslt_abn": info.get("exam_rslt_abn"),
                "exam_ccls": info.get("exam_ccls"), "bilg_dr_name": info.get("bilg_dr_name")}))
            continue
        labs.append(shape(call, "labrpotinfo", {
            "psn_no": psn_no, "rpotc_no": rpotc_no, "exam_item_code": info.get("exam_item_code"),
            "exam_item_name": info.get("exam_item_name"), "rpt_date": info.get("rpt_date"),
            "rpot_doc": info.get("rpot_doc")}))
        details.extend(shape(call, "labdetlinfo", {
            "rpotc_no": r.get("rpotc_no") or rpotc_no, "exam_mtd": r.get("exam_mtd"), "ref_val": r.get("ref_val"),
            "exam_unt": r.get("exam_unt"), "exam_rslt_val": r.get("exam_rslt_val"),
            "exam_rslt_qual": r.get("exam_rslt_qual") or r.get("exam_rslt_dicm"),
            "exam_item_detl_code": r.get("exam_item_detl_code"), "exam_item_detl_name": r.get("exam_item_detl_name"),
            "exam_rslt_abn": r.get("exam_rslt_abn")}) for r in _items(upload))
    return {"examrpotinfo": exams, "labrpotinfo": labs, "labdetlinfo": details}


HANDLERS = {"5401": mutual_recognition, "5402": report_details}
