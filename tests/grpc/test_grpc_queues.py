"""QueueService over a real server socket, wired as `his serve` wires it, on the test database:
WatchQueue's snapshot and live events, cancel and resume with the token (nothing missed, nothing
twice), two doctors calling next at once, the moves, permissions and bad input, and the streams
ending when the server shuts down."""
from __future__ import annotations

import queue
import threading
import time
import uuid

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.platform import SimulatorPlatform
from domain.queues import PriorityFlags, QueueKey
from ports.audit import AuditFilter
from his.v1 import queues_pb2 as pb
from his.v1 import queues_pb2_grpc
from services.bootstrap import bootstrap
from services.settings import OperatorToken, Settings

ROLES = ("doctor", "nurse", "viewer", "cashier")
WAIT = 30  # seconds a reader waits for a message before the test fails (a bound, not a measurement)


def meta(role: str = "doctor"):
    return (("authorization", f"Bearer tok-{role}"),)


class Station:
    def __init__(self, app, stub, clinic):
        self.app, self.stub, self.clinic = app, stub, clinic

    def enqueue(self, label: str, doctor: str = "", **flags):
        with self.app.container.uow() as uow:
            entry = self.app.clinic_queues.enqueue(uow, QueueKey(self.app.queues.today(), self.clinic, doctor),
                                                   encounter_id=uuid.uuid4().hex, patient_id=uuid.uuid4().hex,
                                                   patient_label=label, flags=PriorityFlags(**flags))
            uow.commit()
        return entry

    def watch(self, role: str = "doctor", **request):
        """The stream and a queue its messages arrive on, read by a thread of its own."""
        call = self.stub.WatchQueue(pb.WatchQueueRequest(**request), metadata=meta(role))
        got: queue.Queue = queue.Queue()

        def read():
            try:
                for message in call:
                    got.put(message)
                got.put("ended")
            except grpc.RpcError as err:
                got.put(err)
        threading.Thread(target=read, daemon=True).start()
        return call, got


@pytest.fixture
def station(database_url):
    operators = [OperatorToken(token=f"tok-{role}", code=f"D{i}", name=f"{role} 甲", role=role)
                 for i, role in enumerate(ROLES)]
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=SimulatorPlatform())
    server, port = app.server(address="127.0.0.1:0", max_workers=16)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield Station(app, queues_pb2_grpc.QueueServiceStub(channel), "C" + uuid.uuid4().hex[:10])
    channel.close()
    server.stop(None)
    app.close()


def take(got: queue.Queue, n: int) -> list:
    out = []
    for _ in range(n):
        message = got.get(timeout=WAIT)
        assert isinstance(message, pb.WatchQueueResponse), message
        out.append(message)
    return out


def test_watch_streams_a_snapshot_then_live_events_and_resumes_exactly_after_the_token(station):
    s = station
    first = s.enqueue("张*", doctor="D1")
    call, got = s.watch(clinic_code=s.clinic, doctor_code="D1")
    (snap,) = take(got, 1)
    assert snap.WhichOneof("change") == "snapshot"
    assert [(e.id, e.patient_label, e.state) for e in snap.snapshot.entries] == [
        (first.id, "张*", pb.QUEUE_STATE_WAITING)]
    second = s.enqueue("李*")  # the clinic's shared queue: in D1's view
    s.enqueue("王*", doctor="D2")  # not in D1's view
    called = s.stub.CallNext(pb.CallNextRequest(clinic_code=s.clinic, doctor_code="D1"), metadata=meta()).entry
    assert called.id == first.id and called.called_by == "D1"
    live = take(got, 2)
    assert [(m.event.kind, m.event.entry_id, m.event.seq) for m in live] == [
        ("ENQUEUED", second.id, 2), ("CALLED", first.id, 4)]
    assert live[1].event.state == pb.QUEUE_STATE_CALLED and live[1].event.patient_label == "张*"
    call.cancel()
    assert isinstance(got.get(timeout=WAIT), grpc.RpcError)  # the client's own cancel
    # while disconnected
    s.stub.StartConsultation(pb.QueueEntryRequest(entry_id=first.id), metadata=meta())
    s.enqueue("赵*", doctor="D1")
    # resume after the first live event: the second again (the client may have lost it), then the new ones
    _call, again = s.watch(resume_token=live[0].resume_token)
    resumed = take(again, 3)
    assert [(m.WhichOneof("change"), m.event.seq, m.event.kind) for m in resumed] == [
        ("event", 4, "CALLED"), ("event", 5, "STARTED"), ("event", 6, "ENQUEUED")]
    assert again.empty()
    # resume after the last: nothing is delivered twice; the next change arrives
    _call, tail = s.watch(resume_token=resumed[-1].resume_token)
    s.stub.FinishConsultation(pb.QueueEntryRequest(entry_id=first.id), metadata=meta())
    (last,) = take(tail, 1)
    assert (last.event.seq, last.event.kind) == (7, "FINISHED")


