"""The 医保 platform port: execute one transaction by code.

Adapters: `adapters.yb_http` (the real platform over HTTP) and `adapters.yb_sim` (an in-memory
platform). Both receive the same `PlatformRequest` and either return the decoded `output` or raise
one of the errors below; nothing else may escape them.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime

from domain.operator import Operator


@dataclass(frozen=True)
class PlatformRequest:
    infno: str
    msgid: str
    input: dict
    operator: Operator
    inf_time: datetime
    sign_no: str = ""
    insuplc_admdvs: str = ""


@dataclass(frozen=True)
class PlatformReply:
    """A decoded success (infcode 0): output nodes with money as Decimal.

    infcode 0 means the platform acted, so a reply is a success whatever else it holds: the text a
    platform puts in err_msg / warn_msg beside infcode 0 is kept as `message`, and fields the
    catalogue cannot read (a non-number where money belongs) are listed in `problems` and passed on
    as received, to be recorded as discrepancies, never turned into doubt."""

    output: dict
    inf_refmsgid: str = ""
    warn_msg: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    message: str = ""  # err_msg (or warn_msg) the platform sent with infcode 0
    problems: tuple = ()  # FieldViolations of the output against the catalogue


class PlatformError(Exception):
    """Base of what a platform adapter may raise."""

    def __init__(self, message: str, msgid: str = ""):
        super().__init__(message)
        self.msgid = msgid


class PlatformRefused(PlatformError):
    """The platform answered infcode != 0: the transaction did not take effect."""

    def __init__(self, infcode: int, err_msg: str, msgid: str = "", inf_refmsgid: str = ""):
        super().__init__(f"platform refused ({infcode}): {err_msg}", msgid)
        self.infcode = infcode
        self.err_msg = err_msg
        self.inf_refmsgid = inf_refmsgid

    @property
    def sign_in_invalid(self) -> bool:
        # Platforms word it differently (签到信息不存在 / 签到流水号无效 / 未签到); all name 签到.
        return "签到" in (self.err_msg or "")


class PlatformUnreachable(PlatformError):
    """The request never reached the platform (connect refused, DNS, TLS): nothing happened."""


class PlatformOutcomeUnknown(PlatformError):
    """Sent, but no trustworthy answer came back (timeout, dropped connection, garbage body,
    a gateway error without infcode). The platform may or may not have acted."""


class ReplyInvalid(PlatformOutcomeUnknown):
    """A reply arrived that cannot be read at all (an encrypted output without its key): whether
    the platform acted is unknown. A readable reply with odd fields is a PlatformReply with problems."""

    def __init__(self, message: str, violations: list, msgid: str = ""):
        super().__init__(message, msgid)
        self.violations = violations


MSGID_TIME_FORMAT = "%Y%m%d%H%M%S"


def msgid_prefix(fixmedins_code: str, when: datetime) -> str:
    return f"{fixmedins_code}{when.strftime(MSGID_TIME_FORMAT)}"


def make_msgid(fixmedins_code: str, when: datetime, seq: int) -> str:
    """msgid = 定点医药机构编号 + yyyyMMddHHmmss + 4-digit sequence; the key 2601 reverses by."""
    if not 0 <= seq <= 9999:
        raise OverflowError(f"msgid sequence {seq} out of 0..9999")
    return f"{msgid_prefix(fixmedins_code, when)}{seq:04d}"


class Platform(abc.ABC):
    @abc.abstractmethod
    def execute(self, request: PlatformRequest) -> PlatformReply:
        """Send one transaction. Raises PlatformRefused / PlatformUnreachable / PlatformOutcomeUnknown."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
