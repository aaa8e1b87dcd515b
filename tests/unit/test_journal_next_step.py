from datetime import datetime, timedelta

from domain.journal import JournalEntry, JournalState

T = datetime(2026, 12, 6, 10, 0, 0)


def entry(**kw) -> JournalEntry:
    return JournalEntry(msgid="H42010600001202612061000000001", infno="2207", request={}, operator_code="1001",
                        created_at=T, **kw)


def test_the_window_decides_whether_absence_can_prove_anything():
    open_ = entry(state=JournalState.UNCERTAIN, in_flight_until=T + timedelta(seconds=90))
    assert open_.may_still_arrive(T + timedelta(seconds=89))
    assert not open_.may_still_arrive(T + timedelta(seconds=90))
    assert not entry(state=JournalState.UNCERTAIN).may_still_arrive(T)  # journaled before windows were kept


def test_each_open_entry_says_what_comes_next():
    assert entry(state=JournalState.OK).next_step(T) == ""
    assert "process p-1" in entry(owner="p-1").next_step(T)
    waiting = entry(state=JournalState.UNCERTAIN, in_flight_until=T + timedelta(seconds=90))
    assert waiting.next_step(T).startswith("wait: ") and "10:01:30" in waiting.next_step(T)
    refused = entry(state=JournalState.UNCERTAIN, resolution="open: 冲正 2601 H1 refused: 已结算")
    assert "医保 centre" in refused.next_step(T)
    retrying = entry(state=JournalState.UNCERTAIN, resolution="open: query 5204 failed", attempts=2,
                     retry_at=T + timedelta(seconds=20))
    assert "10:00:20 (attempt 3)" in retrying.next_step(T)