def test_two_doctors_calling_next_at_once_get_different_patients(station):
    s = station
    waiting = {s.enqueue(f"{n}*").id for n in range(8)}
    barrier = threading.Barrier(4)
    got: list[str] = []

    def doctor(code: str):
        barrier.wait()
        for _ in range(2):
            got.append(s.stub.CallNext(pb.CallNextRequest(clinic_code=s.clinic, doctor_code=code),
                                       metadata=meta()).entry.id)
    threads = [threading.Thread(target=doctor, args=(f"D{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(waiting)
    with pytest.raises(grpc.RpcError) as empty:
        s.stub.CallNext(pb.CallNextRequest(clinic_code=s.clinic, doctor_code="D9"), metadata=meta())
    assert empty.value.code() is grpc.StatusCode.NOT_FOUND


def test_moves_replays_and_refusals(station):
    s = station
    e = s.enqueue("孙*", age=85)
    request = pb.CallNextRequest(clinic_code=s.clinic, doctor_code="D1", request_id="r-" + uuid.uuid4().hex)
    first = s.stub.CallNext(request, metadata=meta())
    assert s.stub.CallNext(request, metadata=meta()) == first  # the same request_id acts once
    assert first.entry.elderly and first.entry.priority_rank == 1
    assert s.stub.Recall(pb.QueueEntryRequest(entry_id=e.id), metadata=meta()).entry.recalls == 1
    with pytest.raises(grpc.RpcError) as illegal:
        s.stub.FinishConsultation(pb.QueueEntryRequest(entry_id=e.id), metadata=meta("nurse"))
    assert illegal.value.code() is grpc.StatusCode.FAILED_PRECONDITION and "CALLED" in illegal.value.details()
    skipped = s.stub.Skip(pb.QueueEntryRequest(entry_id=e.id), metadata=meta()).entry
    assert (skipped.state, skipped.skips) == (pb.QUEUE_STATE_WAITING, 1)
    s.stub.CallNext(pb.CallNextRequest(clinic_code=s.clinic, doctor_code="D1"), metadata=meta())
    assert s.stub.MarkNoShow(pb.QueueEntryRequest(entry_id=e.id), metadata=meta()).entry.state == \
        pb.QUEUE_STATE_NO_SHOW
    queue_now = s.stub.GetQueue(pb.GetQueueRequest(clinic_code=s.clinic), metadata=meta("viewer"))
    assert list(queue_now.entries) == [] and queue_now.seq == 6
    with pytest.raises(grpc.RpcError) as unknown:
        s.stub.StartConsultation(pb.QueueEntryRequest(entry_id="nope"), metadata=meta())
    assert unknown.value.code() is grpc.StatusCode.NOT_FOUND


def _bad_fields(err: grpc.RpcError) -> list[str]:
    assert err.code() is grpc.StatusCode.INVALID_ARGUMENT, err.details()
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(err).details[0].Unpack(bad)
    return [v.field for v in bad.field_violations]


def test_bad_input_is_refused_naming_the_field_also_on_the_stream(station):
    s = station
    with pytest.raises(grpc.RpcError) as no_clinic:
        s.stub.CallNext(pb.CallNextRequest(doctor_code="D1"), metadata=meta())
    assert _bad_fields(no_clinic.value) == ["clinic_code"]
    with pytest.raises(grpc.RpcError) as bad_day:
        s.stub.GetQueue(pb.GetQueueRequest(clinic_code=s.clinic, day="07/12/2026"), metadata=meta())
    assert _bad_fields(bad_day.value) == ["day"]
    _call, got = s.watch(clinic_code=s.clinic, resume_token="not-a-token")
    err = got.get(timeout=WAIT)
    assert isinstance(err, grpc.RpcError) and _bad_fields(err) == ["resume_token"]
    _call, got = s.watch(doctor_code="D1")
    err = got.get(timeout=WAIT)
    assert isinstance(err, grpc.RpcError) and _bad_fields(err) == ["clinic_code"]
    _call, got = s.watch(clinic_code="C\x07")  # the request guard holds streaming requests too
    err = got.get(timeout=WAIT)
    assert isinstance(err, grpc.RpcError) and _bad_fields(err) == ["clinic_code"]


def test_the_operator_is_bound_at_each_step_of_a_stream_and_only_then():
    from domain.operator import Operator
    from services.grpc import auth

    def behavior(_request, _context):
        for _ in range(2):
            yield auth.current_operator().code
    op = Operator(code="N1", name="护士", type="1", role="nurse")
    wrapped = auth._with_operator(grpc.unary_stream_rpc_method_handler(behavior), op)
    steps = wrapped.unary_stream(None, None)
    assert next(steps) == "N1"
    with pytest.raises(Exception, match="no authenticated operator"):
        auth.current_operator()  # between steps the worker carries nobody's identity
    assert list(steps) == ["N1"]


def test_permissions_hold_for_the_stream_and_the_moves(station):
    s = station
    _call, got = s.watch("cashier", clinic_code=s.clinic)
    err = got.get(timeout=WAIT)
    assert isinstance(err, grpc.RpcError) and err.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "queue.read" in err.details()
    call, got = s.watch("viewer", clinic_code=s.clinic)  # a queue screen
    assert take(got, 1)[0].WhichOneof("change") == "snapshot"
    call.cancel()
    assert isinstance(got.get(timeout=WAIT), grpc.RpcError)
    with pytest.raises(grpc.RpcError) as denied:
        s.stub.CallNext(pb.CallNextRequest(clinic_code=s.clinic), metadata=meta("viewer"))
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as anonymous:
        list(s.stub.WatchQueue(pb.WatchQueueRequest(clinic_code=s.clinic)))
    assert anonymous.value.code() is grpc.StatusCode.UNAUTHENTICATED
    # the trail has each stream once: refused when it was, and when it ended otherwise
    trail = s.app.audit_trail
    for _ in range(100):  # the cancelled stream's end is recorded by the server's worker, shortly after
        trail.flush()
        watched = [(e.operator_role, e.outcome) for e in trail.list(AuditFilter(), limit=50).events
                   if e.method.endswith("/WatchQueue") and e.operator_role in ("cashier", "viewer")]
        if len(watched) == 2:
            break
        time.sleep(0.05)
    assert sorted(watched) == [("cashier", "PERMISSION_DENIED"), ("viewer", "CANCELLED")]


def test_streams_end_cleanly_when_the_server_shuts_down(station):
    s = station
    watchers = [s.watch(clinic_code=s.clinic, doctor_code=f"D{n}") for n in range(3)]
    for _call, got in watchers:
        take(got, 1)
    s.app.queues.close()  # what serve_until_signalled runs before stopping the server
    assert [got.get(timeout=WAIT) for _call, got in watchers] == ["ended"] * 3
