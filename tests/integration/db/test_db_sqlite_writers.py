"""SQLite writers of one process take turns on a lock instead of sleeping in SQLite's busy handler."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from adapters.db.engine import make_engine


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
        conn.commit()
    yield engine
    engine.dispose()


def test_every_way_a_write_ends_gives_the_turn_back(sqlite_engine):
    for end in ("commit", "rollback", "close"):
        conn = sqlite_engine.connect()
        conn.execute(text("INSERT INTO t VALUES (1) RETURNING n")).scalar_one()
        getattr(conn, end)()
        took = []

        def other_thread():  # would wait the whole busy timeout if the turn were kept
            started = time.monotonic()
            with sqlite_engine.connect() as other:
                other.execute(text("INSERT INTO t VALUES (2)"))
                other.commit()
            took.append(time.monotonic() - started)

        th = threading.Thread(target=other_thread, daemon=True)
        th.start()
        th.join(timeout=3)
        assert took and took[0] < 1, end
        conn.close()


def test_many_threads_write_without_sleeping_on_the_lock(sqlite_engine):
    def writer():
        for _ in range(50):
            with sqlite_engine.connect() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))
                conn.commit()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    started = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM t")).scalar_one() == 200
    assert time.monotonic() - started < 10


def test_one_thread_writing_on_two_connections_does_not_wait_for_itself(sqlite_engine):
    first = sqlite_engine.connect()
    first.execute(text("INSERT INTO t VALUES (1)"))
    first.commit()  # done: a second connection of this thread writes at once
    with sqlite_engine.connect() as second:
        second.execute(text("INSERT INTO t VALUES (2)"))
        second.commit()
    first.close()
