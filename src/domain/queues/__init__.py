"""Clinic queues (候诊队列): the public model other contexts may use."""
from __future__ import annotations

from domain.queues.model import (OPEN_STATES, POSITION_STEP, EventKind, PriorityFlags, QueueEntry, QueueEvent,
                                 QueueKey, QueueSnapshot, QueueState, in_view)
from domain.queues.rules import QueueRules, ordered, skip_place

__all__ = ["OPEN_STATES", "POSITION_STEP", "EventKind", "PriorityFlags", "QueueEntry", "QueueEvent", "QueueKey",
           "QueueRules", "QueueSnapshot", "QueueState", "in_view", "ordered", "skip_place"]
