"""The queues on the test database (SQLite, or PostgreSQL with HIS_TEST_DATABASE_URL): entries and
events in the caller's transaction, gap-free seq, two doctors calling at once, WatchQueue resume."""
from __future__ import annotations

import threading
import uuid

import pytest

from domain.errors import IllegalTransition, NotFound
from domain.queues import EventKind, PriorityFlags, QueueState
from services.queues import ResumeToken


def _events(kit, after=0):
    return kit.events.after(kit.key().day, kit.clinic, after, 1000)


def test_enqueue_writes_the_entry_and_its_event_in_the_callers_commit(kit):
    with kit.uow() as uow:
        entry = kit.queues.enqueue(uow, kit.key("D1"), encounter_id="E1", patient_id="P1", patient_label="王*",
                                   flags=PriorityFlags())
        assert kit.queues.entry(uow, entry.id).state is QueueState.WAITING  # visible inside the transaction
        # not committed: rolled back with the caller's work
    assert _events(kit) == []
    with kit.uow() as uow:
        with pytest.raises(NotFound):
            kit.queues.entry(uow, entry.id)
    kept = kit.enqueue("王*", doctor="D1")
    events = _events(kit)
    assert [(e.seq, e.kind, e.entry_id, e.patient_label) for e in events] == [(1, EventKind.ENQUEUED, kept.id, "王*")]
    assert kept.number == 1


def test_priority_rules_order_the_queue_then_the_number(kit):
    plain = kit.enqueue("甲*")
    results = kit.enqueue("乙*", returning_with_results=True)
    elderly = kit.enqueue("丙*", age=85)
    emergency = kit.enqueue("丁*", emergency=True)
    younger = kit.enqueue("戊*", age=79)
    called = [kit.service.call_next(kit.clinic, "D1", kit.key().day).id for _ in range(5)]
    assert called == [emergency.id, elderly.id, results.id, plain.id, younger.id]
    with pytest.raises(NotFound):
        kit.service.call_next(kit.clinic, "D1", kit.key().day)


def test_a_doctor_calls_from_their_own_queue_and_the_shared_one_only(kit):
    other = kit.enqueue("甲*", doctor="D2")
    shared = kit.enqueue("乙*")
    mine = kit.enqueue("丙*", doctor="D1")
    first = kit.service.call_next(kit.clinic, "D1", kit.key().day)
    second = kit.service.call_next(kit.clinic, "D1", kit.key().day)
    assert [first.id, second.id] == [shared.id, mine.id]
    assert first.called_by == "D1"
    with pytest.raises(NotFound):
        kit.service.call_next(kit.clinic, "D1", kit.key().day)
    assert kit.service.call_next(kit.clinic, "D2", kit.key().day).id == other.id


def test_the_whole_consultation_and_its_events(kit):
    entry = kit.enqueue()
    s = kit.service
    s.call_next(kit.clinic, "D1", kit.key().day)
    assert s.recall(entry.id).recalls == 1
    assert s.start(entry.id).state is QueueState.IN_CONSULTATION
    with pytest.raises(IllegalTransition, match="IN_CONSULTATION"):
        s.skip(entry.id)
    assert s.finish(entry.id).state is QueueState.FINISHED
    assert [(e.seq, e.kind, e.state) for e in _events(kit)] == [
        (1, EventKind.ENQUEUED, QueueState.WAITING), (2, EventKind.CALLED, QueueState.CALLED),
        (3, EventKind.RECALLED, QueueState.CALLED), (4, EventKind.STARTED, QueueState.IN_CONSULTATION),
        (5, EventKind.FINISHED, QueueState.FINISHED)]
    assert s.get_queue(kit.clinic, "", kit.key().day).entries == []  # closed entries leave the screen


def test_skip_places_the_patient_behind_the_next_ones_and_no_show_after_the_second(kit):
    a, b, c, d, e = (kit.enqueue(f"{n}*") for n in "甲乙丙丁戊")
    s, day = kit.service, kit.key().day
    assert s.call_next(kit.clinic, "D1", day).id == a.id
    assert s.skip(a.id).state is QueueState.WAITING
    order = [x.id for x in s.get_queue(kit.clinic, "D1", day).entries]
    assert order == [b.id, c.id, d.id, a.id, e.id]  # behind the next 3 (settings queues.skip_places)
    for expected in (b, c, d, a):
        assert s.call_next(kit.clinic, "D1", day).id == expected.id
    skipped = s.skip(a.id)
    assert skipped.state is QueueState.NO_SHOW and skipped.skips == 2
    assert _events(kit)[-1].kind is EventKind.NO_SHOW


def test_transfer_close_reopen_and_withdraw_for_the_encounters_context(kit):
    entry = kit.enqueue()
    with kit.uow() as uow:
        closed = kit.queues.close_transferred(uow, entry.id)
        uow.commit()
    assert closed.state is QueueState.TRANSFERRED
    with kit.uow() as uow:
        assert kit.queues.reopen(uow, entry.id).state is QueueState.WAITING
        uow.commit()
    kit.service.call_next(kit.clinic, "D1", kit.key().day)
    kit.service.start(entry.id)
    with kit.uow() as uow:
        with pytest.raises(IllegalTransition, match="IN_CONSULTATION"):
            kit.queues.withdraw(uow, entry.id)
    other = kit.enqueue()
    with kit.uow() as uow:
        assert kit.queues.withdraw(uow, other.id).state is QueueState.WITHDRAWN
        uow.commit()
    kinds = [e.kind for e in _events(kit)]
    assert kinds == [EventKind.ENQUEUED, EventKind.TRANSFERRED, EventKind.REOPENED, EventKind.CALLED,
                     EventKind.STARTED, EventKind.ENQUEUED, EventKind.WITHDRAWN]


