"""5262 结算信息按时间段查询 (本地参保) and 5267 异地结算信息时间段查询 (Hubei 服务下延, for HIS-MIS
reconciliation).

No public field list exists for either. The catalogue gives 5262 the inputs mdtrt_id / setl_id /
psn_no (one province's 5262, all three required) and 5267 an open `data`; the Hubei meaning is a
time range. So: the range comes from begntime/endtime (or begndate/enddate), each of psn_no /
mdtrt_id / setl_id narrows it when given, and the reply lists every settlement the platform holds
in the range (originals, refunded ones and their negative twins; 2601-undone ones never happened):
5262 those of persons insured here (参保地 == this platform's admdvs), 5267 the others. 5262 answers
in its catalogued nodes, setlinfo (as rows) and feesttinfo; 5267 puts the same two inside `data`.
"""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, person, shape, text
from adapters.yb_sim.handlers.inpatient_state import parse_time, time_range
from adapters.yb_sim.handlers.query_rows import insuplc, listed, settlement_row
from adapters.yb_sim.state import Settlement
from domain.money import ZERO

_SUMS = ("item_sumamt", "item_claa_amt", "item_clab_amt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt")


def _in_range(call: Call, local: bool) -> list[Settlement]:
    data = call.node("data")
    start, stop = time_range(data) if text(data.get("begntime")) or text(data.get("endtime")) else \
        time_range(data, "begndate", "enddate")
    wanted = {k: text(data.get(k)) for k in ("psn_no", "mdtrt_id", "setl_id") if text(data.get(k))}
    if "psn_no" in wanted:
        person(call, wanted["psn_no"])
    found = []
    for s in call.state.settlements.values():
        when = parse_time(s.setlinfo.get("setl_time"))
        if not listed(s) or when is None or not start <= when <= stop:
            continue
        if (insuplc(call, s) == call.admdvs) != local or any(getattr(s, k) != v for k, v in wanted.items()):
            continue
        found.append(s)
    return sorted(found, key=lambda s: (text(s.setlinfo.get("setl_time")), s.setl_id))


def _fee_summary(call: Call, settlements: list[Settlement]) -> list[dict]:
    """Per 医疗收费项目类别, the fee rows of the listed settlements; a negative settlement counts its
    original's rows negatively. Rows deleted after a refund (2205 / 2302) can no longer be counted."""
    totals: dict[str, dict] = {}
    for s in settlements:
        origin = call.state.settlements[s.origin_setl_id] if s.origin_setl_id else s
        sign = -1 if s.origin_setl_id else 1
        stay = call.state.visits[s.mdtrt_id]
        for sn in origin.fee_sns:
            fee = stay.fees.get(sn)
            if fee is None:
                continue
            t = totals.setdefault(fee.med_chrgitm_type, dict.fromkeys(_SUMS, ZERO))
            t["item_sumamt"] += sign * fee.det_item_fee_sumamt
            t["item_claa_amt"] += sign * fee.det_item_fee_sumamt if fee.chrgitm_lv == "01" else ZERO
            t["item_clab_amt"] += sign * fee.det_item_fee_sumamt if fee.chrgitm_lv == "02" else ZERO
            t["fulamt_ownpay_amt"] += sign * fee.fulamt_ownpay_amt
            t["overlmt_selfpay"] += sign * fee.overlmt_amt
            t["preselfpay_amt"] += sign * fee.preselfpay_amt
    return [dict(t, med_chrgitm_type=kind) for kind, t in sorted(totals.items())]


def _answer(call: Call, local: bool) -> dict:
    found = _in_range(call, local)
    summary = _fee_summary(call, found)
    node = "feesttinfo" if call.tx.output_node("feesttinfo") else ""
    return {"setlinfo": [settlement_row(call, s) for s in found],
            "feesttinfo": [shape(call, node, r) if node else r for r in summary]}


def local_settlements(call: Call) -> dict:
    return _answer(call, local=True)


def remote_settlements(call: Call) -> dict:
    return {"data": _answer(call, local=False)}


HANDLERS = {"5262": local_settlements, "5267": remote_settlements}
