"""The daily run after closing: due once the configured time has passed, run once per day however
many servers look (the day is claimed in the database)."""
from __future__ import annotations

from datetime import time, timedelta

from recon_kit import OP, make_app, settled

from domain.reconciliation import RunState, Trigger
from services.reconciliation import ReconciliationSchedule


def test_the_day_runs_once_after_closing_whichever_server_looks_first(database_url):
    app, simulator, clock = make_app(database_url, schedule_at="21:30")
    other, _, _ = make_app(database_url)  # a second server on the same database
    other.container.clock.override(app.container.clock)
    other.container.platform.override(app.container.platform)
    settled(app, clock)
    mine = ReconciliationSchedule(app.reconciliation, clock, OP, time(21, 30))
    theirs = ReconciliationSchedule(other.reconciliation, clock, OP, time(21, 30))
    assert mine.run_once() is None  # 09:01: not yet
    clock.at = clock.at.replace(hour=21, minute=45)
    run = theirs.run_once()
    assert run is not None and (run.trigger, run.state, run.scheduled_for) == (Trigger.SCHEDULED, RunState.BALANCED,
                                                                              clock.now().date())
    assert mine.run_once() is None  # claimed by the other server
    assert mine.run_once() is None and theirs.run_once() is None  # and done for the day
    scheduled = [r for r in app.reconciliation.list_runs(1000) if r.scheduled_for == clock.now().date()]
    assert [r.id for r in scheduled] == [run.id]
    clock.at += timedelta(days=1)
    assert mine.run_once().scheduled_for == clock.now().date()  # the next day's


def test_the_server_starts_the_schedule_only_when_a_time_is_configured(database_url):
    app, _, _ = make_app(database_url)
    assert app.start_reconciliation_schedule() is None
    configured, _, _ = make_app(database_url, schedule_at="23:00", days_back=1)
    schedule = configured.start_reconciliation_schedule()
    try:
        assert (schedule.at, schedule.days_back) == (time(23, 0), 1)
    finally:
        configured.close()


def test_a_scheduled_run_that_failed_gives_its_day_up_and_is_tried_again_later(database_url):
    app, simulator, clock = make_app(database_url)
    settled(app, clock)
    schedule = ReconciliationSchedule(app.reconciliation, clock, OP, time(21, 0), retry_after=timedelta(minutes=10))
    clock.at = clock.at.replace(hour=21, minute=5)
    simulator.faults.add("3201", "gateway_error", 3, 0)  # the platform unreachable (3201 is a read: no 冲正)
    failed = schedule.run_once()
    assert failed.state is RunState.FAILED and failed.scheduled_for is None and failed.error
    clock.tick(5)
    assert schedule.run_once() is None  # not before the retry time
    simulator.faults.clear()
    clock.tick(6)
    again = schedule.run_once()
    assert (again.state, again.scheduled_for) == (RunState.BALANCED, clock.now().date())
    assert schedule.run_once() is None
