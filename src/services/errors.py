"""Failures the service layer reports about the platform, in terms a caller can act on."""
from __future__ import annotations

from domain.errors import DomainError


class PlatformRejected(DomainError):
    """The platform refused the transaction (infcode != 0); nothing took effect there."""

    def __init__(self, infno: str, infcode: int, err_msg: str, msgid: str, journal_id: int | None):
        super().__init__(f"医保平台拒绝 {infno} ({infcode}): {err_msg}")
        self.infno, self.infcode, self.err_msg, self.msgid, self.journal_id = infno, infcode, err_msg, msgid, journal_id


class PlatformUnavailable(DomainError):
    """The platform could not be reached or gave no trustworthy answer.

    `outcome` says what is known: "not_sent" (nothing happened), "reversed" (it had been sent, and
    冲正 proved the platform holds no trace of it), "not_applied" (a query proved it never took
    effect), "applied" (a query proved it did), "repeatable" (an idempotent call: sending it again
    has one effect), "unresolved" (it may have happened; the journal entry stays open and the
    resolver settles it: ask again after `retry_after` seconds)."""

    def __init__(self, infno: str, message: str, msgid: str, journal_id: int | None, outcome: str,
                 retry_after: float | None = None):
        super().__init__(f"医保平台不可用 ({infno}, {outcome}): {message}")
        self.infno, self.msgid, self.journal_id, self.outcome = infno, msgid, journal_id, outcome
        self.retry_after = retry_after
