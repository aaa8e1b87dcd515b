"""2204 费用明细上传, 2205 费用明细撤销."""
from __future__ import annotations

from decimal import InvalidOperation

from adapters.yb_sim.calc import split_fee
from adapters.yb_sim.handlers.common import Call, fee_result, number, open_visit, refuse, text
from adapters.yb_sim.state import Fee, Visit
from domain.money import line_total, money


def fee_from_row(call: Call, i: int, row: dict) -> Fee:
    where = f"第{i + 1}条费用明细"
    code = text(row.get("med_list_codg"))
    item = call.items.get(code)
    if item is None:
        refuse(f"{where}: 医保目录编码[{code}]不存在或未对照")
    try:
        amount, cnt, pric = (number(row.get(k)) for k in ("det_item_fee_sumamt", "cnt", "pric"))
    except (ValueError, TypeError, InvalidOperation):
        refuse(f"{where}: 金额、数量或单价不是数值")
    if cnt <= 0 or pric < 0:
        refuse(f"{where}: 数量必须大于0，单价不能为负")
    if line_total(cnt, pric) != amount:
        refuse(f"{where}: 明细项目费用总额[{amount}]与数量[{cnt}]×单价[{pric}]不符")
    split = split_fee(item, amount, cnt, pric)
    return Fee(
        feedetl_sn=text(row.get("feedetl_sn")), chrg_bchno=text(row.get("chrg_bchno")),
        med_list_codg=code, det_item_fee_sumamt=money(amount), cnt=cnt, pric=pric,
        chrgitm_lv=item.chrgitm_lv, med_chrgitm_type=item.med_chrgitm_type,
        pric_uplmt_amt=item.reported_ceiling, selfpay_prop=item.reported_selfpay_prop,
        fulamt_ownpay_amt=split.fulamt_ownpay_amt, overlmt_amt=split.overlmt_amt,
        preselfpay_amt=split.preselfpay_amt, inscp_scp_amt=split.inscp_scp_amt)


def upload_fees(call: Call) -> dict:
    accepted: list[tuple[Visit, Fee]] = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(call.rows("feedetail")):
        mdtrt_id, psn_no = text(row.get("mdtrt_id")), text(row.get("psn_no"))
        found = open_visit(call, mdtrt_id, psn_no)
        if call.state.active_settlement(found) is not None:
            refuse(f"就诊ID[{mdtrt_id}]已结算，不能再上传费用明细，请先撤销结算")
        fee = fee_from_row(call, i, row)
        key = (mdtrt_id, fee.feedetl_sn)
        if fee.feedetl_sn in found.fees or key in seen:
            refuse(f"费用明细流水号[{fee.feedetl_sn}]重复")
        seen.add(key)
        accepted.append((found, fee))
    for found, fee in accepted:
        found.fees[fee.feedetl_sn] = fee
    if accepted:
        call.psn_no = accepted[0][0].psn_no
        call.undo = ("fees", tuple((v.mdtrt_id, f.feedetl_sn) for v, f in accepted))
    return {"result": [fee_result(call, "result", f) for _, f in accepted]}


def cancel_fees(call: Call) -> dict:
    data = call.node("data")
    mdtrt_id, psn_no, batch = text(data.get("mdtrt_id")), text(data.get("psn_no")), text(data.get("chrg_bchno"))
    found = open_visit(call, mdtrt_id, psn_no)
    rows = found.batch(batch)
    if not rows:
        refuse(f"就诊ID[{mdtrt_id}]下收费批次号[{batch}]不存在或已撤销")
    if any(f.setl_id for f in rows):
        refuse(f"收费批次号[{batch}]的费用已结算，不能撤销，请先撤销结算")
    for fee in rows:
        del found.fees[fee.feedetl_sn]
    call.psn_no = psn_no
    return {}


def undo_fees(call: Call, rows: tuple[tuple[str, str], ...]) -> None:
    """2601 of a 2204 (only when the catalogue lists 2204 as reversible)."""
    present = [(call.state.visits[m], sn) for m, sn in rows
               if m in call.state.visits and sn in call.state.visits[m].fees]
    if any(v.fees[sn].setl_id for v, sn in present):
        refuse("费用明细已结算，不能冲正上传")
    for found, sn in present:
        del found.fees[sn]



HANDLERS = {"2204": upload_fees, "2205": cancel_fees}
UNDO = {"fees": undo_fees}
