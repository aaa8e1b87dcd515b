"""The long-term-care simulator's records: tables by id, the checks every 8xxx handler shares
(see handlers/ltc.py for the conventions)."""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from adapters.yb_sim.handlers.common import Call, number, person, refuse, text
from domain.money import money

LTC_FUND_RATIO = Decimal("0.70")
ACTIVE, CLOSED, PENDING, DECLARED, REVERSED = "active", "closed", "pending", "declared", "reversed"
SERVICE_ITEMS = {  # 8101: code -> (name, unit price, unit); invented for the simulator
    "LTC001": ("生活照料", Decimal("60.00"), "日"), "LTC002": ("基础护理", Decimal("30.00"), "次"),
    "LTC003": ("医疗护理", Decimal("50.00"), "次"), "LTC004": ("康复训练", Decimal("40.00"), "次"),
}
_FIXED = frozenset({"psn_no", "certno", "ltc_reg_id", "status", "crte_time", "kind", "amount", "items",
                    "details", "decl_id"})  # what an update never overwrites
_RECOMMENDED = {"1": ("LTC001",), "2": ("LTC001", "LTC002"), "3": ("LTC001", "LTC002", "LTC003")}


@dataclass
class LtcState:
    tables: dict[str, dict[str, dict]] = field(default_factory=lambda: {
        t: {} for t in ("reg", "plan", "charge", "nurse", "file", "decl")})
    prefix: str = field(default_factory=lambda: secrets.token_hex(3).upper())
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))


def _table(call: Call, name: str) -> dict[str, dict]:
    return call.state.section("ltc", LtcState).tables[name]


def _data(call: Call, *required: str) -> dict:
    data = call.node("data")
    missing = [n for n in required if not text(data.get(n))]
    if missing:
        refuse(f"入参缺少必填字段: {', '.join(missing)}")
    return data


def _create(call: Call, table: str, key: str, values: dict, status: str = ACTIVE) -> dict:
    records = _table(call, table)
    given = text(values.get(key))
    if given and given in records:
        refuse(f"{key}[{given}]已存在")
    state = call.state.section("ltc", LtcState)
    record = dict(values, status=status, crte_time=call.now_text)
    record[key] = given or f"{key.split('_')[0].upper()}{state.prefix}{next(state.seq):08d}"
    records[record[key]] = record
    return record


def _get(call: Call, table: str, key: str, *allowed: str, value: str | None = None) -> dict:
    wanted = text(call.node("data").get(key)) if value is None else value
    record = _table(call, table).get(wanted)
    if record is None:
        refuse(f"{key}[{wanted}]不存在")
    if allowed and record["status"] not in allowed:
        refuse(f"{key}[{wanted}]状态为{record['status']}，不能办理{call.tx.name}")
    return record


def _one(record: dict) -> dict:
    return {"data": dict(record)}


def _many(records) -> dict:
    rows = [dict(r) for r in records]
    return {"data": {"list": rows, "count": len(rows)}}


def _update(record: dict, data: dict, key: str) -> None:
    record.update({k: v for k, v in data.items() if k != key and k not in _FIXED})


def _reader(table: str, key: str, *allowed: str):
    return lambda call: _one(_get(call, table, key, *allowed))


def _changer(table: str, key: str):
    def change(call: Call) -> dict:
        record = _get(call, table, key, ACTIVE)
        _update(record, _data(call), key)
        record["updt_time"] = call.now_text
        return _one(record)
    return change


def _closer(table: str, key: str, allowed: str = ACTIVE, new: str = CLOSED):
    """A state change that keeps what the input says about it (stop_rea, memo ...)."""
    def close(call: Call) -> dict:
        record = _get(call, table, key, allowed)
        _update(record, call.node("data"), key)
        record.update(status=new, updt_time=call.now_text)
        return _one(record)
    return close


def _where(call: Call, table: str, **match: str) -> list[dict]:
    return [r for r in _table(call, table).values() if all(not v or text(r.get(k)) == v for k, v in match.items())]


def _psn(call: Call, data: dict) -> str:
    psn_no = text(data.get("psn_no"))
    if not psn_no:
        certno, cert_type = text(data.get("certno")).upper(), text(data.get("psn_cert_type"))
        found = next((p for p in call.state.persons.values() if certno and p.certno.upper() == certno
                      and (not cert_type or p.psn_cert_type == cert_type)), None)
        if found is None:
            refuse("未查询到参保人员信息")
        psn_no = found.psn_no
    person(call, psn_no)
    call.psn_no = psn_no
    return psn_no


def _items(call: Call, rows: object, plan: dict | None = None, need_cnt: bool = False) -> list[dict]:
    out = []
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        code = text(row.get("srv_item_code")) if isinstance(row, dict) else ""
        if code not in SERVICE_ITEMS:
            refuse(f"第{i + 1}行服务项目编码[{code}]不存在")
        if plan is not None and code not in {r["srv_item_code"] for r in plan.get("items", [])}:
            refuse(f"服务项目[{code}]不在护理计划[{plan['plan_id']}]内")
        try:
            cnt = number(row.get("cnt") if text(row.get("cnt")) else "1")
            pric = money(number(row.get("pric"))) if text(row.get("pric")) else SERVICE_ITEMS[code][1]
        except (ValueError, TypeError, InvalidOperation):
            refuse(f"第{i + 1}行数量或单价不是数值")
        if (need_cnt and not text(row.get("cnt"))) or cnt <= 0 or pric < 0:
            refuse(f"第{i + 1}行数量必须大于0，单价不能为负")
        out.append(dict(row, srv_item_code=code, cnt=cnt, pric=pric, amount=money(cnt * pric)))
    if not out:
        refuse("服务项目明细不能为空")
    return out
