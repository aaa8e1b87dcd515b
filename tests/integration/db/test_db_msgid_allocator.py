from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from adapters.db.journal_store import SqlMsgIdAllocator
from adapters.db.tables import msgid_counters
from db_builders import new_id


@pytest.fixture
def allocator(engine):
    return SqlMsgIdAllocator(engine)


def test_sequence_starts_at_one_per_prefix(allocator):
    prefix, other = new_id("H"), new_id("H")
    assert [allocator.next_seq(prefix) for _ in range(3)] == [1, 2, 3]
    assert allocator.next_seq(other) == 1


def test_concurrent_threads_get_distinct_consecutive_numbers(allocator):
    prefix = new_id("H")
    start = threading.Barrier(4, timeout=10)
    got: list[list[int]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def allocate(mine: list[int]) -> None:
        try:
            start.wait()
            for _ in range(50):
                mine.append(allocator.next_seq(prefix))
        except BaseException as err:  # surfaced by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=allocate, args=(mine,)) for mine in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(n for mine in got for n in mine) == list(range(1, 201))


def _seed(engine, prefix: str, last_seq: int, created_at: datetime | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(insert(msgid_counters).values(prefix=prefix, last_seq=last_seq,
                                                   created_at=created_at or datetime.now()))


def test_past_9999_is_an_overflow(allocator, engine):
    prefix = new_id("H")
    _seed(engine, prefix, 9998)
    assert allocator.next_seq(prefix) == 9999
    with pytest.raises(OverflowError):
        allocator.next_seq(prefix)


def test_counters_older_than_a_day_are_purged(allocator, engine):
    stale, fresh = new_id("H"), new_id("H")
    _seed(engine, stale, 7, datetime.now() - timedelta(days=2))
    _seed(engine, fresh, 7)
    assert allocator.next_seq(new_id("H")) == 1
    with engine.connect() as conn:
        left = set(conn.execute(select(msgid_counters.c.prefix)
                                .where(msgid_counters.c.prefix.in_([stale, fresh]))).scalars())
    assert left == {fresh}


def test_two_processes_on_one_database_never_share_a_number(engine):
    """Each allocator stands for a server process: blocks reserved in the database keep them apart."""
    prefix = new_id("H")
    first, second = SqlMsgIdAllocator(engine, block=4), SqlMsgIdAllocator(engine, block=4)
    drawn = [a.next_seq(prefix) for _ in range(10) for a in (first, second)]
    assert len(set(drawn)) == len(drawn) == 20
    assert min(drawn) == 1
