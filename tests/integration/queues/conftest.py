from __future__ import annotations

import uuid
from datetime import date

import pytest

from adapters.db.connections import Connections
from adapters.db.queue_repository import SqlQueueEvents
from adapters.db.unit_of_work import SqlUnitOfWork
from domain.queues import PriorityFlags, QueueKey, QueueRules
from ports.queues import QueueSignal
from services.queues import ClinicQueues, QueueHub, QueueService

DAY = date(2026, 12, 7)


class Kit:
    def __init__(self, session_factory, poll_interval: float = 0.05, rules: QueueRules | None = None):
        self.signal = QueueSignal()
        self.connections = Connections(session_factory)
        self.uow = lambda: SqlUnitOfWork(self.connections, queue_signal=self.signal)
        self.queues = ClinicQueues(rules)
        self.events = SqlQueueEvents(self.connections)
        self.hub = QueueHub(self.events, self.signal, poll_interval=poll_interval, ring=8, page=4)
        self.service = QueueService(self.uow, self.queues, _FixedDay(), self.events, self.hub)
        self.clinic = "C" + uuid.uuid4().hex[:12]

    def key(self, doctor: str = "") -> QueueKey:
        return QueueKey(DAY, self.clinic, doctor)

    def enqueue(self, label: str = "张*", doctor: str = "", **flags):
        with self.uow() as uow:
            entry = self.queues.enqueue(uow, self.key(doctor), encounter_id=uuid.uuid4().hex,
                                        patient_id=uuid.uuid4().hex, patient_label=label,
                                        flags=PriorityFlags(**flags))
            uow.commit()
        return entry


class _FixedDay:
    def now(self):
        from datetime import datetime
        return datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def kit(session_factory):
    made = Kit(session_factory)
    yield made
    made.hub.close()
