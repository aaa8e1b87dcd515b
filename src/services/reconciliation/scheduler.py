"""The daily run after closing: each server looks every `interval`; once the configured time of day
has passed it runs the day (or the day before, `days_back`), claimed by the run's day in the store
so that of several servers one runs it. A run that failed (the platform unreachable) gives the day up
and is tried again `retry_after` later."""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time, timedelta

from domain.operator import Operator
from domain.reconciliation import RunState
from ports.clock import Clock
from services.reconciliation.service import ReconciliationService

log = logging.getLogger(__name__)


class ReconciliationSchedule:
    def __init__(self, service: ReconciliationService, clock: Clock, operator: Operator, at: time,
                 days_back: int = 0, interval: timedelta = timedelta(minutes=1),
                 retry_after: timedelta = timedelta(minutes=10)):
        self.service, self.clock, self.operator = service, clock, operator
        self.at, self.days_back, self.interval, self.retry_after = at, days_back, interval, retry_after
        self._done: set[date] = set()  # days this process saw run (by it or another)
        self._retry_at: dict[date, datetime] = {}  # days whose run failed here: not before then
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> date | None:
        now = self.clock.now()
        if now.time() < self.at:
            return None
        day = now.date() - timedelta(days=self.days_back)
        return None if day in self._done else day

    def run_once(self):
        """The day's run when it is due and no server ran it yet; None otherwise."""
        day = self.due()
        if day is None:
            return None
        if self._retry_at.get(day, self.clock.now()) > self.clock.now():
            return None
        run = self.service.run_scheduled(self.operator, day)
        if run is not None and run.state is RunState.FAILED:  # its claim released: again after a while
            self._retry_at[day] = self.clock.now() + self.retry_after
            log.warning("scheduled reconciliation of %s failed (%s); trying again at %s", day, run.error,
                        self._retry_at[day])
            return run
        self._done.add(day)
        if run is not None:
            log.info("scheduled reconciliation of %s: %s (%d entries)", day, run.state.value, len(run.entry_ids))
        return run

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="his-reconciliation", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the next look tries again
                log.exception("scheduled reconciliation failed")
            self._stop.wait(self.interval.total_seconds())
