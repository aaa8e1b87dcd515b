"""3101 明细审核事前分析 / 3102 事中分析: a small rule engine over patient_dtos → fsi_encounter_dtos →
fsi_order_dtos.

Rules (the simulator's own table, `RULES`; data.rule_ids may narrow it, an unknown id is refused):
  SIM-R001 超限价收费     unit price above the item's ceiling (the simulator's 医保目录, demo_items);
                          vola_amt = (pric - ceiling) × cnt
  SIM-R002 重复收费       the same hilist_code twice for one patient on one day (drord_begn_date),
                          across the encounters sent; every occurrence after the first is a violation
  SIM-R003 性别限定       female-only items (妇科/产科/宫颈/阴道/子宫/孕/乳腺 in the name) for a man,
                          male-only items (前列腺/睾丸/阴茎/精液) for a woman
  SIM-R004 年龄限定       children's drugs (小儿/儿童/婴幼儿/婴儿 in the name) for a patient aged 14
                          or more on the order's day (14: the upper age of 儿科)
For R002-R004 vola_amt is the order's sumamt.

Which orders are judged: 3101 (事前, while prescribing) the current encounter's orders flagged
curr_drord_flag "1", or all of them when none is flagged; 3102 (事中, before settling) every order
of the current encounter. Earlier encounters sent along only serve as history for R002.
curr_mdtrt_id must name one of the patient's encounters.

Reply: one `result` row per rule and encounter with a judge_result_detail_dtos row per order
(vola_item_type = the order's hilist_type); vola_amt_stas "1" (amount determined); sev_deg "1"
明确违规 or "2" 可疑; an empty list when nothing is found. The results are kept by jr_id
(section "audit") for a feedback transaction (3103 is not in the catalogue).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from adapters.yb_sim.handlers.common import Call, number, refuse, shape, text
from domain.money import ZERO, money

FEMALE_ONLY = ("妇科", "产科", "宫颈", "阴道", "子宫", "孕", "乳腺")
MALE_ONLY = ("前列腺", "睾丸", "阴茎", "精液")
CHILD_ONLY = ("小儿", "儿童", "婴幼儿", "婴儿")
CHILD_MAX_AGE = 14

Hit = tuple[dict, Decimal, str]  # order, amount in violation, why


@dataclass(frozen=True)
class Rule:
    rule_id: str
    rule_name: str
    sev_deg: str
    vola_bhvr_type: str  # simulator codes: 1 超标准收费, 2 重复收费, 3 限定适用对象
    basis: str
    check: Callable[[Call, dict, list[dict], list[dict]], Iterator[Hit]]


def _day(order: dict) -> date:
    return date.fromisoformat(text(order.get("drord_begn_date"))[:10])


def _over_ceiling(call: Call, patient: dict, judged: list[dict], history: list[dict]) -> Iterator[Hit]:
    for order in judged:
        item = call.items.get(text(order.get("hilist_code")))
        if item is None or item.pric_uplmt_amt is None:
            continue
        pric, cnt = number(order.get("pric")), number(order.get("cnt"))
        if pric > item.pric_uplmt_amt:
            yield order, money((pric - item.pric_uplmt_amt) * cnt), \
                f"{item.name}单价[{pric}]超过医保限价[{item.pric_uplmt_amt}]"


def _duplicate(call: Call, patient: dict, judged: list[dict], history: list[dict]) -> Iterator[Hit]:
    first: dict[tuple[str, date], dict] = {}
    judged_ids = {id(o) for o in judged}
    for order in history:
        key = (text(order.get("hilist_code")), _day(order))
        if key not in first:
            first[key] = order
        elif id(order) in judged_ids:
            yield order, money(number(order.get("sumamt"))), \
                f"{order.get('hilist_name')}于{key[1]}重复开具（处方{first[key].get('rx_id')}已开）"


def _gender(call: Call, patient: dict, judged: list[dict], history: list[dict]) -> Iterator[Hit]:
    gend = text(patient.get("gend"))
    for order in judged:
        name = text(order.get("hilist_name"))
        if gend == "1" and any(w in name for w in FEMALE_ONLY):
            yield order, money(number(order.get("sumamt"))), f"{name}限女性使用，参保人为男性"
        elif gend == "2" and any(w in name for w in MALE_ONLY):
            yield order, money(number(order.get("sumamt"))), f"{name}限男性使用，参保人为女性"


def _years(brdy: date, day: date) -> int:
    return day.year - brdy.year - ((day.month, day.day) < (brdy.month, brdy.day))


def _age(call: Call, patient: dict, judged: list[dict], history: list[dict]) -> Iterator[Hit]:
    brdy = date.fromisoformat(text(patient.get("brdy"))[:10])
    for order in judged:
        name = text(order.get("hilist_name"))
        years = _years(brdy, _day(order))
        if any(w in name for w in CHILD_ONLY) and years >= CHILD_MAX_AGE:
            yield order, money(number(order.get("sumamt"))), f"{name}限儿童使用，参保人{years}岁"


RULES = {r.rule_id: r for r in (
    Rule("SIM-R001", "超医保限价收费", "1", "1", "医保目录支付标准（限价）", _over_ceiling),
    Rule("SIM-R002", "同一项目同日重复收费", "2", "2", "同一参保人同日同项目只计一次", _duplicate),
    Rule("SIM-R003", "限定性别使用", "1", "3", "医保目录限定性别", _gender),
    Rule("SIM-R004", "限定儿童使用", "1", "3", f"医保目录限{CHILD_MAX_AGE}岁以下儿童", _age),
)}


def _judged(call: Call, encounter: dict) -> list[dict]:
    orders = [o for o in encounter.get("fsi_order_dtos") or [] if isinstance(o, dict)]
    if call.request.infno == "3101":
        flagged = [o for o in orders if text(o.get("curr_drord_flag")) == "1"]
        return flagged or orders
    return orders


def analyse(call: Call) -> dict:
    data = call.node("data")
    wanted = [text(r) for r in data.get("rule_ids") or []]
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        refuse(f"审核规则[{','.join(unknown)}]不存在，可用规则：{','.join(RULES)}")
    rules = [RULES[r] for r in wanted] if wanted else list(RULES.values())
    task_id = text(data.get("task_id")) or None
    book = call.state.section("audit", lambda: {"seq": 0, "results": {}})
    results = []
    for patient in data.get("patient_dtos") or []:
        encounters = [e for e in patient.get("fsi_encounter_dtos") or [] if isinstance(e, dict)]
        current = text(patient.get("curr_mdtrt_id"))
        found = next((e for e in encounters if text(e.get("mdtrt_id")) == current), None)
        if found is None:
            refuse(f"当前就诊标识[{current}]不在参保人[{patient.get('patn_id')}]的就诊信息集合中")
        history = [o for e in encounters for o in e.get("fsi_order_dtos") or [] if isinstance(o, dict)]
        judged = _judged(call, found)
        for rule in rules:
            hits = list(rule.check(call, patient, judged, history))
            if hits:
                results.append(_result(call, book, rule, patient, current, hits, task_id))
    for row in results:
        book["results"][row["jr_id"]] = row
    return {"result": results}


def _result(call: Call, book: dict, rule: Rule, patient: dict, mdtrt_id: str, hits: list[Hit],
            task_id: str | None) -> dict:
    def next_id(prefix: str) -> str:
        book["seq"] += 1
        return f"{prefix}{call.now:%Y%m%d%H%M%S}{book['seq']:06d}"

    patn_id = text(patient.get("patn_id"))
    details = [{"jrd_id": next_id("JRD"), "patn_id": patn_id, "mdtrt_id": mdtrt_id, "rx_id": text(o.get("rx_id")),
                "vola_item_type": text(o.get("hilist_type")), "vola_amt": amt} for o, amt, _ in hits]
    values = {"jr_id": next_id("JR"), "rule_id": rule.rule_id, "rule_name": rule.rule_name,
              "vola_cont": "；".join(why for _, _, why in hits)[:500], "patn_id": patn_id, "mdtrt_id": mdtrt_id,
              "judge_result_detail_dtos": details, "vola_amt": sum((a for _, a, _ in hits), ZERO),
              "vola_amt_stas": "1", "sev_deg": rule.sev_deg, "vola_evid": rule.basis,
              "vola_bhvr_type": rule.vola_bhvr_type, "task_id": task_id}
    return shape(call, "result", values)


HANDLERS = {"3101": analyse, "3102": analyse}
