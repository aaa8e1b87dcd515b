"""2601 冲正: undo by msgid; "never had" is success; only reversible transactions."""
from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from simkit import P_WORKER, Driver, FixedClock

from adapters.yb_sim import SimulatorPlatform
from ports.catalogue import Catalogue

JIA = "XJ01CAA040A001010104022"
FULL = Decimal("1500.00")


def settled_visit(his: Driver) -> tuple[str, dict, str]:
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    info = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]
    return mdtrt_id, info, his.last_msgid


def test_reversing_a_settlement_makes_it_never_have_happened(his: Driver, sim: SimulatorPlatform):
    mdtrt_id, info, msgid = settled_visit(his)
    assert sim.balance(P_WORKER, "310") < FULL
    assert his.reverse(msgid, "2207", P_WORKER).output == {}
    assert sim.balance(P_WORKER, "310") == FULL
    assert sim.deductible_used(P_WORKER, "310") == Decimal("0.00")
    assert sim.settlement(info["setl_id"])["state"] == "reversed"
    his.refused("2208", {"data": {"setl_id": info["setl_id"], "mdtrt_id": mdtrt_id, "psn_no": P_WORKER}},
                contains="不存在")
    # the fees are unsettled: the visit can be settled again, with the same numbers
    again = his.settle(mdtrt_id, P_WORKER, info["medfee_sumamt"]).output["setlinfo"]
    assert again["acct_pay"] == info["acct_pay"] and again["setl_id"] != info["setl_id"]


def test_reversing_twice_is_still_success(his: Driver, sim):
    _, _, msgid = settled_visit(his)
    his.reverse(msgid, "2207", P_WORKER)
    assert his.reverse(msgid, "2207", P_WORKER).output == {}
    assert sim.balance(P_WORKER, "310") == FULL


def test_never_seen_msgid_is_refused_as_unknown_by_default(his: Driver, sim):
    unseen = "H42010600001202506160000009999"
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": unseen, "oinfno": "2207"}},
                contains=f"原交易[{unseen}]不存在，无法冲正")
    sim.unknown_reversal = "remember"
    assert his.reverse(unseen, "2207", P_WORKER).output == {}


def test_a_refused_call_has_nothing_to_undo(his: Driver, sim):
    mdtrt_id, _ = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    his.refused("2207", his.settle_input(mdtrt_id, P_WORKER, "1.00"), contains="费用总额不一致")
    assert his.reverse(his.last_msgid, "2207", P_WORKER).output == {}


def test_reversing_a_cancelled_settlement_is_refused(his: Driver):
    mdtrt_id, info, msgid = settled_visit(his)
    his.cancel(info["setl_id"], mdtrt_id, P_WORKER)
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": msgid, "oinfno": "2207"}}, contains="冲正")


def test_reversing_a_cancellation_restores_the_settlement(his: Driver, sim):
    mdtrt_id, info, _ = settled_visit(his)
    his.cancel(info["setl_id"], mdtrt_id, P_WORKER)
    assert sim.balance(P_WORKER, "310") == FULL
    his.reverse(his.last_msgid, "2208", P_WORKER)
    assert sim.settlement(info["setl_id"])["state"] == "active"
    assert sim.balance(P_WORKER, "310") == info["balc"]
    assert sim.deductible_used(P_WORKER, "310") == info["act_pay_dedc"]
    his.refused("2207", his.settle_input(mdtrt_id, P_WORKER, info["medfee_sumamt"]), contains="已结算")
    # and it can be cancelled once more
    assert his.cancel(info["setl_id"], mdtrt_id, P_WORKER).output["setlinfo"]["balc"] == FULL


def test_cannot_restore_a_settlement_when_the_visit_was_settled_again(his: Driver):
    mdtrt_id, info, _ = settled_visit(his)
    his.cancel(info["setl_id"], mdtrt_id, P_WORKER)
    cancel_msgid = his.last_msgid
    his.settle(mdtrt_id, P_WORKER, info["medfee_sumamt"])
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": cancel_msgid, "oinfno": "2208"}},
                contains="有效结算")


def test_only_reversible_transactions(his: Driver):
    mdtrt_id = his.register(P_WORKER)
    assert mdtrt_id
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": his.last_msgid, "oinfno": "2201"}},
                contains="不允许冲正")
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": his.last_msgid, "oinfno": "9999"}},
                contains="不存在")


def test_reversal_must_name_the_original_transaction_and_person(his: Driver):
    _, _, msgid = settled_visit(his)
    his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": msgid, "oinfno": "2208"}}, contains="不符")
    his.refused("2601", {"data": {"psn_no": "42010620000000000003", "omsgid": msgid, "oinfno": "2207"}},
                contains="不一致")


def _catalogue_with_more_reversible(*codes: str) -> Catalogue:
    data = resources.files("ports.catalogue") / "data"
    transactions = json.loads((data / "transactions.json").read_text(encoding="utf-8"))
    dicts = json.loads((data / "dicts.json").read_text(encoding="utf-8"))
    for code in codes:
        transactions[code]["reversible"] = True
    return Catalogue.from_data(transactions, dicts)


def test_registration_and_fee_upload_undo_when_a_catalogue_allows_it():
    sim = SimulatorPlatform(catalogue=_catalogue_with_more_reversible("2201", "2204"), clock=FixedClock())
    his = Driver(sim)
    his.sign_in()
    mdtrt_id = his.register(P_WORKER)
    register_msgid = his.last_msgid
    his.upload(mdtrt_id, P_WORKER, [(JIA, "1", "10.00")])
    his.upload(mdtrt_id, P_WORKER, [(JIA, "1", "20.00")], batch="B1", start=2)
    his.reverse(his.last_msgid, "2204", P_WORKER)
    assert list(sim.visit(mdtrt_id).fees) == ["B1-1"]
    his.reverse(register_msgid, "2201", P_WORKER)
    assert sim.visit(mdtrt_id).cancelled
