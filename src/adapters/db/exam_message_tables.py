"""The RIS outbox and the results taken from it, on the schema's one `metadata` (migration 0015).

exam_messages: each HL7 message to the radiology system, journaled in the commit that made it and
kept after it was sent (what was sent, when, the ACK). exam_results_received: the control ids of
the results applied, so that a result the RIS sends again is acknowledged but not applied twice.
"""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import ID, metadata
from adapters.db.types import str_enum
from ports.exam_link import MessageState

CONTROL_ID = 64  # MSH-10: ST(20) in v2.5, up to 199 in later versions a RIS may speak

exam_messages = Table(
    "exam_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order messages were journaled in
    Column("request_id", String(ID), nullable=False),
    Column("control_id", String(CONTROL_ID), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", str_enum(MessageState), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("sent_at", DateTime, nullable=True),
    Column("ack", Text, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)
Index("ix_exam_messages_state_next_attempt_at", exam_messages.c.state, exam_messages.c.next_attempt_at)
Index("ix_exam_messages_request_id_id", exam_messages.c.request_id, exam_messages.c.id)

exam_results_received = Table(
    "exam_results_received", metadata,
    Column("control_id", String(CONTROL_ID), primary_key=True),
    Column("request_ids", Text, nullable=False),  # the requests it reported on, for people
    Column("received_at", DateTime, nullable=False),
)
