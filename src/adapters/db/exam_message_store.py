"""The RIS outbox in SQL Core (uow.exam_messages). Writes go straight into the unit of work's
transaction, so a message is journaled in the same commit as the exam request it carries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.orm import aliased

from adapters.db.exam_message_tables import exam_messages as M
from adapters.db.exam_message_tables import exam_results_received as R
from adapters.db.repositories import Transaction
from ports.exam_link import ExamMessage, ExamOutbox, MessageState

_FIELDS = ("id", "request_id", "control_id", "kind", "payload", "state", "attempts", "next_attempt_at", "sent_at",
           "ack", "last_error", "created_at")
_COLUMNS = tuple(M.c[name] for name in _FIELDS)
_EARLIER = aliased(M)

_GET = select(*_COLUMNS).where(M.c.id == bindparam("id"))
_FOR_REQUEST = select(*_COLUMNS).where(M.c.request_id == bindparam("request_id")).order_by(M.c.id)
# the oldest unsent message of each request, when it is due: a later one waits for it
_DUE = (select(*_COLUMNS)
        .where(M.c.state != MessageState.SENT, M.c.next_attempt_at <= bindparam("now"),
               ~select(_EARLIER.c.id).where(and_(_EARLIER.c.request_id == M.c.request_id, _EARLIER.c.id < M.c.id,
                                                  _EARLIER.c.state != MessageState.SENT)).exists())
        .order_by(M.c.id).limit(bindparam("limit")))
_CLAIM = (update(M).where(M.c.id == bindparam("b_id"), M.c.attempts == bindparam("b_attempts"),
                          M.c.state != MessageState.SENT)
          .values(attempts=M.c.attempts + 1, next_attempt_at=bindparam("until")))
_SENT = update(M).where(M.c.id == bindparam("b_id")).values(state=MessageState.SENT, sent_at=bindparam("at"),
                                                              ack=bindparam("ack"), last_error="")
_FAILED = (update(M).where(M.c.id == bindparam("b_id"), M.c.state != MessageState.SENT)
           .values(state=MessageState.FAILED, next_attempt_at=bindparam("next_attempt_at"),
                   last_error=bindparam("error")))
_SEEN = select(R.c.control_id).where(R.c.control_id == bindparam("control_id"))
_RECORD = insert(R)
_ERROR = 2000  # characters of an error kept


def _message(row) -> ExamMessage:
    return ExamMessage(**dict(zip(_FIELDS, row)))


class SqlExamOutbox(ExamOutbox):
    def __init__(self, tx: Transaction):
        self._tx, self._conn = tx, tx.conn

    def add(self, message: ExamMessage) -> ExamMessage:
        row = {name: getattr(message, name) for name in _FIELDS if name != "id"}
        message.id = self._tx.writing().execute(insert(M).returning(M.c.id), row).scalar_one()
        return message

    def get(self, message_id: int) -> ExamMessage | None:
        row = self._conn.execute(_GET, {"id": message_id}).first()
        return None if row is None else _message(row)

    def for_request(self, request_id: str) -> list[ExamMessage]:
        return [_message(r) for r in self._conn.execute(_FOR_REQUEST, {"request_id": request_id})]

    def due(self, now: datetime, limit: int) -> list[ExamMessage]:
        return [_message(r) for r in self._conn.execute(_DUE, {"now": now, "limit": limit})]

    def claim(self, message_id: int, attempts: int, until: datetime) -> bool:
        return self._tx.writing().execute(_CLAIM, {"b_id": message_id, "b_attempts": attempts,
                                                   "until": until}).rowcount == 1

    def mark_sent(self, message_id: int, at: datetime, ack: str) -> None:
        self._tx.writing().execute(_SENT, {"b_id": message_id, "at": at, "ack": ack})

    def mark_failed(self, message_id: int, next_attempt_at: datetime, error: str) -> None:
        self._tx.writing().execute(_FAILED, {"b_id": message_id, "next_attempt_at": next_attempt_at,
                                             "error": error[:_ERROR]})

    def result_seen(self, control_id: str) -> bool:
        return self._conn.execute(_SEEN, {"control_id": control_id}).first() is not None

    def record_result(self, control_id: str, request_ids: list[str], at: datetime) -> None:
        self._tx.writing().execute(_RECORD, {"control_id": control_id, "request_ids": " ".join(request_ids),
                                             "received_at": at})