def test_two_doctors_calling_next_at_once_get_different_patients(kit):
    patients = [kit.enqueue(f"{n}*") for n in range(12)]
    got: list[str] = []
    failed: list[BaseException] = []
    start = threading.Barrier(6)

    def doctor(code: str) -> None:
        start.wait()
        for _ in range(2):
            try:
                got.append(kit.service.call_next(kit.clinic, code, kit.key().day).id)
            except BaseException as exc:  # noqa: BLE001 - reported below
                failed.append(exc)
    threads = [threading.Thread(target=doctor, args=(f"D{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []
    assert sorted(got) == sorted(p.id for p in patients)  # each called once, none twice
    seqs = [e.seq for e in _events(kit)]
    assert seqs == list(range(1, 25))  # 12 enqueued + 12 called, no gap, no repeat


def test_concurrent_changes_commit_their_events_in_seq_order(kit):
    """Enqueues from many threads: every reader sees a gap-free prefix, never seq n+1 without n."""
    done = threading.Event()
    seen_gaps: list[list[int]] = []

    def reader():
        while not done.is_set():
            seqs = [e.seq for e in _events(kit)]
            if seqs != list(range(1, len(seqs) + 1)):
                seen_gaps.append(seqs)
    r = threading.Thread(target=reader)
    r.start()
    workers = [threading.Thread(target=lambda: [kit.enqueue() for _ in range(5)]) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    r.join()
    assert seen_gaps == []
    assert [e.seq for e in _events(kit)] == list(range(1, 21))


def _take(stream, n):
    return [next(stream) for _ in range(n)]


def test_watch_gives_a_snapshot_then_live_events_and_resumes_without_loss_or_double(kit):
    day = kit.key().day
    first = kit.enqueue("甲*", doctor="D1")
    kit.enqueue("乙*", doctor="D2")  # another doctor's: not in D1's view
    watch = kit.service.watch(kit.clinic, "D1", day)
    stream = iter(watch)
    snap = next(stream)
    assert [e.id for e in snap.snapshot.entries] == [first.id] and snap.snapshot.seq == 2
    second = kit.enqueue("丙*")
    kit.enqueue("丁*", doctor="D2")
    kit.service.call_next(kit.clinic, "D1", day)
    got = _take(stream, 2)
    assert [(d.event.kind, d.event.entry_id) for d in got] == [(EventKind.ENQUEUED, second.id),
                                                               (EventKind.CALLED, first.id)]
    token = got[0].token  # the client saw the first, lost the second with the connection
    watch.cancel()
    assert list(stream) == []  # the stream ends
    kit.service.start(first.id)
    resumed = iter(kit.service.watch("", "", None, resume_token=token))
    again = _take(resumed, 2)
    assert [(d.event.seq, d.event.kind) for d in again] == [(5, EventKind.CALLED), (6, EventKind.STARTED)]
    assert ResumeToken.decode(again[-1].token).seq == 6


def test_a_stream_far_behind_the_ring_reads_the_table(kit):
    day = kit.key().day
    watch = kit.service.watch(kit.clinic, "", day)
    stream = iter(watch)
    assert next(stream).snapshot.seq == 0
    for n in range(30):  # the kit's ring keeps 8 events
        kit.enqueue(f"{n}*")
    seqs = [d.event.seq for d in _take(stream, 30)]
    assert seqs == list(range(1, 31))
    watch.cancel()


def test_closing_the_hub_ends_every_stream(kit):
    streams = [iter(kit.service.watch(kit.clinic, f"D{n}", kit.key().day)) for n in range(3)]
    for s in streams:
        next(s)
    ended = []

    def drain(s):
        ended.append(list(s))
    threads = [threading.Thread(target=drain, args=(s,)) for s in streams]
    for t in threads:
        t.start()
    kit.hub.close()
    for t in threads:
        t.join(timeout=10)
    assert ended == [[], [], []]


def test_a_resume_token_for_another_queue_or_from_the_future_is_refused(kit):
    from domain.errors import ValidationFailed
    kit.enqueue()
    token = ResumeToken(kit.key().day, kit.clinic, "D1", 1).encode()
    with pytest.raises(ValidationFailed, match="another queue"):
        kit.service.watch(kit.clinic, "D2", None, resume_token=token)
    ahead = ResumeToken(kit.key().day, kit.clinic, "D1", 99).encode()
    with pytest.raises(ValidationFailed, match="ahead"):
        next(iter(kit.service.watch("", "", None, resume_token=ahead)))
    with pytest.raises(ValidationFailed, match="resume_token"):
        kit.service.watch(kit.clinic, "D1", None, resume_token="garbage!" + uuid.uuid4().hex)


def test_a_transfer_between_two_clinics_in_one_transaction(kit):
    """What the encounters context does: close here, enqueue there, one commit; both clinics' events."""
    from domain.queues import QueueKey
    entry = kit.enqueue()
    other = "T" + uuid.uuid4().hex[:12]
    day = kit.key().day
    with kit.uow() as uow:
        kit.queues.lock_clinics(uow, day, other, kit.clinic)
        kit.queues.close_transferred(uow, entry.id)
        moved = kit.queues.enqueue(uow, QueueKey(day, other, "D7"), encounter_id=entry.encounter_id,
                                   patient_id=entry.patient_id, patient_label=entry.patient_label,
                                   flags=entry.flags)
        uow.commit()
    assert [e.kind for e in _events(kit)] == [EventKind.ENQUEUED, EventKind.TRANSFERRED]
    there = kit.events.after(day, other, 0, 10)
    assert [(e.seq, e.kind, e.entry_id) for e in there] == [(1, EventKind.ENQUEUED, moved.id)]
