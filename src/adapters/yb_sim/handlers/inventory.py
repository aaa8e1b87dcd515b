"""3501-3507 进销存: a stock ledger per hospital item (fixmedins_hilist_id), section "inventory".

Every accepted record is one ledger entry keyed by (inv_data_type, fixmedins_bchno) with the
quantity it moves; the stock of an item is the sum of its entries. The simulator's convention for
inv_data_type (3507): 1 盘存 (3501), 2 库存变更 (3502), 3 采购/采购退货 (3503/3504), 4 销售/销售退货
(3505/3506).
  3501 盘存: the count becomes the stock (the entry moves count − stock).
  3502 变更: inv_chg_type, the national codes taken as: 101 调拨入库, 103 盘盈, 106 其他入库,
       108 初始化入库 add; 102 调拨出库, 104 盘损, 105 销毁, 107 其他出库 remove; others refused.
  3503 采购 adds; 3504 退货 removes, and when medins_prod_purc_no names the purchase (its
       fixmedins_bchno) it cannot return more than that purchase brought in less earlier returns.
  3505 销售 removes; a setl_id, when given, must be a settlement in force.
  3506 销售退货 adds; medins_prod_sel_no, when given, names the sale and bounds the quantity.
  3507 deletes one entry, undoing its movement.
Refused: a movement or deletion that would make a stock negative, a fixmedins_bchno already used
for that data type, non-positive quantities, an item whose med_list_codg differs from the one its
earlier records (or its 3301 mapping) gave, unknown purchases, sales and entries.
`stock(state, hilist_id)` reads a stock for tests and other handlers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from adapters.yb_sim.handlers.common import Call, number, refuse, text
from adapters.yb_sim.handlers.institution_admin import mapped_codes
from adapters.yb_sim.state import ACTIVE, SimState

COUNT, CHANGE, PURCHASE, SALE = "1", "2", "3", "4"
CHANGE_IN = ("101", "103", "106", "108")
CHANGE_OUT = ("102", "104", "105", "107")
ZERO_QTY = Decimal("0")


@dataclass
class Entry:
    data_type: str
    bchno: str
    hilist_id: str
    med_list_codg: str
    qty: Decimal  # signed movement
    infno: str
    time: str
    origin: str = ""  # the purchase / sale a return refers to
    record: dict | None = None


def _book(state: SimState) -> dict:
    return state.section("inventory", lambda: {"entries": {}, "items": {}})


def stock(state: SimState, hilist_id: str) -> Decimal:
    return sum((e.qty for e in _book(state)["entries"].values() if e.hilist_id == hilist_id), ZERO_QTY)


def _qty(row: dict, name: str) -> Decimal:
    try:
        value = number(row.get(name))
    except (ValueError, TypeError, InvalidOperation):
        refuse(f"数量[{row.get(name)}]不是数值")
    if value <= 0:
        refuse(f"数量[{value}]必须大于0")
    return value


def _item(call: Call, row: dict) -> tuple[str, str]:
    hilist_id, code = text(row.get("fixmedins_hilist_id")), text(row.get("med_list_codg"))
    known = _book(call.state)["items"].get(hilist_id)
    if known is not None and known != code:
        refuse(f"商品[{hilist_id}]的医疗目录编码[{code}]与已登记的[{known}]不一致")
    mapped = mapped_codes(call.state, hilist_id)
    if mapped and code not in mapped:
        refuse(f"商品[{hilist_id}]已对照医疗目录编码[{','.join(sorted(mapped))}]，与[{code}]不符")
    return hilist_id, code


def _book_entry(call: Call, data_type: str, row: dict, qty: Decimal, origin: str = "") -> dict:
    book = _book(call.state)
    hilist_id, code = _item(call, row)
    bchno = text(row.get("fixmedins_bchno"))
    if (data_type, bchno) in book["entries"]:
        refuse(f"批次流水号[{bchno}]已上传，不能重复上传")
    current = stock(call.state, hilist_id)
    if current + qty < 0:
        refuse(f"商品[{hilist_id}]库存不足：当前库存[{current}]，本次减少[{-qty}]")
    book["entries"][(data_type, bchno)] = Entry(data_type, bchno, hilist_id, code, qty, call.request.infno,
                                                call.now_text, origin, dict(row))
    book["items"][hilist_id] = code
    return {}


def _returnable(call: Call, data_type: str, origin: str, infno: str, label: str) -> Decimal:
    """What a purchase or sale named by a return can still take back (as a positive quantity)."""
    entries = _book(call.state)["entries"]
    first = entries.get((data_type, origin))
    if first is None or first.infno != infno:
        refuse(f"原{label}流水号[{origin}]不存在")
    returned = sum((e.qty for e in entries.values() if e.origin == origin and e.data_type == data_type), ZERO_QTY)
    return abs(first.qty) - abs(returned)


def count(call: Call) -> dict:
    row = call.node("invinfo")
    qty = number(row.get("inv_cnt"))
    if qty < 0:
        refuse(f"盘存数量[{qty}]不能为负")
    return _book_entry(call, COUNT, row, qty - stock(call.state, text(row.get("fixmedins_hilist_id"))))


def change(call: Call) -> dict:
    row = call.node("invinfo")
    kind, qty = text(row.get("inv_chg_type")), _qty(row, "cnt")
    if kind not in CHANGE_IN + CHANGE_OUT:
        refuse(f"库存变更类型[{kind}]无效")
    return _book_entry(call, CHANGE, row, qty if kind in CHANGE_IN else -qty)


def purchase(call: Call) -> dict:
    row = call.node("purcinfo")
    return _book_entry(call, PURCHASE, row, _qty(row, "purc_retn_cnt"))


def purchase_return(call: Call) -> dict:
    row = call.node("purcinfo")
    qty, origin = _qty(row, "purc_retn_cnt"), text(row.get("medins_prod_purc_no"))
    if origin and qty > _returnable(call, PURCHASE, origin, "3503", "采购"):
        refuse(f"退货数量[{qty}]超过原采购[{origin}]可退数量")
    return _book_entry(call, PURCHASE, row, -qty, origin)


def sale(call: Call) -> dict:
    row = call.node("selinfo")
    setl_id = text(row.get("setl_id"))
    if setl_id:
        s = call.state.settlements.get(setl_id)
        if s is None or s.state != ACTIVE or s.origin_setl_id:
            refuse(f"结算ID[{setl_id}]不存在或已撤销")
    return _book_entry(call, SALE, row, -_qty(row, "sel_retn_cnt"))


def sale_return(call: Call) -> dict:
    row = call.node("selinfo")
    qty, origin = _qty(row, "sel_retn_cnt"), text(row.get("medins_prod_sel_no"))
    if origin and qty > _returnable(call, SALE, origin, "3505", "销售"):
        refuse(f"退货数量[{qty}]超过原销售[{origin}]可退数量")
    return _book_entry(call, SALE, row, qty, origin)


def delete(call: Call) -> dict:
    data = call.node("data")
    key = (text(data.get("inv_data_type")), text(data.get("fixmedins_bchno")))
    book = _book(call.state)
    entry = book["entries"].get(key)
    if entry is None:
        refuse(f"进销存数据类型[{key[0]}]批次流水号[{key[1]}]的记录不存在")
    if any(e.origin == entry.bchno and e.data_type == entry.data_type for e in book["entries"].values()):
        refuse(f"批次流水号[{entry.bchno}]已有退货记录，请先删除退货记录")
    current = stock(call.state, entry.hilist_id)
    if current - entry.qty < 0:
        refuse(f"删除后商品[{entry.hilist_id}]库存为负：当前库存[{current}]，该记录数量[{entry.qty}]")
    del book["entries"][key]
    return {}


HANDLERS = {"3501": count, "3502": change, "3503": purchase, "3504": purchase_return, "3505": sale,
            "3506": sale_return, "3507": delete}
