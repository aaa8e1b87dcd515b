"""3201 对总账 and 3202 对明细账, computed from the settlements the platform issued.

Scope: a settlement belongs to 结算经办机构 setl_optins when its setlinfo.clr_optins says so, to
clr_type by setlinfo.clr_type, and to a day by its setl_time (a negative settlement by the day of
the cancellation). Which rows count depends on refd_setl_flag (see recon_ledger).

3201 stmtinfo.stmt_rslt: "0" balanced, "1" not, with stmt_rslt_dscr naming each differing figure.
(One Hubei implementation reads "000000" as balanced; the simulator answers "0".)

3202 reads the detail file uploaded by 9101 (recon_files describes the store), one settlement per
line with the columns of the catalogue's upload_file (setl_id, mdtrt_id, psn_no, medfee_sumamt,
fund_pay_sumamt, acct_pay, refd_setl_flag[, exp_content]); a refund row may name the negative
settlement or the original with refd_setl_flag 1. The header totals must agree with the file
(medfee_sumamt, fund_pay_sumamt, fixmedins_setl_cnt; cash_payamt is not in the file and is not
checked). The reply is fileinfo for a result file (9102), one line per differing settlement with
the result_file columns; its stmt_rslt per line is a simulator convention:
  "1" 中心有、医药机构无   "2" 医药机构有、中心无   "3" 金额不符
An empty result file means the details are balanced.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from adapters.yb_sim.handlers import recon_files
from adapters.yb_sim.handlers.common import Call, number, refuse, shape, text
from adapters.yb_sim.handlers.recon_ledger import Row, Totals, differences, ledger, period, refund_flag
from adapters.yb_sim.state import REVERSED
from domain.money import ZERO, money

CENTRE_ONLY, HIS_ONLY, AMOUNTS_DIFFER = "1", "2", "3"
COMPARED = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
FILE_COLUMNS = ("setl_id", "mdtrt_id", "psn_no", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "refd_setl_flag",
                "exp_content")


def _amount(value: object, where: str) -> Decimal:
    try:
        return money(number(value))
    except (ValueError, TypeError, InvalidOperation):
        refuse(f"{where}[{value}]不是有效金额")


def total_account(call: Call) -> dict:
    data = call.node("data")
    first, last = period(data.get("stmt_begndate"), data.get("stmt_enddate"))
    flag = refund_flag(data.get("refd_setl_flag"))
    optins = text(data.get("setl_optins"))
    rows = ledger(call.state, first, last, flag, clr_type=text(data.get("clr_type")),
                  insutype=text(data.get("insutype")), optins=optins)
    centre = Totals.of(rows)
    ours = {n: getattr(centre, n) for n in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}
    ours["fixmedins_setl_cnt"] = centre.rows
    theirs = {n: _amount(data.get(n), n) for n in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}
    theirs["fixmedins_setl_cnt"] = int(text(data.get("fixmedins_setl_cnt")))
    found = differences(ours, theirs, ours, {"fixmedins_setl_cnt": "结算笔数"})
    dscr = "；".join(found) if found else f"对账平衡：{centre.rows}笔，医疗费总额[{centre.medfee_sumamt}]"
    return {"stmtinfo": shape(call, "stmtinfo", {"setl_optins": optins, "stmt_rslt": "1" if found else "0",
                                                 "stmt_rslt_dscr": dscr[:200]})}


def _file_rows(call: Call) -> list[tuple[int, dict]]:
    data = call.node("data")
    content = recon_files.read_text(call, text(data.get("file_qury_no")))
    parsed = []
    for line, fields in recon_files.rows(content, len(FILE_COLUMNS), len(FILE_COLUMNS) - 1):
        row = dict(zip(FILE_COLUMNS, fields))
        if not row["setl_id"]:
            refuse(f"对账文件第{line}行结算ID为空")
        for name in COMPARED:
            row[name] = _amount(row[name], f"对账文件第{line}行{name}")
        parsed.append((line, row))
    sums = {n: sum((r[n] for _, r in parsed), ZERO) for n in ("medfee_sumamt", "fund_pay_sumamt")}
    sums["fixmedins_setl_cnt"] = len(parsed)
    header = {n: _amount(data.get(n), n) for n in ("medfee_sumamt", "fund_pay_sumamt")}
    header["fixmedins_setl_cnt"] = int(text(data.get("fixmedins_setl_cnt")))
    found = [f"{label}：入参[{header[n]}]，文件[{sums[n]}]" for n, label in
             (("medfee_sumamt", "医疗费总额"), ("fund_pay_sumamt", "基金支付总额"), ("fixmedins_setl_cnt", "结算笔数"))
             if header[n] != sums[n]]
    if found:
        refuse("对明细账入参汇总与文件内容不一致：" + "；".join(found))
    return parsed


def _key(call: Call, row: dict) -> str:
    """The centre's setl_id a file row stands for (a refund row may name the original)."""
    setl_id = row["setl_id"]
    s = call.state.settlements.get(setl_id)
    if s is not None and row["refd_setl_flag"] == "1" and not s.origin_setl_id and s.cancel_setl_id:
        return s.cancel_setl_id
    return setl_id


