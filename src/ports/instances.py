"""The processes that talk to the platform, and leases among them.

Each process journals its calls under its own instance id and keeps a heartbeat; a PENDING entry
whose owner stopped beating belongs to a process that died mid-call (its connection is gone with
it). A lease gives one process at a time a job all replicas could do (the resolver), and passes to
another when its holder stops renewing it.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Instance:
    instance_id: str
    host: str
    pid: int
    kind: str  # serve | cli
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None = None

    def alive(self, now: datetime, ttl_seconds: float) -> bool:
        """Still beating: stopped neither cleanly nor by silence longer than `ttl_seconds`."""
        return self.stopped_at is None and (now - self.heartbeat_at).total_seconds() < ttl_seconds


class InstanceRegistry(abc.ABC):
    """Every method commits at once (like the journal)."""

    @abc.abstractmethod
    def register(self, instance: Instance) -> None: ...

    @abc.abstractmethod
    def heartbeat(self, instance_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def stop(self, instance_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def get(self, instance_id: str) -> Instance | None: ...

    @abc.abstractmethod
    def silent(self, since: datetime) -> list[Instance]:
        """Processes that neither stopped cleanly nor beat since `since`: they died, and what they
        left unrecorded is still to be looked at (stop() marks that done)."""

    @abc.abstractmethod
    def acquire(self, lease: str, holder: str, now: datetime, ttl_seconds: float) -> bool:
        """Take or renew `lease` for `holder` until now + ttl, if it is free, expired, or already
        held by `holder`. Of several processes asking at once, one gets it."""

    @abc.abstractmethod
    def release(self, lease: str, holder: str) -> None:
        """Give `lease` up, if `holder` holds it."""

    @abc.abstractmethod
    def holder(self, lease: str, now: datetime) -> str | None:
        """Who holds `lease` now (None: nobody, or it expired)."""
