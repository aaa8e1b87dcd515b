from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from adapters.db.journal_store import SqlJournalStore
from db_builders import new_id
from domain.errors import NotFound
from domain.journal import JournalEntry, JournalState

NOW = datetime(2026, 3, 2, 10, 0, 0)


@pytest.fixture
def store(engine):
    return SqlJournalStore(engine)


def _entry(created_at: datetime = NOW, visit_id: str = "", state=JournalState.PENDING) -> JournalEntry:
    return JournalEntry(
        msgid=new_id("H"), infno="2207", operator_code="OP001", created_at=created_at,
        request={"input": {"data": {"medfee_sumamt": Decimal("41509.00"), "cnt": Decimal("0.10"),
                                    "begntime": "2026-03-02 09:30:15"}}},
        psn_no="P001", mdtrt_id="M001", visit_id=visit_id, state=state,
    )


def test_open_then_get_and_by_msgid(store):
    entry = _entry(visit_id=new_id())
    entry_id = store.open(entry)
    assert isinstance(entry_id, int) and entry.id == entry_id

    loaded = store.get(entry_id)
    assert loaded == entry
    amount = loaded.request["input"]["data"]["medfee_sumamt"]
    assert isinstance(amount, Decimal) and str(amount) == "41509.00"
    assert store.by_msgid(entry.msgid) == loaded
    assert store.by_msgid(new_id("H")) is None
    assert store.get(-1) is None


def test_close_records_the_outcome(store):
    entry_id = store.open(_entry())
    finished = NOW + timedelta(seconds=2)
    reply = {"infcode": 0, "output": {"setlinfo": {"psn_cash_pay": Decimal("0.30")}}}
    store.close(entry_id, JournalState.OK, infcode=0, reply=reply, inf_refmsgid="REF1", finished_at=finished)

    loaded = store.get(entry_id)
    assert loaded.state is JournalState.OK and loaded.infcode == 0
    assert loaded.reply == reply and str(loaded.reply["output"]["setlinfo"]["psn_cash_pay"]) == "0.30"
    assert loaded.inf_refmsgid == "REF1" and loaded.finished_at == finished


def test_a_later_close_keeps_what_the_first_recorded(store):
    entry_id = store.open(_entry())
    store.close(entry_id, JournalState.UNCERTAIN, err_msg="read timeout", finished_at=NOW)
    store.close(entry_id, JournalState.REVERSED, resolution="2601 accepted", reversal_msgid="H2601")

    loaded = store.get(entry_id)
    assert loaded.state is JournalState.REVERSED
    assert loaded.err_msg == "read timeout" and loaded.finished_at == NOW
    assert loaded.resolution == "2601 accepted" and loaded.reversal_msgid == "H2601"
    assert loaded.reply is None and loaded.infcode is None


def test_closing_an_unknown_entry_fails(store):
    with pytest.raises(NotFound):
        store.close(-1, JournalState.OK)


def test_unresolved_are_uncertain_ones_and_pending_ones_older_than_asked(store):
    old_pending = _entry(created_at=NOW - timedelta(minutes=10))
    new_pending = _entry(created_at=NOW)
    uncertain = _entry(created_at=NOW - timedelta(minutes=5))
    done = _entry(created_at=NOW - timedelta(minutes=20))
    for entry in (old_pending, new_pending, uncertain, done):
        store.open(entry)
    store.close(uncertain.id, JournalState.UNCERTAIN, err_msg="timeout")
    store.close(done.id, JournalState.OK, infcode=0)
    ours = {e.id for e in (old_pending, new_pending, uncertain, done)}

    def found(older_than):
        return [e.id for e in store.unresolved(older_than) if e.id in ours]

    assert found(NOW - timedelta(minutes=1)) == [old_pending.id, uncertain.id]  # oldest first
    assert found(None) == [old_pending.id, uncertain.id, new_pending.id]
    assert found(NOW - timedelta(hours=1)) == [uncertain.id]  # uncertain whatever its age


def test_for_visit_lists_the_visits_calls_in_order(store):
    visit_id = new_id()
    first, second = _entry(visit_id=visit_id), _entry(visit_id=visit_id)
    store.open(first)
    store.open(second)
    store.open(_entry(visit_id=new_id()))
    assert [e.msgid for e in store.for_visit(visit_id)] == [first.msgid, second.msgid]
    assert store.for_visit(new_id()) == []


def test_an_id_beyond_the_columns_range_is_simply_not_found(engine):
    # found by the fuzz test: PostgreSQL refuses 2**40 for an INTEGER column instead of finding nothing
    store = SqlJournalStore(engine)
    assert store.get(2 ** 40) is None and store.get(-1) is None and store.get(0) is None
