"""his.v1.QueueService: the doctor station's queue moves and WatchQueue (the permission is
checked before; errors are mapped by the interceptors, also those raised while streaming)."""
from __future__ import annotations

from datetime import date

from domain.errors import FieldViolation, ValidationFailed
from domain.queues import QueueEntry, QueueEvent, QueueSnapshot
from his.v1 import queues_pb2 as pb
from his.v1 import queues_pb2_grpc
from services.queues import QueueService

_STATE = {name: pb.QueueState.Value(f"QUEUE_STATE_{name}") for name in (
    "WAITING", "CALLED", "IN_CONSULTATION", "FINISHED", "NO_SHOW", "TRANSFERRED", "WITHDRAWN")}


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed([FieldViolation("day", "must be a date as YYYY-MM-DD")]) from None


def entry_message(e: QueueEntry, elderly_age: int) -> pb.QueueEntry:
    return pb.QueueEntry(id=e.id, clinic_code=e.key.clinic_code, doctor_code=e.key.doctor_code,
                         day=e.key.day.isoformat(), number=e.number, patient_label=e.patient_label,
                         state=_STATE[e.state.value], emergency=e.flags.emergency,
                         elderly=e.flags.age is not None and e.flags.age >= elderly_age,
                         returning_with_results=e.flags.returning_with_results, priority_rank=e.rank,
                         recalls=e.recalls, skips=e.skips, called_by=e.called_by, encounter_id=e.encounter_id)


def snapshot_message(s: QueueSnapshot, elderly_age: int) -> pb.QueueSnapshot:
    return pb.QueueSnapshot(clinic_code=s.clinic_code, doctor_code=s.doctor_code, day=s.day.isoformat(), seq=s.seq,
                            entries=[entry_message(e, elderly_age) for e in s.entries])


def event_message(e: QueueEvent) -> pb.QueueEvent:
    return pb.QueueEvent(seq=e.seq, kind=e.kind.value, entry_id=e.entry_id, doctor_code=e.doctor_code,
                         number=e.number, patient_label=e.patient_label, state=_STATE[e.state.value],
                         called_by=e.called_by, recalls=e.recalls, priority_rank=e.rank,
                         at=e.at.strftime("%Y-%m-%d %H:%M:%S") if e.at else "")


class QueueServicer(queues_pb2_grpc.QueueServiceServicer):
    def __init__(self, queues: QueueService):
        self.queues = queues
        self._elderly = queues.queues.rules.elderly_age

    def _reply(self, entry: QueueEntry) -> pb.QueueEntryReply:
        return pb.QueueEntryReply(entry=entry_message(entry, self._elderly))

    def GetQueue(self, request, context):
        return snapshot_message(self.queues.get_queue(request.clinic_code, request.doctor_code, _day(request.day)),
                                self._elderly)

    def CallNext(self, request, context):
        return self._reply(self.queues.call_next(request.clinic_code, request.doctor_code, _day(request.day)))

    def Recall(self, request, context):
        return self._reply(self.queues.recall(request.entry_id))

    def Skip(self, request, context):
        return self._reply(self.queues.skip(request.entry_id))

    def StartConsultation(self, request, context):
        return self._reply(self.queues.start(request.entry_id))

    def FinishConsultation(self, request, context):
        return self._reply(self.queues.finish(request.entry_id))

    def MarkNoShow(self, request, context):
        return self._reply(self.queues.no_show(request.entry_id))

    def WatchQueue(self, request, context):
        watch = self.queues.watch(request.clinic_code, request.doctor_code, _day(request.day), request.resume_token)
        # the client cancelling, its deadline, or the server stopping the call: the stream ends
        context.add_callback(watch.cancel)
        for delivery in watch:
            if delivery.snapshot is not None:
                yield pb.WatchQueueResponse(snapshot=snapshot_message(delivery.snapshot, self._elderly),
                                            resume_token=delivery.token)
            else:
                yield pb.WatchQueueResponse(event=event_message(delivery.event), resume_token=delivery.token)
