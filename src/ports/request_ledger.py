"""Idempotency keys (AIP-155 request_id): what became of the first request sent with a key.

Like the journal, every method commits at once: a claim must be visible to a retry arriving on
another connection (or another server process) while the first call is still running.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ClaimState(str, Enum):
    NEW = "NEW"  # the key is this call's now: act, then record done / failed, or release
    RUNNING = "RUNNING"  # a call with the key is still running
    DONE = "DONE"  # it succeeded: `response` is its serialized reply
    FAILED = "FAILED"  # it failed in a way that may have acted: `status` is its serialized error
    MISMATCH = "MISMATCH"  # the key was used for another request (method, operator or content)


@dataclass(frozen=True)
class Claim:
    state: ClaimState
    response: bytes | None = None
    status: bytes | None = None


class RequestLedger(abc.ABC):
    @abc.abstractmethod
    def claim(self, request_id: str, method: str, fingerprint: str, now: datetime,
              running_since_before: datetime) -> Claim:
        """Take `request_id` for this request (NEW), or say what the first request with it became.
        A RUNNING claim made before `running_since_before` belongs to a call that can no longer be
        running (its process ended): it is taken over, NEW again."""

    @abc.abstractmethod
    def done(self, request_id: str, fingerprint: str, response: bytes, now: datetime) -> None:
        """The call succeeded with `response`. A store may write it a moment later; until then a
        claim of the key in this process already answers DONE."""

    @abc.abstractmethod
    def failed(self, request_id: str, status: bytes, now: datetime) -> None: ...

    @abc.abstractmethod
    def release(self, request_id: str) -> None:
        """Nothing took effect: forget the key, so a retry with it acts anew."""

    @abc.abstractmethod
    def purge(self, before: datetime) -> int:
        """Forget keys claimed before `before`; returns how many."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Store whatever is still held in memory (at shutdown)."""
