"""his.v1.JournalService: reading the platform journal and resolving doubtful entries."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from his.v1 import journal_pb2 as pb
from his.v1 import journal_pb2_grpc
from services.grpc import mappers as m
from services.grpc.auth import current_operator


class JournalServicer(journal_pb2_grpc.JournalServiceServicer):
    def __init__(self, journal, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        """`journal`: a JournalService (unresolved, for_visit, get, resolve)."""
        self.journal, self.zone = journal, m.zone_of(zone)

    def ListJournalEntries(self, request, context):
        current_operator()
        if request.visit_id:
            entries = self.journal.for_visit(request.visit_id)
            if request.unresolved_only:
                entries = [e for e in entries if not e.state.resolved]
        elif request.unresolved_only:
            entries = self.journal.unresolved()
        else:  # the whole journal is unbounded; there is no use case listing it
            raise ValidationFailed([FieldViolation("visit_id", "set visit_id or unresolved_only")])
        return pb.ListJournalEntriesResponse(entries=[m.journal_entry_to_proto(e, self.zone) for e in entries])

    def GetJournalEntry(self, request, context):
        current_operator()
        return pb.GetJournalEntryResponse(entry=m.journal_entry_to_proto(self.journal.get(_id(request.id)), self.zone))

    def ResolveJournalEntry(self, request, context):
        entry = self.journal.resolve(_id(request.id), current_operator())
        return pb.ResolveJournalEntryResponse(entry=m.journal_entry_to_proto(entry, self.zone))


def _id(value: int) -> int:
    if value <= 0:
        raise ValidationFailed([FieldViolation("id", "must be a positive journal entry id")])
    return value
