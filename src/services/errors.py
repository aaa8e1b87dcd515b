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

    `outcome` says what is known: "not_sent" (nothing happened), "reversed" (it may have happened
    and was undone by 冲正), "unresolved" (it may have happened; the journal entry stays open until
    recovery settles it)."""

    def __init__(self, infno: str, message: str, msgid: str, journal_id: int | None, outcome: str):
        super().__init__(f"医保平台不可用 ({infno}, {outcome}): {message}")
        self.infno, self.msgid, self.journal_id, self.outcome = infno, msgid, journal_id, outcome
