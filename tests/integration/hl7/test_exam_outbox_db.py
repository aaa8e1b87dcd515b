"""The RIS outbox on the test database (SQLite, or PostgreSQL with HIS_TEST_DATABASE_URL): journaled in
the caller's commit, due in order per request, claimed once, and the dispatcher over it with a RIS that
is down and then up."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from tests_fake_ris import FakeRis, control_ids, minimal_orm
from tests_shared_fakes import ManualClock

from adapters.hl7.mllp import MllpClient
from domain.errors import ConcurrencyConflict
from ports.exam_link import ExamMessage, MessageState
from services.orders.exam_dispatch import ExamDispatcher

T0 = datetime(2026, 12, 7, 10, 0, 0)


def cid() -> str:
    return uuid.uuid4().hex[:20]


def add(uow, request_id: str, control_id: str, at: datetime = T0, kind: str = "ORM_NEW") -> ExamMessage:
    return uow.exam_messages.add(ExamMessage.new(request_id, control_id, kind, minimal_orm(control_id), at))


def mine(messages, request_ids) -> list[ExamMessage]:
    return [m for m in messages if m.request_id in request_ids]  # the database is shared by the run


def test_a_message_is_kept_only_when_its_unit_of_work_commits(sql_uow):
    request = uuid.uuid4().hex
    with sql_uow as uow:
        add(uow, request, cid())  # not committed
    with sql_uow as uow:
        assert uow.exam_messages.for_request(request) == []
        kept = add(uow, request, cid())
        uow.commit()
    with sql_uow as uow:
        [found] = uow.exam_messages.for_request(request)
    assert found == kept and found.id is not None
    assert (found.state, found.attempts, found.payload) == (MessageState.PENDING, 0, kept.payload)
    assert "欧阳娜娜" in found.payload


def test_a_control_id_is_used_once(sql_uow):
    control_id = cid()
    with sql_uow as uow:
        add(uow, uuid.uuid4().hex, control_id)
        uow.commit()
    with pytest.raises(ConcurrencyConflict):
        with sql_uow as uow:
            add(uow, uuid.uuid4().hex, control_id)
            uow.commit()


def test_due_gives_the_oldest_unsent_of_each_request_when_its_time_has_come(sql_uow):
    r1, r2, r3 = (uuid.uuid4().hex for _ in range(3))
    with sql_uow as uow:
        a = add(uow, r1, cid())
        b = add(uow, r1, cid(), kind="ORM_CANCEL")
        c = add(uow, r2, cid())
        add(uow, r3, cid(), at=T0 + timedelta(hours=1))  # not yet due
        uow.commit()
    with sql_uow as uow:
        assert [m.id for m in mine(uow.exam_messages.due(T0, 1000), {r1, r2, r3})] == [a.id, c.id]
        assert uow.exam_messages.claim(a.id, 0, T0 + timedelta(minutes=2))
        uow.exam_messages.mark_sent(a.id, T0, "MSA|AA")
        uow.commit()
    with sql_uow as uow:
        assert [m.id for m in mine(uow.exam_messages.due(T0, 1000), {r1, r2, r3})] == [b.id, c.id]
        uow.exam_messages.mark_failed(b.id, T0 + timedelta(seconds=5), "down")
        uow.commit()
    with sql_uow as uow:
        assert [m.id for m in mine(uow.exam_messages.due(T0, 1000), {r1})] == []
        assert [m.id for m in mine(uow.exam_messages.due(T0 + timedelta(seconds=5), 1000), {r1})] == [b.id]
        sent = uow.exam_messages.get(a.id)
        failed = uow.exam_messages.get(b.id)
    assert (sent.state, sent.attempts, sent.sent_at, sent.ack) == (MessageState.SENT, 1, T0, "MSA|AA")
    assert (failed.state, failed.last_error) == (MessageState.FAILED, "down")


def test_a_claim_is_taken_once_and_never_on_a_sent_message(sql_uow):
    with sql_uow as uow:
        m = add(uow, uuid.uuid4().hex, cid())
        uow.commit()
    with sql_uow as uow:
        assert uow.exam_messages.claim(m.id, 0, T0)
        uow.commit()
    with sql_uow as uow:
        assert not uow.exam_messages.claim(m.id, 0, T0)
        uow.exam_messages.mark_sent(m.id, T0, "ack")
        uow.exam_messages.mark_failed(m.id, T0, "late failure")  # a SENT message stays SENT
        uow.commit()
    with sql_uow as uow:
        assert not uow.exam_messages.claim(m.id, 1, T0)
        assert uow.exam_messages.get(m.id).state is MessageState.SENT


def test_results_received_are_remembered_once(sql_uow):
    control_id = cid()
    with sql_uow as uow:
        assert not uow.exam_messages.result_seen(control_id)
        uow.exam_messages.record_result(control_id, ["EX1", "EX2"], T0)
        uow.commit()
    with sql_uow as uow:
        assert uow.exam_messages.result_seen(control_id)
    with pytest.raises(ConcurrencyConflict):
        with sql_uow as uow:
            uow.exam_messages.record_result(control_id, ["EX1"], T0)
            uow.commit()


def test_the_dispatcher_over_the_database_sends_after_the_ris_comes_back(sql_uow):
    with FakeRis() as probe:
        port = probe.port
    clock = ManualClock(datetime(2000, 1, 1))  # before any other test's messages: only ours come due
    uow_factory = lambda: sql_uow  # noqa: E731 - one instance serves every `with`
    link = MllpClient("127.0.0.1", port, timeout=5)
    dispatcher = ExamDispatcher(uow_factory, link, clock, timedelta(seconds=5), timedelta(seconds=60))
    request = uuid.uuid4().hex
    first, second = cid(), cid()
    with sql_uow as uow:
        add(uow, request, first, at=clock.at)
        add(uow, request, second, at=clock.at, kind="ORM_CANCEL")
        uow.commit()
    assert dispatcher.run_once() == 0  # the RIS is down
    with sql_uow as uow:
        head, tail = uow.exam_messages.for_request(request)
    assert (head.state, head.attempts, tail.attempts) == (MessageState.FAILED, 1, 0)
    clock.at += timedelta(seconds=5)
    with FakeRis(port=port) as ris:
        assert dispatcher.run_once() == 2
        assert dispatcher.run_once() == 0
        assert control_ids(ris.orders) == [first, second]
    link.close()
    with sql_uow as uow:
        assert {m.state for m in uow.exam_messages.for_request(request)} == {MessageState.SENT}
