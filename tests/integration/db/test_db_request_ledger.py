"""The request_id ledger on the real database: claims, replies kept, keys released and taken over."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from adapters.db.request_ledger import SqlRequestLedger
from ports.request_ledger import ClaimState

T = datetime(2026, 12, 6, 9, 0, 0)
LONG_AGO = T - timedelta(minutes=10)


def key() -> str:
    return str(uuid.uuid4())


def test_a_key_is_claimed_once_and_its_reply_kept(engine):
    ledger, k = SqlRequestLedger(engine), key()
    assert ledger.claim(k, "/m", "f1", T, LONG_AGO).state is ClaimState.NEW
    assert ledger.claim(k, "/m", "f1", T, LONG_AGO).state is ClaimState.RUNNING
    ledger.done(k, "f1", b"\x0a\x02ok", T)
    again = ledger.claim(k, "/m", "f1", T, LONG_AGO)  # answered from memory before the reply is stored
    assert (again.state, again.response) == (ClaimState.DONE, b"\x0a\x02ok")
    assert ledger.claim(k, "/m", "other request", T, LONG_AGO).state is ClaimState.MISMATCH
    other_process = SqlRequestLedger(engine)
    ledger.flush()
    stored = other_process.claim(k, "/m", "f1", T, LONG_AGO)
    assert (stored.state, stored.response) == (ClaimState.DONE, b"\x0a\x02ok")
    assert other_process.claim(k, "/m", "other request", T, LONG_AGO).state is ClaimState.MISMATCH


def test_the_writer_stores_replies_on_its_own_soon(engine):
    import time

    ledger, other_process, k = SqlRequestLedger(engine, batch_every=0.01), SqlRequestLedger(engine), key()
    ledger.claim(k, "/m", "f", T, LONG_AGO)
    ledger.done(k, "f", b"reply", T)
    for _ in range(200):
        if other_process.claim(k, "/m", "f", T, LONG_AGO).state is ClaimState.DONE:
            break
        time.sleep(0.01)
    assert other_process.claim(k, "/m", "f", T, LONG_AGO).response == b"reply"
    ledger.close()


def test_a_failure_that_may_have_acted_is_kept_and_a_harmless_one_released(engine):
    ledger, kept, freed = SqlRequestLedger(engine), key(), key()
    ledger.claim(kept, "/m", "f", T, LONG_AGO)
    ledger.failed(kept, b"status", T)
    found = ledger.claim(kept, "/m", "f", T, LONG_AGO)
    assert (found.state, found.status) == (ClaimState.FAILED, b"status")
    ledger.claim(freed, "/m", "f", T, LONG_AGO)
    ledger.release(freed)
    assert ledger.claim(freed, "/m", "f", T, LONG_AGO).state is ClaimState.NEW


def test_a_claim_left_running_by_a_dead_process_is_taken_over_once(engine):
    ledger, k = SqlRequestLedger(engine), key()
    ledger.claim(k, "/m", "f", T, LONG_AGO)
    later = T + timedelta(minutes=11)
    assert ledger.claim(k, "/m", "f", later, later - timedelta(minutes=10)).state is ClaimState.NEW
    assert ledger.claim(k, "/m", "f", later, later - timedelta(minutes=10)).state is ClaimState.RUNNING


def test_old_keys_are_purged(engine):
    ledger, old, new = SqlRequestLedger(engine), key(), key()
    ledger.claim(old, "/m", "f", T - timedelta(days=8), LONG_AGO)
    ledger.claim(new, "/m", "f", T, LONG_AGO)
    assert ledger.purge(T - timedelta(days=7)) >= 1
    assert ledger.claim(old, "/m", "f", T, LONG_AGO).state is ClaimState.NEW
    assert ledger.claim(new, "/m", "f", T, LONG_AGO).state is ClaimState.RUNNING
