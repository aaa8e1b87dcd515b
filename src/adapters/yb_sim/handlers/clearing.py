"""清算申请 and its revocation, the clearing form and the settlement slip, from the settlements
the platform issued (the ledger of recon_ledger, refd_setl_flag "1": originals and negatives of the
period, so a cancellation in a later month is cleared in that month).

National 3203 清算申请 / 3204 撤销. The Hubei variants have no public field tables; the catalogue
takes the Jilin 3203A/3204A shapes, and the simulator defines:
  3202a 清算申请（汇总）/ 3204a 撤销      local settlements, reply result.clr_appy_evt_id
  3203a 清算申请（按明细）/ 3204b 撤销    the same plus `detail`: the settlements it covers
  1608 异地清算申请 / 1618 撤销            settlements of persons insured elsewhere (setlinfo
                                           clr_optins ≠ the platform's admdvs), applied for at the
                                           local agency: clr_optins must be the platform's admdvs
  local = setlinfo clr_optins equal to the application's clr_optins (3203: the platform's admdvs).
Each revocation only undoes applications of its own transaction. Since no declared node carries
it, the Hubei variants return clr_appy_evt_id under `result` too.

Rules: the period lies in the past (end before today; 3203 also inside setlym); the institution's
figures (medfee_sumamt, med_sumfee = in-scope total, fund_appy_sum, cash_payamt, acct_pay, and for
3203 psntime = originals minus negatives) must equal the centre's; an application locks its
settlements: while it stands, another application of the same area and clr_type whose period
overlaps is refused. Revoking unknown or already revoked applications is refused.

3205a 清算申请单打印 (open fields): data.clr_appy_evt_id -> data: the application's figures and a
printable text. YH03 结算单据打印 (open fields): data.setl_id (psn_no optional, checked) -> data:
the person, the amounts, the fund rows (fund_detail) and a printable text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from adapters.yb_sim.handlers.common import Call, number, refuse, text
from adapters.yb_sim.handlers.recon_ledger import Totals, differences, ledger, period
from adapters.yb_sim.state import ACTIVE, REVERSED
from domain.money import money

APPLY = {"3203": ("local", "3204"), "3202a": ("local", "3204a"), "3203a": ("local", "3204b"),
         "1608": ("remote", "1618")}
REVOKE = {revoker: applier for applier, (_, revoker) in APPLY.items()}
FIGURES = {"medfee_sumamt": "medfee_sumamt", "med_sumfee": "inscp_scp_amt", "fund_appy_sum": "fund_pay_sumamt",
           "cash_payamt": "psn_cash_pay", "acct_pay": "acct_pay"}
LABELS = {"medfee_sumamt": "医疗费总额", "med_sumfee": "医保认可费用总额", "fund_appy_sum": "基金申报总额",
          "cash_payamt": "现金支付金额", "acct_pay": "个人账户支出", "psntime": "清算人次"}


@dataclass
class Application:
    clr_appy_evt_id: str
    infno: str
    area: str
    clr_type: str
    clr_optins: str
    begndate: date
    enddate: date
    figures: dict
    setl_ids: tuple[str, ...]
    appy_time: str
    revoked: bool = False
    extra: dict = field(default_factory=dict)


def cleared_by(call: Call, setl_id: str) -> str:
    """The clearing application that holds a settlement ("" when none): such a settlement is
    settled with the fund and can no longer be cancelled."""
    for app in _book(call)["apps"].values():
        if not app.revoked and setl_id in app.setl_ids:
            return app.clr_appy_evt_id
    return ""


def _book(call: Call) -> dict:
    return call.state.section("clearing", lambda: {"seq": 0, "apps": {}})


def _scope(call: Call, area: str, data: dict) -> str:
    optins = text(data.get("clr_optins")) or call.admdvs
    if area == "remote" and optins != call.admdvs:
        refuse(f"异地清算申请由就医地经办机构[{call.admdvs}]受理，清算机构[{optins}]不符")
    return optins


def apply(call: Call) -> dict:
    data = call.node("data")
    area, _ = APPLY[call.request.infno]
    first, last = period(data.get("begndate"), data.get("enddate"))
    if last >= call.now.date():
        refuse(f"清算结束日期[{last}]须早于当前日期，未结束的期间不能申请清算")
    setlym = text(data.get("setlym"))
    if setlym and (f"{first:%Y%m}" != setlym or f"{last:%Y%m}" != setlym):
        refuse(f"清算起止日期[{first}至{last}]不在清算年月[{setlym}]内")
    clr_type, optins = text(data.get("clr_type")), _scope(call, area, data)
    rows = [r for r in ledger(call.state, first, last, "1", clr_type=clr_type)
            if (r.clr_optins != call.admdvs if area == "remote" else r.clr_optins == optins)]
    if not rows:
        refuse(f"{first}至{last}没有可申请清算的结算记录（清算类别[{clr_type}]）")
    book = _book(call)
    for other in book["apps"].values():
        if not other.revoked and (other.area, other.clr_type, other.clr_optins) == (area, clr_type, optins) \
                and other.begndate <= last and first <= other.enddate:
            refuse(f"{other.begndate}至{other.enddate}已有清算申请[{other.clr_appy_evt_id}]，请先撤销后再申请")
    totals = Totals.of(rows)
    ours = {name: getattr(totals, source) for name, source in FIGURES.items()}
    theirs = {name: money(number(data.get(name))) for name in FIGURES}
    if "psntime" in data:
        ours["psntime"], theirs["psntime"] = totals.net_count, int(text(data.get("psntime")))
    found = differences(ours, theirs, ours, LABELS)
    if found:
        refuse("清算申请数据与中心结算数据不符：" + "；".join(found))
    book["seq"] += 1
    evt_id = f"{call.admdvs}{call.now:%Y%m%d%H%M%S}{book['seq'] % 10**6:06d}"  # 26 characters
    app = Application(evt_id, call.request.infno, area, clr_type, optins, first, last, ours,
                      tuple(r.s.setl_id for r in rows), call.now_text,
                      extra={"clr_way": text(data.get("clr_way")), "setlym": setlym, "count": totals.net_count})
    book["apps"][evt_id] = app
    reply = {"result": {"clr_appy_evt_id": evt_id}}
    if call.request.infno == "3203a":
        reply["detail"] = [{"setl_id": r.s.setl_id, "mdtrt_id": r.s.mdtrt_id, "psn_no": r.s.psn_no,
                            "setl_time": r.s.setlinfo.get("setl_time"), "refd_setl_flag": r.flag,
                            **{n: r.amount(n) for n in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}}
                           for r in rows]
    return reply


def _application(call: Call, evt_id: str) -> Application:
    app = _book(call)["apps"].get(evt_id)
    if app is None:
        refuse(f"清算申请事件ID[{evt_id}]不存在")
    return app


def revoke(call: Call) -> dict:
    data = call.node("data")
    app = _application(call, text(data.get("clr_appy_evt_id")))
    expected = REVOKE[call.request.infno]
    if app.infno != expected:
        refuse(f"清算申请[{app.clr_appy_evt_id}]由交易[{app.infno}]申请，请使用交易[{APPLY[app.infno][1]}]撤销")
    optins = text(data.get("clr_optins"))
    if optins and optins != app.clr_optins:
        refuse(f"清算机构[{optins}]与清算申请[{app.clr_appy_evt_id}]的清算机构[{app.clr_optins}]不符")
    if app.revoked:
        refuse(f"清算申请[{app.clr_appy_evt_id}]已撤销，不能重复撤销")
    app.revoked = True
    return {}


def print_application(call: Call) -> dict:
    evt_id = text(call.node("data").get("clr_appy_evt_id"))
    if not evt_id:
        refuse("清算申请事件ID[clr_appy_evt_id]不能为空")
    app = _application(call, evt_id)
    values = {"clr_appy_evt_id": evt_id, "appy_infno": app.infno, "clr_type": app.clr_type,
              "clr_optins": app.clr_optins, "begndate": app.begndate.isoformat(), "enddate": app.enddate.isoformat(),
              "appy_time": app.appy_time, "appy_stas": "0" if app.revoked else "1",
              "psntime": app.extra["count"], "setl_cnt": len(app.setl_ids), **app.figures}
    lines = [f"医药机构费用结算申请单  {evt_id}", f"清算机构：{app.clr_optins}  清算类别：{app.clr_type}",
             f"清算期间：{app.begndate} 至 {app.enddate}  清算人次：{app.extra['count']}",
             *(f"{LABELS[n]}：{app.figures[n]}" for n in FIGURES),
             f"申请时间：{app.appy_time}  状态：{'已撤销' if app.revoked else '已申请'}"]
    return {"data": dict(values, print_content="\n".join(lines))}


SLIP_AMOUNTS = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
                "act_pay_dedc", "hifp_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "balc")


def settlement_slip(call: Call) -> dict:
    data = call.node("data")
    setl_id, psn_no = text(data.get("setl_id")), text(data.get("psn_no"))
    if not setl_id:
        refuse("结算ID[setl_id]不能为空")
    s = call.state.settlements.get(setl_id)
    if s is None or s.state == REVERSED:
        refuse(f"结算ID[{setl_id}]不存在")
    if psn_no and psn_no != s.psn_no:
        refuse(f"人员编号[{psn_no}]与结算ID[{setl_id}]的人员不一致")
    info = s.setlinfo
    stas = "2" if s.origin_setl_id else ("1" if s.state == ACTIVE else "0")  # 2 退费冲销单, 0 已撤销
    values = {k: info.get(k) for k in ("setl_id", "mdtrt_id", "psn_no", "psn_name", "gend", "brdy", "certno",
                                       "insutype", "psn_type", "med_type", "setl_time", "clr_optins")}
    values.update({k: info.get(k) for k in SLIP_AMOUNTS}, setl_stas=stas, origin_setl_id=s.origin_setl_id or None,
                  cancel_setl_id=s.cancel_setl_id or None,
                  fund_detail=[{k: r.get(k) for k in ("fund_pay_type", "fund_pay_type_name", "fund_payamt")}
                               for r in s.setldetail])
    lines = [f"医疗保障结算单  结算ID：{setl_id}", f"姓名：{info.get('psn_name')}  人员编号：{s.psn_no}  险种：{s.insutype}",
             f"结算时间：{info.get('setl_time')}  医疗费总额：{info.get('medfee_sumamt')}",
             *(f"{r.get('fund_pay_type_name') or r.get('fund_pay_type')}：{r.get('fund_payamt')}" for r in s.setldetail),
             f"个人账户支付：{info.get('acct_pay')}  现金支付：{info.get('psn_cash_pay')}"]
    return {"data": dict(values, print_content="\n".join(lines))}


HANDLERS = {**{code: apply for code in APPLY}, **{code: revoke for code in REVOKE},
            "3205a": print_application, "YH03": settlement_slip}
