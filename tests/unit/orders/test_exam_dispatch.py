"""The RIS outbox's dispatcher (in order per request, backoff, nothing lost, nothing sent twice) and the
intake of results, against the fake RIS on a real MLLP socket and the in-memory unit of work."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from tests_fake_ris import FakeRis, control_ids, minimal_orm, oru_r01
from tests_shared_fakes import ManualClock, fake_uow_factory

from adapters.hl7.mllp import MllpClient, MllpServer
from domain.errors import IllegalTransition
from ports.exam_link import ExamMessage, MessageState
from services.orders.exam_dispatch import ExamDispatcher, ExamResultIntake
from services.orders.radiology_hl7 import parse_oru_r01

T0 = datetime(2026, 12, 7, 10, 0, 0)


class Kit:
    def __init__(self, port: int):
        self.uow = fake_uow_factory()
        self.clock = ManualClock()
        self.link = MllpClient("127.0.0.1", port, timeout=5)
        self.dispatcher = ExamDispatcher(self.uow, self.link, self.clock, timedelta(seconds=5), timedelta(seconds=60))

    def add(self, request_id: str, control_id: str, kind: str = "ORM_NEW") -> int:
        with self.uow() as uow:
            message = uow.exam_messages.add(ExamMessage.new(request_id, control_id, kind, minimal_orm(control_id),
                                                            self.clock.now()))
            uow.commit()
        return message.id

    def get(self, message_id: int) -> ExamMessage:
        with self.uow() as uow:
            return uow.exam_messages.get(message_id)


@pytest.fixture
def ris():
    with FakeRis() as running:
        yield running


@pytest.fixture
def kit(ris):
    made = Kit(ris.port)
    yield made
    made.link.close()


def test_messages_go_oldest_first_and_a_cancel_after_its_order(kit, ris):
    kit.add("R1", "C1")
    kit.add("R2", "C2")
    kit.add("R1", "C3", "ORM_CANCEL")
    assert kit.dispatcher.run_once() == 3
    order = control_ids(ris.orders)
    assert sorted(order) == ["C1", "C2", "C3"] and order.index("C1") < order.index("C3")
    assert kit.dispatcher.run_once() == 0  # sent ones are not sent again
    assert len(ris.orders) == 3


def test_a_refused_message_waits_with_backoff_and_holds_back_its_requests_later_ones(kit, ris):
    first = kit.add("R1", "C1")
    later = kit.add("R1", "C2", "ORM_CANCEL")
    other = kit.add("R2", "C3")
    ris.answer = "AE"
    assert kit.dispatcher.run_once() == 0
    failed = kit.get(first)
    assert (failed.state, failed.attempts, failed.next_attempt_at) == (MessageState.FAILED, 1, T0 + timedelta(seconds=5))
    assert "AE" in failed.last_error
    assert kit.get(later).attempts == 0  # never tried while C1 is not through

    ris.answer = "AA"
    assert kit.dispatcher.run_once() == 0  # nothing due before the backoff is over
    kit.clock.at += timedelta(seconds=5)
    assert kit.dispatcher.run_once() == 3
    assert control_ids(ris.orders) == ["C1", "C3", "C2"]  # C2 comes due once C1, ahead of it, is through
    sent = kit.get(first)
    assert (sent.state, sent.attempts, sent.sent_at) == (MessageState.SENT, 2, kit.clock.at)
    assert "MSA|AA|C1" in sent.ack
    assert kit.get(other).state is MessageState.SENT


def test_backoff_doubles_up_to_its_cap(kit):
    d = kit.dispatcher
    assert [d.delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 50)] == [5, 10, 20, 40, 60, 60]


def test_the_ris_down_then_up_loses_nothing():
    with FakeRis() as probe:
        port = probe.port  # a port that is free once the probe stops
    kit = Kit(port)
    message_id = kit.add("R1", "C1")
    assert kit.dispatcher.run_once() == 0
    assert "connect" in kit.get(message_id).last_error
    kit.clock.at += timedelta(minutes=1)
    with FakeRis(port=port) as ris:
        assert kit.dispatcher.run_once() == 1
        assert control_ids(ris.orders) == ["C1"]
    kit.link.close()


def test_a_message_claimed_by_another_dispatcher_is_left_to_it(kit, ris):
    message_id = kit.add("R1", "C1")
    with kit.uow() as uow:
        assert uow.exam_messages.claim(message_id, 0, T0 + timedelta(minutes=2))
        uow.commit()
    with kit.uow() as uow:
        assert not uow.exam_messages.claim(message_id, 0, T0 + timedelta(minutes=2))  # the attempt moved on
    assert kit.dispatcher.run_once() == 0 and ris.orders == []
    kit.clock.at += timedelta(minutes=2)  # its claim lapsed (the other one died): sent after all
    assert kit.dispatcher.run_once() == 1 and control_ids(ris.orders) == ["C1"]


def test_the_background_dispatcher_sends_when_woken(kit, ris):
    kit.dispatcher.interval = timedelta(seconds=30)
    kit.dispatcher.start()
    try:
        kit.add("R1", "C1")
        kit.dispatcher.wake()
        assert control_ids(ris.wait_for(1)) == ["C1"]
    finally:
        kit.dispatcher.stop()


# ---- results ---------------------------------------------------------------------------------------
class Applied:
    def __init__(self, fail_with: Exception | None = None):
        self.results, self.fail_with = [], fail_with

    def __call__(self, result) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.results.append(result)


def intake(apply) -> ExamResultIntake:
    return ExamResultIntake(parse_oru_r01, apply, fake_uow_factory(), ManualClock())


def msa(ack_text: str) -> list[str]:
    return ack_text.split("\r")[1].split("|")[1:]  # MSA-1, MSA-2, MSA-3


def test_a_result_is_applied_once_and_a_repeat_acked_without_applying():
    applied = Applied()
    handle = intake(applied)
    text = oru_r01("EX1", [(1, "未见异常"), (2, "肺纹理增多")], control_id="U1")
    assert msa(handle(text))[:2] == ["AA", "U1"]
    assert [(r.request_id, r.part_no, r.report_text) for r in applied.results] == [
        ("EX1", 1, "未见异常"), ("EX1", 2, "肺纹理增多")]
    assert msa(handle(text))[:2] == ["AA", "U1"]
    assert len(applied.results) == 2


def test_a_result_that_cannot_be_applied_is_answered_ae_and_applied_when_sent_again():
    applied = Applied(IllegalTransition("part 1 of EX1 is CANCELLED"))
    handle = intake(applied)
    text = oru_r01("EX1", [(1, "未见异常")], control_id="U2")
    answer = msa(handle(text))
    assert answer[:2] == ["AE", "U2"] and "CANCELLED" in answer[2]
    applied.fail_with = None
    assert msa(handle(text))[:2] == ["AA", "U2"]
    assert len(applied.results) == 1


def test_a_bad_result_is_answered_ae_naming_the_field():
    applied = Applied()
    answer = msa(intake(applied)(oru_r01("EX1", [(1, "x")], control_id="U3", status="Z")))
    assert answer[:2] == ["AE", "U3"] and "OBR[1].25" in answer[2]
    assert applied.results == []


def test_results_over_a_real_mllp_listener():
    applied = Applied()
    with MllpServer("127.0.0.1", 0, intake(applied)) as listener:
        text = oru_r01("EX9", [(3, "肝脏形态正常\n胆囊未见结石")], control_id="U4")
        assert msa(FakeRis.send_result("127.0.0.1", listener.port, text))[:2] == ["AA", "U4"]
        assert msa(FakeRis.send_result("127.0.0.1", listener.port, "\x00garbage"))[0] == "AE"
    assert [(r.part_no, r.report_text) for r in applied.results] == [(3, "肝脏形态正常\n胆囊未见结石")]


def test_two_deliveries_at_once_apply_once():
    applied = Applied()
    handle = intake(applied)
    text = oru_r01("EX1", [(1, "同时")], control_id="U5")
    threads = [threading.Thread(target=handle, args=(text,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(applied.results) == 1
