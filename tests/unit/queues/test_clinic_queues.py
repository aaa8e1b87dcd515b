"""ClinicQueues and QueueService over the in-memory unit of work (tests/fakes.py)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from tests_shared_fakes import fake_uow_factory

from domain.errors import NotFound, ValidationFailed
from domain.queues import EventKind, PriorityFlags, QueueKey, QueueState
from services.queues import ClinicQueues

DAY = date(2026, 12, 7)


class _Clock:
    def now(self):
        return datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def setup():
    make = fake_uow_factory()
    return make, ClinicQueues(clock=_Clock())


def _enqueue(make, queues, doctor="", **flags):
    with make() as uow:
        e = queues.enqueue(uow, QueueKey(DAY, "C1", doctor), encounter_id="E", patient_id="P", patient_label="李*",
                           flags=PriorityFlags(**flags))
        uow.commit()
    return e


def test_enqueue_numbers_per_clinic_and_writes_events_only_on_commit(setup):
    make, queues = setup
    with make() as uow:
        queues.enqueue(uow, QueueKey(DAY, "C1"), encounter_id="E", patient_id="P", patient_label="李*",
                       flags=PriorityFlags())
    assert make.queues["events"] == []
    a = _enqueue(make, queues, doctor="D1")
    b = _enqueue(make, queues, emergency=True)
    assert (a.number, b.number) == (1, 2)
    assert [(e.seq, e.kind) for e in make.queues["events"]] == [(1, EventKind.ENQUEUED), (2, EventKind.ENQUEUED)]
    with make() as uow:
        called = queues.call_next(uow, QueueKey(DAY, "C1", "D1"))
        uow.commit()
    assert called.id == b.id and called.state is QueueState.CALLED  # emergency first


def test_enqueue_refuses_bad_input_naming_the_fields(setup):
    make, queues = setup
    with make() as uow, pytest.raises(ValidationFailed) as refused:
        queues.enqueue(uow, QueueKey(DAY, ""), encounter_id="", patient_id="P", patient_label="x" * 51,
                       flags=PriorityFlags(age=200))
    assert {v.field for v in refused.value.violations} == {"clinic_code", "encounter_id", "patient_label", "age"}


def test_unknown_entry_is_not_found(setup):
    make, queues = setup
    with make() as uow, pytest.raises(NotFound):
        queues.withdraw(uow, "nope")
