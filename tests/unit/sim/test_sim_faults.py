"""Fault plan semantics, and what each action does to an in-memory call."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from simkit import P_WORKER, Driver, person_by_no

from adapters.yb_sim import FAULT_ACTIONS, Fault, FaultPlan
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


def test_bad_rules_are_rejected():
    with pytest.raises(ValueError):
        Fault("2207", "explode")
    with pytest.raises(ValueError):
        FaultPlan().add("2207", "delay", seconds=-1)
    assert set(FAULT_ACTIONS) == {"delay", "timeout_after_commit", "drop_before_commit", "drop_after_commit",
                                  "error_reply", "garbage_after_commit", "gateway_error", "null_part_amounts",
                                  "uneven_sums", "warn_message"}


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


@pytest.mark.parametrize("action", ["drop_before_commit", "gateway_error"])
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


@pytest.mark.parametrize("action", ["timeout_after_commit", "drop_after_commit", "garbage_after_commit"])
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
