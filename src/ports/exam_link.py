"""The link to the radiology / ultrasound department's system (RIS), and the outbox its messages wait in.

Exam requests reach the RIS as HL7 v2 messages (ORM^O01). They are written to the outbox in the same
commit as the request itself, so a request is never saved without its message nor sent without being
saved; a dispatcher sends them in order per request and retries until the RIS acknowledges (AA).
Results (ORU^R01) come back the other way; their control ids are recorded so a resent result is
acknowledged without being applied twice.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol


class ExamLinkError(Exception):
    """The message did not get an accepting ACK: no connection, timed out, a broken or missing ACK, or
    the RIS answered AE/AR. The message may or may not have arrived; it is sent again later."""


class ExamLinkRejected(ExamLinkError):
    """The RIS answered with a negative ACK (AE / AR); `code` and `text` are what it said."""

    def __init__(self, code: str, text: str):
        super().__init__(f"the RIS answered {code}: {text}" if text else f"the RIS answered {code}")
        self.code, self.text = code, text


class ExamLink(Protocol):
    def send(self, message: str) -> str:
        """Deliver one HL7 message and return the RIS's ACK text (MSA-1 AA/CA). Raises ExamLinkError."""
        ...


class MessageState(str, Enum):
    PENDING = "PENDING"  # not tried yet
    SENT = "SENT"  # acknowledged by the RIS: never sent again
    FAILED = "FAILED"  # the last attempt failed; tried again at next_attempt_at


@dataclass
class ExamMessage:
    """One outbound HL7 message in the outbox."""

    request_id: str  # the exam request it belongs to: messages of one request go out in order
    control_id: str  # MSH-10, unique
    kind: str  # what it says, for people: "ORM_NEW", "ORM_CANCEL"
    payload: str  # the HL7 text, as it will be sent
    created_at: datetime
    next_attempt_at: datetime
    state: MessageState = MessageState.PENDING
    attempts: int = 0
    sent_at: datetime | None = None
    ack: str = ""
    last_error: str = ""
    id: int | None = None  # given by the outbox: the order messages were added in

    @staticmethod
    def new(request_id: str, control_id: str, kind: str, payload: str, now: datetime) -> ExamMessage:
        return ExamMessage(request_id, control_id, kind, payload, created_at=now, next_attempt_at=now)


class ExamOutbox(abc.ABC):
    """The outbox inside a unit of work (uow.exam_messages): writes join the unit of work's transaction."""

    @abc.abstractmethod
    def add(self, message: ExamMessage) -> ExamMessage:
        """Journal a message to send (its id is set). A control_id used before: ConcurrencyConflict."""

    @abc.abstractmethod
    def get(self, message_id: int) -> ExamMessage | None: ...

    @abc.abstractmethod
    def for_request(self, request_id: str) -> list[ExamMessage]:
        """The request's messages, oldest first."""

    @abc.abstractmethod
    def due(self, now: datetime, limit: int) -> list[ExamMessage]:
        """Messages to send now, oldest first: not SENT, next_attempt_at <= now, and the oldest unsent
        message of their request (a cancel never overtakes the order it cancels)."""

    @abc.abstractmethod
    def claim(self, message_id: int, attempts: int, until: datetime) -> bool:
        """Take a due message for one attempt: attempts + 1, and not due again before `until` (so another
        dispatcher does not send it meanwhile; if this one dies, it is sent again after). False when
        someone else took it first (its attempts moved on) or it was sent."""

    @abc.abstractmethod
    def mark_sent(self, message_id: int, at: datetime, ack: str) -> None: ...

    @abc.abstractmethod
    def mark_failed(self, message_id: int, next_attempt_at: datetime, error: str) -> None: ...

    # ---- results received ------------------------------------------------------------------
    @abc.abstractmethod
    def result_seen(self, control_id: str) -> bool:
        """Whether an inbound result with this MSH-10 was applied already."""

    @abc.abstractmethod
    def record_result(self, control_id: str, request_ids: list[str], at: datetime) -> None:
        """Remember an applied result's control id (a second record of one id: ConcurrencyConflict)."""
