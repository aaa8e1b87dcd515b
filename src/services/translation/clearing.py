"""3202a / 3203a / 1608 清算申请, 3204a / 3204b / 1618 撤销, 3205a 申请单打印: the payloads clearing sends
and how their replies read.

PROVISIONAL: the Hubei variants publish no field tables; the catalogue takes the Jilin 3203A / 3204A
shapes (every field unconfirmed). 清算方式 (clr_way) and 清算年月 (setlym) are sent beside them, and 清算人次
(psntime) with an application by detail, as the national 3203 has them. No declared node carries the
reply's 清算申请事件ID: it is read from `result`, `data` or the output itself, whichever has it.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.clearing import FIGURE_LABELS, ClearingApplication, ClearingKind

PRINT_INFNO = "3205a"


def application(app: ClearingApplication) -> dict:
    f = app.figures
    data = {"clr_type": app.clr_type, "clr_way": app.clr_way, "setlym": app.period.month,
            "medfee_sumamt": f.medfee_sumamt, "med_sumfee": f.med_sumfee, "fund_appy_sum": f.fund_appy_sum,
            "cash_payamt": f.cash_payamt, "acct_pay": f.acct_pay, "begndate": app.first_day.isoformat(),
            "enddate": app.last_day.isoformat(), "clr_optins": app.clr_optins}
    if app.kind is ClearingKind.DETAIL:
        data["psntime"] = f.psntime
    if not app.clr_way:
        del data["clr_way"]
    return {"data": data}


def _node(output: dict, name: str) -> dict:
    value = output.get(name)
    return value if isinstance(value, dict) else {}


def event_id(output: dict) -> str:
    for node in (_node(output, "result"), _node(output, "data"), output):
        value = node.get("clr_appy_evt_id")
        if value:
            return str(value)
    return ""


def revocation(app: ClearingApplication) -> dict:
    return {"data": {"clr_appy_evt_id": app.clr_appy_evt_id, "clr_optins": app.clr_optins}}


def print_request(app: ClearingApplication) -> dict:
    return {"data": {"clr_appy_evt_id": app.clr_appy_evt_id}}


def print_data(output: dict) -> dict:
    """3205a's data node (open fields): the platform's figures and its printable text."""
    return _node(output, "data") or output


def platform_figures(data: dict) -> dict[str, str]:
    """The figures the platform's print data carries, by our names, as it wrote them (never corrected)."""
    found = {}
    for name in FIGURE_LABELS:
        value = data.get(name)
        if value is None or value == "":
            continue
        try:
            found[name] = str(value) if name == "psntime" else format(Decimal(str(value)), "f")
        except InvalidOperation:
            found[name] = str(value)
    return found
