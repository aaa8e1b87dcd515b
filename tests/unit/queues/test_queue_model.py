"""The queue entry's state machine, the priority rules, the skip placement and resume tokens."""
from __future__ import annotations

from datetime import date

import pytest

from domain.errors import IllegalTransition, ValidationFailed
from domain.queues import PriorityFlags, QueueEntry, QueueKey, QueueRules, QueueState
from domain.queues.model import POSITION_STEP
from domain.queues.rules import ordered, skip_place
from services.queues import ResumeToken

DAY = date(2026, 12, 7)


def entry(number=1, state=QueueState.WAITING, rank=3, **flags) -> QueueEntry:
    return QueueEntry(id=f"e{number}", key=QueueKey(DAY, "C1"), encounter_id="E", patient_id="P", patient_label="张*",
                      number=number, state=state, flags=PriorityFlags(**flags), rank=rank,
                      position=number * POSITION_STEP)


def test_the_consultation_path():
    e = entry()
    e.call("D1")
    assert (e.state, e.called_by) == (QueueState.CALLED, "D1")
    e.recall()
    e.recall()
    assert e.recalls == 2 and e.state is QueueState.CALLED
    e.start()
    e.finish()
    assert e.state is QueueState.FINISHED


@pytest.mark.parametrize("state, move", [
    (QueueState.WAITING, "start"), (QueueState.WAITING, "recall"), (QueueState.WAITING, "finish"),
    (QueueState.CALLED, "call"), (QueueState.CALLED, "finish"), (QueueState.IN_CONSULTATION, "no_show"),
    (QueueState.FINISHED, "call"), (QueueState.NO_SHOW, "start"), (QueueState.IN_CONSULTATION, "withdraw"),
    (QueueState.FINISHED, "close_transferred"), (QueueState.WAITING, "reopen"), (QueueState.WITHDRAWN, "reopen"),
])
def test_illegal_moves_name_the_state_and_change_nothing(state, move):
    e = entry(state=state)
    args = ("D1",) if move == "call" else ()
    with pytest.raises(IllegalTransition, match=state.value):
        getattr(e, move)(*args)
    assert e.state is state


@pytest.mark.parametrize("state", [QueueState.WAITING, QueueState.CALLED, QueueState.IN_CONSULTATION])
def test_a_transfer_closes_an_open_entry_and_reopening_restores_its_state(state):
    e = entry(state=state)
    e.close_transferred()
    assert (e.state, e.closed_from) == (QueueState.TRANSFERRED, state)
    e.reopen()
    assert (e.state, e.closed_from) == (state, None)


def test_skip_goes_back_to_waiting_then_no_show_on_the_kth():
    e = entry(state=QueueState.CALLED)
    e.skip(3, 99, no_show_after=2)
    assert (e.state, e.rank, e.position, e.skips) == (QueueState.WAITING, 3, 99, 1)
    e.call("D1")
    e.skip(3, 100, no_show_after=2)
    assert e.state is QueueState.NO_SHOW and e.skips == 2


def test_priority_rank_follows_the_configured_rules():
    rules = QueueRules()
    assert rules.rank(PriorityFlags(emergency=True, age=90)) == 0
    assert rules.rank(PriorityFlags(age=80)) == 1
    assert rules.rank(PriorityFlags(age=79, returning_with_results=True)) == 2
    assert rules.rank(PriorityFlags(age=79)) == 3
    reordered = QueueRules(priority=("returning_with_results", "emergency"), elderly_age=70)
    assert reordered.rank(PriorityFlags(returning_with_results=True, emergency=True)) == 0
    assert reordered.rank(PriorityFlags(age=95)) == 2  # elderly left out: no priority
    with pytest.raises(ValueError, match="vip"):
        QueueRules(priority=("vip",))


def test_skip_place_is_behind_the_nth_waiting_and_before_the_next():
    waiting = ordered([entry(n) for n in (2, 3, 4, 5)])
    rank, position = skip_place(waiting, 3)
    e = entry(1)
    e.rank, e.position = rank, position
    assert [x.number for x in ordered([*waiting, e])] == [2, 3, 4, 1, 5]
    rank, position = skip_place(waiting, 10)  # fewer waiting than places: last
    e.rank, e.position = rank, position
    assert [x.number for x in ordered([*waiting, e])][-1] == 1
    assert skip_place([], 3) is None


def test_resume_tokens_round_trip_and_garbage_is_refused():
    token = ResumeToken(DAY, "C1", "D1", 42)
    assert ResumeToken.decode(token.encode()) == token
    for bad in ("", "x", "!!!", token.encode()[:-3], "A" * 300):
        with pytest.raises(ValidationFailed, match="resume_token"):
            ResumeToken.decode(bad)
