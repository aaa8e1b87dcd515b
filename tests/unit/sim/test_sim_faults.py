"""Fault plan semantics, and what each action does to an in-memory call."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from simkit import P_WORKER, Driver, person_by_no

from adapters.yb_sim import FAULT_ACTIONS, Fault, FaultPlan, SimulatorPlatform
from ports.platform import PlatformOutcomeUnknown, PlatformRefused

JIA = "XJ01CAA040A001010104022"
FULL = Decimal("1500.00")


def test_take_matches_by_infno_and_counts_down():
    plan = FaultPlan()
    plan.add("2207", "error_reply", times=2)
    assert plan.take("2204") is None
    assert plan.take("2207").action == "error_reply"
    assert plan.take("2207").action == "error_reply"
    assert plan.take("2207") is None


def test_wildcard_unlimited_first_match_and_clear():
    plan = FaultPlan()
    plan.add(None, "delay", times=-1, seconds=0.5)
    plan.add("2207", "gateway_error")
    for _ in range(5):
        fault = plan.take("2207")
        assert (fault.action, fault.seconds) == ("delay", 0.5)
    plan.clear()
    assert plan.take("2207") is None and plan.pending() == []


def test_contains_aims_at_requests_whose_input_holds_it():
    plan = FaultPlan()
    plan.add("2207", "error_reply", times=-1, contains="42010620000000000002")
    assert plan.take("2207", {"data": {"psn_no": P_WORKER}}) is None
    assert plan.take("2207", "") is None
    hit = plan.take("2207", {"data": {"psn_no": "42010620000000000002", "medfee_sumamt": Decimal("1.50")}})
    assert (hit.action, hit.contains) == ("error_reply", "42010620000000000002")
    plan.add(None, "delay", contains='"medfee_sumamt":1.50')  # the JSON text as sent: a number, not "1.50"
    assert plan.take("2204", {"data": {"medfee_sumamt": Decimal("1.50")}}).action == "delay"
    assert [f.as_dict() for f in plan.pending()] == [
        {"infno": "2207", "action": "error_reply", "times": -1, "seconds": 0.0, "contains": "42010620000000000002"}]


def test_bad_rules_are_rejected():
    with pytest.raises(ValueError):
        Fault("2207", "explode")
    with pytest.raises(ValueError):
        FaultPlan().add("2207", "delay", seconds=-1)
    assert set(FAULT_ACTIONS) == {"delay", "timeout_after_commit", "drop_before_commit", "drop_after_commit",
                                  "error_reply", "garbage_after_commit", "gateway_error", "null_part_amounts",
                                  "uneven_sums", "warn_message", "late_commit", "reset_before_commit",
                                  "reset_after_commit", "bad_gateway_after_commit", "duplicate_delivery"}


def test_take_is_thread_safe():
    plan = FaultPlan()
    plan.add(None, "error_reply", times=200)
    taken = []

    def worker():
        for _ in range(100):
            if plan.take("2207"):
                taken.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 200


def ready(his: Driver) -> tuple[str, Decimal]:
    return his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])


@pytest.mark.parametrize("action", ["drop_before_commit", "gateway_error", "reset_before_commit"])
def test_lost_before_commit(his: Driver, sim, action):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", action)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    assert sim.balance(P_WORKER, "310") == FULL
    his.settle(mdtrt_id, P_WORKER, total)  # nothing happened: settling now works
    assert sim.balance(P_WORKER, "310") < FULL


def test_error_reply_does_nothing(his: Driver, sim):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "error_reply")
    with pytest.raises(PlatformRefused) as info:
        his.settle(mdtrt_id, P_WORKER, total)
    assert info.value.infcode == -1 and "模拟" in info.value.err_msg
    assert sim.balance(P_WORKER, "310") == FULL
    his.settle(mdtrt_id, P_WORKER, total)


@pytest.mark.parametrize("action", ["timeout_after_commit", "drop_after_commit", "garbage_after_commit",
                                    "reset_after_commit", "bad_gateway_after_commit"])
def test_lost_after_commit_then_reversed(his: Driver, sim, action):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", action)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    lost_msgid = his.last_msgid
    assert sim.balance(P_WORKER, "310") < FULL  # it did happen
    his.refused("2207", his.settle_input(mdtrt_id, P_WORKER, total), contains="已结算")
    his.reverse(lost_msgid, "2207", P_WORKER)
    assert sim.balance(P_WORKER, "310") == FULL
    his.settle(mdtrt_id, P_WORKER, total)


def test_delay_then_normal_answer(his: Driver, sim):
    sim.faults.add("1101", "delay", seconds=0.2)
    started = time.monotonic()
    reply = his.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person_by_no(P_WORKER).certno}})
    assert time.monotonic() - started >= 0.2
    assert reply.output["baseinfo"]["psn_no"] == P_WORKER


def test_faults_only_hit_their_transaction(his: Driver, sim):
    sim.faults.add("2207", "error_reply")
    mdtrt_id, total = ready(his)  # 2201 and 2204 pass untouched
    with pytest.raises(PlatformRefused):
        his.settle(mdtrt_id, P_WORKER, total)


# ---- late commits, duplicates ------------------------------------------------------------------
def test_late_commit_answers_nothing_then_commits(his: Driver, sim):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "late_commit", seconds=0.2)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    late_msgid = his.last_msgid
    assert sim.settle(timeout=10)
    assert sim.balance(P_WORKER, "310") < FULL  # it landed after the caller stopped waiting
    assert sim.visit(mdtrt_id).setl_ids and sim.late.pending() == 0
    his.reverse(late_msgid, "2207", P_WORKER)  # and it is a settlement like any other: 冲正 undoes it
    assert sim.balance(P_WORKER, "310") == FULL


def test_late_commit_lands_through_the_normal_rules(his: Driver, sim):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "late_commit", seconds=60)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    settled = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]  # a second try lands first
    assert sim.settle(now=True)
    assert sim.visit(mdtrt_id).setl_ids == [settled["setl_id"]]  # the late one was refused: 已结算
    assert sim.balance(P_WORKER, "310") == settled["balc"]


def test_settle_reports_commits_still_pending(his: Driver, sim):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "late_commit", seconds=60)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    assert sim.settle(timeout=0.01) is False and sim.late.pending() == 1
    assert sim.balance(P_WORKER, "310") == FULL
    assert sim.settle(now=True) is True and sim.late.pending() == 0
    assert sim.balance(P_WORKER, "310") < FULL


@pytest.mark.parametrize("mode", ["refuse", "remember"])
def test_reversal_before_a_late_original(his: Driver, mode: str):
    sim = his.platform
    sim.unknown_reversal = mode
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "late_commit", seconds=60)
    with pytest.raises(PlatformOutcomeUnknown):
        his.settle(mdtrt_id, P_WORKER, total)
    late_msgid = his.last_msgid
    if mode == "refuse":
        his.refused("2601", {"data": {"psn_no": P_WORKER, "omsgid": late_msgid, "oinfno": "2207"}},
                    contains=f"原交易[{late_msgid}]不存在，无法冲正")
    else:
        assert his.reverse(late_msgid, "2207", P_WORKER).output == {}
    assert sim.settle(now=True)
    if mode == "refuse":  # the msgid stayed free: the original commits when it arrives
        assert sim.balance(P_WORKER, "310") < FULL and len(sim.visit(mdtrt_id).setl_ids) == 1
    else:  # the msgid was taken by the 冲正: the original is refused as 报文ID重复 and never commits
        assert sim.balance(P_WORKER, "310") == FULL and sim.visit(mdtrt_id).setl_ids == []
        his.refused("2207", his.settle_input(mdtrt_id, P_WORKER, total), msgid=late_msgid,
                    contains=f"报文ID重复[{late_msgid}]")
        assert his.reverse(late_msgid, "2207", P_WORKER).output == {}  # asked again: still nothing to undo


def test_unknown_reversal_setting_is_checked():
    with pytest.raises(ValueError, match="refuse, remember"):
        SimulatorPlatform(unknown_reversal="forget")
    sim = SimulatorPlatform(unknown_reversal="remember")
    assert sim.unknown_reversal == "remember"
    with pytest.raises(ValueError):
        sim.unknown_reversal = ""
    assert sim.unknown_reversal == "remember"


def test_duplicate_delivery_commits_once_and_answers_the_duplicate(his: Driver, sim):
    mdtrt_id, total = ready(his)
    sim.faults.add("2207", "duplicate_delivery")
    refused = his.refused("2207", his.settle_input(mdtrt_id, P_WORKER, total), contains="报文ID重复")
    assert refused.err_msg == f"报文ID重复[{his.last_msgid}]"
    assert sim.balance(P_WORKER, "310") < FULL and len(sim.visit(mdtrt_id).setl_ids) == 1
    his.reverse(his.last_msgid, "2207", P_WORKER)  # the first delivery is what 冲正 finds
    assert sim.balance(P_WORKER, "310") == FULL


def test_contains_aims_a_fault_at_one_visit(his: Driver, sim):
    mine, total = ready(his)
    other = his.register("42010620000000000004")
    his.upload(other, "42010620000000000004", [(JIA, "1", "300.00")])
    sim.faults.add("2207", "error_reply", contains=mine)
    his.settle(other, "42010620000000000004", total)  # not aimed at: passes
    with pytest.raises(PlatformRefused):
        his.settle(mine, P_WORKER, total)
    assert sim.faults.pending() == []
