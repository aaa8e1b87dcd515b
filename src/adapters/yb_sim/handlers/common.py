"""What every handler gets (one Call) and the checks several of them share.

Handlers check everything first and change state only after the last check, so a refusal never
leaves half a transaction behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NoReturn

from adapters.yb_sim.demo_items import DemoItem
from adapters.yb_sim.policy import Policy
from adapters.yb_sim.state import Fee, Person, SimState, Visit
from domain.money import to_decimal
from ports.catalogue import Catalogue, Transaction
from ports.platform import PlatformRefused, PlatformRequest

TIME = "%Y-%m-%d %H:%M:%S"


@dataclass
class Call:
    request: PlatformRequest
    tx: Transaction
    state: SimState
    policy: Policy
    catalogue: Catalogue
    items: dict[str, DemoItem]
    now: datetime
    admdvs: str
    psn_no: str = ""  # recorded with the msgid for 2601
    undo: tuple | None = None  # how 2601 would undo this call
    extra: dict = field(default_factory=dict)
    unknown_reversal: str = "refuse"  # what 2601 does with an original it has not seen (handlers.reversal)

    def node(self, name: str) -> dict:
        value = self.request.input.get(name)
        return value if isinstance(value, dict) else {}

    def rows(self, name: str) -> list[dict]:
        value = self.request.input.get(name)
        return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []

    @property
    def now_text(self) -> str:
        return self.now.strftime(TIME)


def refuse(message: str) -> NoReturn:
    raise PlatformRefused(-1, message)


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def number(value: object) -> Decimal:
    return to_decimal(value if not isinstance(value, str) else value.strip())


def person(call: Call, psn_no: str) -> Person:
    found = call.state.persons.get(psn_no)
    if found is None:
        refuse(f"人员编号[{psn_no}]不存在")
    return found


def visit(call: Call, mdtrt_id: str, psn_no: str) -> Visit:
    """The visit, checked to exist and to belong to psn_no."""
    found = call.state.visits.get(mdtrt_id)
    if found is None:
        refuse(f"就诊ID[{mdtrt_id}]不存在")
    if found.psn_no != psn_no:
        refuse(f"人员编号[{psn_no}]与就诊ID[{mdtrt_id}]的就诊人员不一致")
    return found


def open_visit(call: Call, mdtrt_id: str, psn_no: str) -> Visit:
    found = visit(call, mdtrt_id, psn_no)
    if found.cancelled:
        refuse(f"就诊ID[{mdtrt_id}]已撤销挂号")
    return found


def age(brdy: date, today: date) -> Decimal:
    return (Decimal((today - brdy).days) / Decimal("365.25")).quantize(Decimal("0.1"), rounding="ROUND_DOWN")


def shape(call: Call, node_name: str, values: dict) -> dict:
    """Declared fields of the output node first (None when we have no value), then extras, as real
    replies carry more than the tables declare."""
    node = call.tx.output_node(node_name)
    if node is None:
        return dict(values)
    out = {f.name: values.get(f.name) for f in node.fields}
    out.update({k: v for k, v in values.items() if k not in out})
    return out


def fee_result(call: Call, node: str, f: Fee) -> dict:
    """One row of the platform's classification of an uploaded fee (2204 / 2301 result, 2101 detlcutinfo)."""
    return shape(call, node, {
        "feedetl_sn": f.feedetl_sn, "det_item_fee_sumamt": f.det_item_fee_sumamt, "cnt": f.cnt,
        "pric": f.pric, "pric_uplmt_amt": f.pric_uplmt_amt, "selfpay_prop": f.selfpay_prop,
        "fulamt_ownpay_amt": f.fulamt_ownpay_amt, "overlmt_amt": f.overlmt_amt,
        "preselfpay_amt": f.preselfpay_amt, "inscp_scp_amt": f.inscp_scp_amt, "chrgitm_lv": f.chrgitm_lv,
        "med_chrgitm_type": f.med_chrgitm_type, "bas_medn_flag": "0", "hi_nego_drug_flag": "0",
        "chld_medc_flag": "0", "list_sp_item_flag": "0", "lmt_used_flag": "0", "drt_reim_flag": "0",
        "memo": None, "exp_content": None})
