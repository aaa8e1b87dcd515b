"""Clinic queues: their public API.

The methods of ClinicQueues that take a `uow` work inside the caller's unit of work (the caller
commits): a registration or a transfer changes the encounter and the queues in one transaction.
Their events are written with the same commit. QueueService serves the doctor station (each move
commits on its own) and WatchQueue.
"""
from __future__ import annotations

from services.queues.clinic_queues import ClinicQueues
from services.queues.service import QueueService
from services.queues.watch import Delivery, QueueHub, ResumeToken, Watch

__all__ = ["ClinicQueues", "Delivery", "QueueHub", "QueueService", "ResumeToken", "Watch"]
