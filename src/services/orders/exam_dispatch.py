"""Exam requests to the RIS and results from it: the outbox's dispatcher and the intake of ORU^R01.

ExamDispatcher sends what the outbox holds (uow.exam_messages), oldest first and in order per exam
request, until the RIS acknowledges each (AA). A failed attempt waits `backoff`, doubling up to
`max_backoff`, and is tried again as long as the server runs: a message is never dropped, and one
acknowledged is never sent again. Before each attempt the message is claimed (attempts + 1, not due
for `claim_for`), so two servers on one database do not both send it; if the sender dies mid-way, the
message is sent again once the claim lapses (at least once: the RIS knows a repeat by its MSH-10).

ExamResultIntake answers each inbound message: AA once its results are applied, AE with the reason
otherwise (the RIS sends it again). A control id applied before is acknowledged AA and not applied again.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from domain.errors import DomainError
from ports.clock import Clock
from ports.exam_link import ExamLink, ExamMessage
from ports.unit_of_work import UnitOfWork
from services.orders.radiology_hl7 import ExamResult, ack

log = logging.getLogger(__name__)


class ExamDispatcher:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], link: ExamLink, clock: Clock,
                 backoff: timedelta = timedelta(seconds=5), max_backoff: timedelta = timedelta(minutes=5), *,
                 interval: timedelta = timedelta(seconds=2), claim_for: timedelta = timedelta(minutes=2),
                 batch: int = 50):
        self.uow_factory, self.link, self.clock = uow_factory, link, clock
        self.backoff, self.max_backoff, self.interval = backoff, max_backoff, interval
        self.claim_for, self.batch = claim_for, batch
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: backoff, doubling, at most max_backoff."""
        return min(self.backoff * (2 ** min(attempts - 1, 30)), self.max_backoff)

    def run_once(self) -> int:
        """Send every message due now (and those that come due behind them in their request);
        the number acknowledged."""
        sent = 0
        tried: set[int] = set()
        while not self._stop.is_set():
            with self.uow_factory() as uow:
                due = [m for m in uow.exam_messages.due(self.clock.now(), self.batch) if m.id not in tried]
            if not due:
                return sent
            for message in due:
                tried.add(message.id)
                sent += self._attempt(message)
        return sent

    def _attempt(self, message: ExamMessage) -> int:
        with self.uow_factory() as uow:
            if not uow.exam_messages.claim(message.id, message.attempts, self.clock.now() + self.claim_for):
                return 0  # another dispatcher took it
            uow.commit()
        attempts = message.attempts + 1
        try:
            reply = self.link.send(message.payload)
        except Exception as err:  # noqa: BLE001 - whatever went wrong, the message waits and is tried again
            retry_at = self.clock.now() + self.delay(attempts)
            log.warning("RIS message %s (%s of request %s) attempt %d failed: %s; next at %s", message.control_id,
                        message.kind, message.request_id, attempts, err, retry_at)
            with self.uow_factory() as uow:
                uow.exam_messages.mark_failed(message.id, retry_at, f"{type(err).__name__}: {err}")
                uow.commit()
            return 0
        with self.uow_factory() as uow:
            uow.exam_messages.mark_sent(message.id, self.clock.now(), reply)
            uow.commit()
        return 1

    # ---- in the background -----------------------------------------------------------------
    def wake(self) -> None:
        """Send soon rather than at the next interval (call after committing a message)."""
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="his-exam-dispatch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad pass (database down)
                log.exception("RIS dispatch pass failed")
            self._wake.wait(self.interval.total_seconds())
            self._wake.clear()


class ExamResultIntake:
    """The handler of the MLLP listener for results: message text in, ACK text out."""

    def __init__(self, parse: Callable[[str], list[ExamResult]], apply: Callable[[ExamResult], None],
                 uow_factory: Callable[[], UnitOfWork], clock: Clock):
        self.parse, self.apply, self.uow_factory, self.clock = parse, apply, uow_factory, clock
        self._lock = threading.Lock()  # one message at a time: a repeat arriving meanwhile waits, then is seen

    def __call__(self, message: str) -> str:
        return self.handle(message)

    def handle(self, message: str) -> str:
        try:
            results = self.parse(message)
        except DomainError as err:
            return ack(message, "AE", str(err), at=self.clock.now())
        control_id = results[0].control_id
        with self._lock:
            try:
                with self.uow_factory() as uow:
                    if uow.exam_messages.result_seen(control_id):
                        return ack(message, "AA", "already received", at=self.clock.now())
                for result in results:
                    self.apply(result)  # idempotent for a corrected report: it replaces the text
                with self.uow_factory() as uow:
                    uow.exam_messages.record_result(control_id, sorted({r.request_id for r in results}),
                                                    self.clock.now())
                    uow.commit()
            except DomainError as err:
                log.warning("RIS result %s not applied: %s", control_id, err)
                return ack(message, "AE", str(err), at=self.clock.now())
            except Exception as err:  # noqa: BLE001 - answered AE: the RIS keeps it and sends it again
                log.exception("RIS result %s failed", control_id)
                return ack(message, "AE", f"internal error: {type(err).__name__}", at=self.clock.now())
        return ack(message, "AA", at=self.clock.now())
