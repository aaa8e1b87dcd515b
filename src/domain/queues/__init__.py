"""Clinic queues (候诊队列): the public model other contexts may use."""
from __future__ import annotations

from domain.queues.model import (OPEN_STATES, EventKind, PriorityFlags, QueueEntry, QueueEvent, QueueKey,
                                 QueueSnapshot, QueueState, in_view)
from domain.queues.rules import QueueRules

__all__ = ["OPEN_STATES", "EventKind", "PriorityFlags", "QueueEntry", "QueueEvent", "QueueKey", "QueueRules",
           "QueueSnapshot", "QueueState", "in_view"]
