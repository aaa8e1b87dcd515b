"""The audit trail on the real database: batched appends, filters and pages, and a table that
refuses to be changed."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, exc, select, update

from adapters.db.audit_trail import SqlAuditTrail
from adapters.db.tables import audit_events as A
from ports.audit import AuditEvent, AuditFilter

T = datetime(2026, 12, 7, 9, 0, 0)


def event(code: str, at: datetime = T, **more) -> AuditEvent:
    values = dict(at=at, operator_code=code, operator_name="张三", operator_role="cashier",
                  method="/his.v1.OutpatientService/SettleVisit", permission="visit.settle",
                  peer="ipv4:10.1.2.3:51234", outcome="OK")
    return AuditEvent(**(values | more))


def code() -> str:
    return uuid.uuid4().hex[:12]  # the database is shared: each test its own operators


def test_events_are_stored_as_recorded_and_listed_newest_first(engine):
    trail, someone, other = SqlAuditTrail(engine), code(), code()
    trail.record(event(someone, visit_id="v1", mdtrt_id="M1", psn_no="P1", request_id="r-1"))
    trail.record(event(someone, T + timedelta(minutes=1), outcome="FAILED_PRECONDITION", message="已结算"))
    trail.record(event(other))
    assert trail.list(AuditFilter(operator_code=someone), limit=1).events[0].outcome == "FAILED_PRECONDITION"
    second, first = SqlAuditTrail(engine).list(AuditFilter(operator_code=someone)).events  # another process
    assert second.id > first.id
    assert first == event(someone, visit_id="v1", mdtrt_id="M1", psn_no="P1", request_id="r-1", id=first.id)
    assert (second.outcome, second.message, second.at) == ("FAILED_PRECONDITION", "已结算", T + timedelta(minutes=1))
    trail.close()


def test_the_writer_stores_events_on_its_own_soon(engine):
    import time

    trail, someone = SqlAuditTrail(engine, batch_every=0.01), code()
    trail.record(event(someone))
    for _ in range(200):
        with engine.connect() as conn:  # not through the store: list() would store them itself
            if conn.execute(select(A.c.id).where(A.c.operator_code == someone)).first():
                break
        time.sleep(0.01)
    assert [e.operator_code for e in SqlAuditTrail(engine).list(AuditFilter(operator_code=someone)).events] == [
        someone]
    trail.close()


def test_filters_by_visit_time_and_pages(engine):
    trail, someone = SqlAuditTrail(engine), code()
    visit, mdtrt_id = f"v-{someone}", f"M-{someone}"
    for minute in range(5):
        trail.record(event(someone, T + timedelta(minutes=minute), visit_id=visit if minute < 3 else "",
                           mdtrt_id=mdtrt_id if minute >= 2 else ""))
    trail.record(event(code(), visit_id=visit))  # another operator, same visit
    mine = AuditFilter(operator_code=someone)
    assert len(trail.list(AuditFilter(visit=visit)).events) == 4
    assert [e.at.minute for e in trail.list(AuditFilter(operator_code=someone, visit=mdtrt_id)).events] == [4, 3, 2]
    window = AuditFilter(operator_code=someone, since=T + timedelta(minutes=1), until=T + timedelta(minutes=3))
    assert [e.at.minute for e in trail.list(window).events] == [2, 1]
    first = trail.list(mine, limit=2)
    second = trail.list(mine, limit=2, before=first.next)
    last = trail.list(mine, limit=2, before=second.next)
    assert [e.at.minute for page in (first, second, last) for e in page.events] == [4, 3, 2, 1, 0]
    assert last.next is None and first.next == first.events[-1].id
    assert trail.list(AuditFilter(operator_code=code())).events == []


def test_a_value_longer_than_its_column_is_cut_not_lost(engine):
    trail, someone = SqlAuditTrail(engine), code()
    trail.record(event(someone, message="x" * 1000, peer="unix:" + "p" * 500, request_id="r" * 100))
    stored, = trail.list(AuditFilter(operator_code=someone)).events
    assert (len(stored.message), len(stored.peer), len(stored.request_id)) == (300, 200, 64)


def test_the_table_refuses_updates_and_deletes(engine):
    trail, someone = SqlAuditTrail(engine), code()
    trail.record(event(someone))
    trail.list()  # stored
    for statement in (update(A).where(A.c.operator_code == someone).values(outcome="OK?"),
                      delete(A).where(A.c.operator_code == someone), delete(A)):
        with engine.connect() as conn, pytest.raises(exc.DatabaseError, match="append-only"):
            conn.execute(statement)
    assert [e.outcome for e in trail.list(AuditFilter(operator_code=someone)).events] == ["OK"]


def test_events_the_database_did_not_take_are_kept_for_the_next_batch(engine, monkeypatch):
    trail, someone = SqlAuditTrail(engine), code()
    trail.record(event(someone, message="first"))

    class Down:
        def connection(self):
            raise exc.OperationalError("INSERT", {}, Exception("the database is away"))

    working = trail._connections  # noqa: SLF001 - swapped for a moment: the database goes away and returns
    monkeypatch.setattr(trail, "_connections", Down())
    with pytest.raises(exc.OperationalError):
        trail.flush()
    trail.record(event(someone, message="second"))
    monkeypatch.setattr(trail, "_connections", working)
    trail.close()  # stores what is left
    assert [e.message for e in SqlAuditTrail(engine).list(AuditFilter(operator_code=someone)).events] == [
        "second", "first"]


def test_a_refused_request_carrying_nul_is_audited_and_does_not_hold_up_the_others(engine):
    """PostgreSQL's text cannot hold NUL: the event keeps U+FFFD in its place, and the batch it came
    in (with the events after it) is stored, not retried for ever."""
    trail, someone = SqlAuditTrail(engine), code()
    trail.record(event(someone, outcome="INVALID_ARGUMENT", request_id="r\x00-1", visit_id="\x00"))
    trail.record(event(someone, T + timedelta(minutes=1)))
    listed = trail.list(AuditFilter(operator_code=someone)).events
    assert [(e.request_id, e.visit_id) for e in listed] == [("", ""), ("r\ufffd-1", "\ufffd")]
    trail.close()