def _why_unknown(call: Call, setl_id: str) -> str:
    s = call.state.settlements.get(setl_id)
    if s is None:
        return "中心无此结算记录"
    if s.state == REVERSED:
        return "该结算已冲正，中心不计入"
    return "该结算不在本次对账范围内（结算时间、经办机构、清算类别或退费标志不符）"


def detail_account(call: Call) -> dict:
    data = call.node("data")
    first, last = period(data.get("stmt_begndate"), data.get("stmt_enddate"))
    flag = refund_flag(data.get("refd_setl_flag"))
    parsed = _file_rows(call)
    centre: dict[str, Row] = {r.s.setl_id: r for r in ledger(
        call.state, first, last, flag, clr_type=text(data.get("clr_type")), optins=text(data.get("setl_optins")))}
    lines, seen = [], set()
    for line, row in parsed:
        key = _key(call, row)
        if key in seen:
            refuse(f"对账文件第{line}行结算ID[{row['setl_id']}]重复")
        seen.add(key)
        ours = centre.get(key)
        if ours is None:
            lines.append(_line(None, row, HIS_ONLY, _why_unknown(call, key)))
            continue
        found = differences({n: ours.amount(n) for n in COMPARED}, row, COMPARED,
                            {"acct_pay": "个人账户支出"})
        if found:
            lines.append(_line(ours, row, AMOUNTS_DIFFER, "；".join(found)))
    for key, ours in centre.items():
        if key not in seen:
            lines.append(_line(ours, None, CENTRE_ONLY, "中心有此结算，医药机构对账文件中没有"))
    columns = [c["name"] for c in call.tx.files.get("result_file", {}).get("columns", [])]
    stem = f"STMT{call.now:%Y%m%d%H%M%S}"
    fileinfo = recon_files.store_result(call, stem, [[text(ln.get(c)) for c in columns] for ln in lines])
    return {"fileinfo": shape(call, "fileinfo", fileinfo)}


def _line(ours: Row | None, theirs: dict | None, result: str, memo: str) -> dict:
    if ours is not None:
        info = ours.s.setlinfo
        line = {"psn_no": ours.s.psn_no, "mdtrt_id": ours.s.mdtrt_id, "setl_id": ours.s.setl_id,
                "msgid": text(info.get("medins_setl_id")), "refd_setl_flag": ours.flag}
        line.update({n: ours.amount(n) for n in COMPARED})
    else:
        line = {k: theirs[k] for k in ("psn_no", "mdtrt_id", "setl_id", "refd_setl_flag", *COMPARED)}
    return dict(line, stmt_rslt=result, memo=memo[:500])


HANDLERS = {"3201": total_account, "3202": detail_account}
