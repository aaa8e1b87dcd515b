"""2206 预结算, 2207 结算, 2208 结算撤销: a batch's settlement request, and the settlement a reply holds."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.money import money
from domain.settlement import Settlement, SettlementRules
from domain.visit import Visit


def settle(visit: Visit, chrg_bchno: str, acct_used: bool, psn_setlway: str, invono: str | None = None) -> dict:
    """2206 (invono None) or 2207, which also repeats the 2204 classification totals of the batch."""
    data = {"psn_no": visit.psn_no, "mdtrt_cert_type": visit.mdtrt_cert_type,
            "mdtrt_cert_no": visit.mdtrt_cert_no, "med_type": visit.med_type,
            "medfee_sumamt": visit.batch_total(chrg_bchno), "psn_setlway": psn_setlway,
            "mdtrt_id": visit.mdtrt_id, "chrg_bchno": chrg_bchno, "acct_used_flag": "1" if acct_used else "0",
            "insutype": visit.insutype}
    if invono is not None:
        data.update(invono=invono, **_batch_split(visit, chrg_bchno))
    return {"data": data}


def settlement_cancel(visit: Visit, setl_id: str) -> dict:
    return {"data": {"setl_id": setl_id, "mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no}}


def _batch_split(visit: Visit, chrg_bchno: str) -> dict[str, Decimal]:
    return fee_split(visit.batch(chrg_bchno))


def fee_split(rows: list) -> dict[str, Decimal]:
    """The platform's classification totals of fee rows (as 2204 / 2301 answered them), in 2207 / 2304's names."""
    total = lambda name: money(sum((getattr(r, name) for r in rows), Decimal(0)))  # noqa: E731
    return {"fulamt_ownpay_amt": total("fulamt_ownpay_amt"), "overlmt_selfpay": total("overlmt_amt"),
            "preselfpay_amt": total("preselfpay_amt"), "inscp_scp_amt": total("inscp_scp_amt")}


def settlement_from_output(output: dict, chrg_bchno: str, rules: SettlementRules = SettlementRules()) -> Settlement:
    """The settlement a 2206/2207/2208 reply holds, exactly as given, with its discrepancies."""
    setlinfo = output.get("setlinfo")
    return Settlement.from_setlinfo(setlinfo if isinstance(setlinfo, dict) else {},
                                    output.get("setldetail") if isinstance(output.get("setldetail"), list) else [],
                                    chrg_bchno, rules)


def copy(settlement: Settlement) -> Settlement:
    return replace(settlement, details=[replace(d) for d in settlement.details],
                   discrepancies=list(settlement.discrepancies))


class SettlementReader:
    """Reads a settlement reply for the gateway once, keeps it, and tells the gateway what in it does
    not hold together (journaled beside the call; the settlement stands as the platform made it)."""

    def __init__(self, chrg_bchno: str, rules: SettlementRules):
        self.chrg_bchno, self.rules = chrg_bchno, rules
        self.settlement: Settlement | None = None

    def __call__(self, output: dict) -> list[str]:
        self.settlement = settlement_from_output(output, self.chrg_bchno, self.rules)
        return list(self.settlement.discrepancies)
