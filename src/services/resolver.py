"""The resolver: a background worker in every `his serve` that settles doubtful platform calls for
as long as the server runs, not only at start-up.

Every replica runs one; the lease "resolver" lets one act at a time per database, and passes to
another replica when its holder stops renewing it (crashed, or stopped). Each process also keeps a
heartbeat under its instance id, which the journal records beside every call: the acting resolver
recognises a PENDING entry of a dead process by its owner's silence, not merely by its age.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from ports.clock import Clock
from ports.instances import Instance, InstanceRegistry
from services.journal import JournalService, SweepReport

log = logging.getLogger(__name__)

LEASE = "resolver"


def new_instance_id() -> str:
    """This process's id in the journal and the registry: host and pid for people, random for uniqueness."""
    return f"{socket.gethostname()[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class ResolverConfig:
    interval: timedelta = timedelta(seconds=5)  # between passes (and heartbeats)
    lease_ttl: timedelta = timedelta(seconds=30)  # silence after which a process counts as dead


class Resolver:
    def __init__(self, journal: JournalService, registry: InstanceRegistry, clock: Clock, instance_id: str,
                 config: ResolverConfig = ResolverConfig(), kind: str = "serve", lease: str = LEASE):
        self.journal, self.registry, self.clock = journal, registry, clock
        self.instance_id, self.config, self.kind, self.lease = instance_id, config, kind, lease
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._registered = False
        self._renewed_at = None  # when this process last took or renewed the lease
        self.passes = 0  # passes this process made while holding the lease
        # what other contexts settle once the journal has (an inpatient stay left ADMITTING by a 2401
        # in doubt follows its 医保 admission): run after each pass, each failure logged, never fatal
        self.followers: tuple[Callable[[], object], ...] = ()

    # ---- this process ----------------------------------------------------------------------
    def register(self) -> None:
        """Announce this process (its heartbeat then tells others it is alive)."""
        now = self.clock.now()
        self.registry.register(Instance(self.instance_id, socket.gethostname(), os.getpid(), self.kind, now, now))
        self._registered = True

    def owner_alive(self, owner: str) -> bool | None:
        """Whether the process that journaled an entry is still beating (None: never registered)."""
        if owner == self.instance_id:
            return True
        found = self.registry.get(owner)
        if found is None:
            return None
        return found.alive(self.clock.now(), self.config.lease_ttl.total_seconds())

    def holding(self) -> bool:
        """Take or renew the lease; True while this process is the one to act. Asked before each
        entry, it writes only when a third of the lease has passed since it was last renewed."""
        now = self.clock.now()
        if self._renewed_at is not None and now - self._renewed_at < self.config.lease_ttl / 3:
            return True
        try:
            held = self.registry.acquire(self.lease, self.instance_id, now, self.config.lease_ttl.total_seconds())
        except Exception as exc:  # noqa: BLE001 - a database hiccup: act next time
            log.warning("resolver lease not renewed: %s", exc)
            held = False
        self._renewed_at = now if held else None
        return held

    def run_once(self) -> SweepReport | None:
        """One pass if this process holds the lease (None when another one does)."""
        if not self.holding():
            return None
        known: dict[str, bool | None] = {}  # one look per owner and pass, however many entries it left

        def owner_alive(owner: str) -> bool | None:
            if owner not in known:
                known[owner] = self.owner_alive(owner)
            return known[owner]

        report = self.journal.sweep(owner_alive=owner_alive, holding=self.holding)
        self._finish_for_the_dead()
        for follow in self.followers:
            try:
                follow()
            except Exception:  # noqa: BLE001 - the next pass tries again
                log.exception("a follow-up of the resolver's pass failed")
        self.passes += 1
        if report.settled:
            log.warning("resolver settled %d doubtful platform call(s): %s; %d still open", len(report.settled),
                        ", ".join(f"{e.id} {e.infno} {e.state.value}" for e in report.settled[:20]),
                        len(report.still_open))
        return report

    def _finish_for_the_dead(self) -> None:
        """Each process that died: record on their visits the writes the platform took from it in its
        last moments (it may have died between the reply and recording it), then mark it handled."""
        ttl = self.config.lease_ttl
        for dead in self.registry.silent(self.clock.now() - ttl):
            if not self.holding():
                return
            recorded = self.journal.finish_for(dead.instance_id, dead.heartbeat_at - ttl)
            if recorded:
                log.warning("process %s died: %d of its accepted calls recorded from the journal",
                            dead.instance_id, recorded)
            self.registry.stop(dead.instance_id, dead.heartbeat_at)  # handled; its last beat stays its time

    # ---- in the background -----------------------------------------------------------------
    def start(self, resolve: bool = True) -> None:
        """Heartbeat and resolve until stop(): two daemon threads, so a long pass (the platform
        slow to answer) never silences the heartbeat. `resolve=False`: only the heartbeat (a CLI
        command that sends, so that its calls are not taken for a dead process's while it waits)."""
        if not self._registered:
            self.register()
        workers = [("his-heartbeat", self._beat)] + ([("his-resolver", self._resolve)] if resolve else [])
        for name, target in workers:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop both threads, give the lease up, and record a clean stop (no entry of ours is orphaned)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=max(5.0, self.config.interval.total_seconds() * 2))
        self._threads.clear()
        self._renewed_at = None
        if self._registered:
            try:
                self.registry.release(self.lease, self.instance_id)
                self.registry.stop(self.instance_id, self.clock.now())
            except Exception as exc:  # noqa: BLE001 - shutting down anyway
                log.warning("could not record this process's stop: %s", exc)

    def _beat(self) -> None:
        period = min(self.config.interval, self.config.lease_ttl / 3).total_seconds()
        while not self._stop.wait(period):
            try:
                self.registry.heartbeat(self.instance_id, self.clock.now())
            except Exception as exc:  # noqa: BLE001 - try again next beat
                log.warning("heartbeat not recorded: %s", exc)

    def _resolve(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad pass
                log.exception("resolver pass failed")
            self._stop.wait(self.config.interval.total_seconds())
