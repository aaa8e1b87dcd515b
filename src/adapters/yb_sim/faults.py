"""Fault injection: rules that make the next matching call misbehave the way networks and
gateways do, so callers can prove they survive it (journal, 冲正, retries)."""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal

from ports.jsoncodec import encode_json

# What each action does, in memory (SimulatorPlatform.execute) / over HTTP (SimulatorHttpFront):
ACTIONS = (
    "delay",                 # sleep `seconds`, then answer normally
    "timeout_after_commit",  # act, then never answer (HTTP: hold the socket `seconds`, then close)
    "drop_before_commit",    # lose the request: nothing happens, no answer
    "drop_after_commit",     # act, then close the connection without an answer
    "error_reply",           # answer infcode -1 without acting
    "garbage_after_commit",  # act, then answer a body that is not an envelope (HTML 502 page)
    "gateway_error",         # the gateway answers its own error JSON (HTTP 500), nothing happens
    # The platform commits `seconds` after receiving, whatever the caller does meanwhile (HTTP: the
    # connection is held, then answered if the client is still there; in memory: no answer at once)
    "late_commit",
    "reset_before_commit",   # the TCP connection is reset (RST) before the platform sees the request
    "reset_after_commit",    # act, then reset the connection
    "bad_gateway_after_commit",  # act, then the gateway answers HTTP 502 with an HTML page
    # the network delivers the request twice: the first acts, the second is refused as 报文ID重复,
    # and the caller hears the second's answer
    "duplicate_delivery",
    # Acts and answers infcode 0, but writes the reply the way some real platforms do:
    "null_part_amounts",     # setlinfo.psn_part_amt / hosp_part_amt null (Hebei 2208, Chongqing 2305)
    "uneven_sums",           # setlinfo.psn_cash_pay one cent above what the other amounts add up to
    "warn_message",          # a warning in err_msg beside infcode 0
)
# act, then the caller hears nothing it can read
COMMITTING = frozenset({"timeout_after_commit", "drop_after_commit", "garbage_after_commit", "reset_after_commit",
                        "bad_gateway_after_commit"})
ODDLY_WRITTEN = frozenset({"null_part_amounts", "uneven_sums", "warn_message"})
WARNING_TEXT = "提示：本次结算已享受门诊统筹待遇（模拟）"
DEFAULT_HOLD_SECONDS = 30.0  # how long timeout_after_commit holds a socket when seconds is 0


def oddly_written(action: str, output: dict) -> tuple[dict, str]:
    """A successful reply's output as a platform that writes it this way sends it, and the message
    it puts beside infcode 0."""
    setlinfo = output.get("setlinfo") if isinstance(output, dict) else None
    if action == "warn_message":
        return output, WARNING_TEXT
    if isinstance(setlinfo, dict):
        changed = dict(setlinfo)
        if action == "null_part_amounts":
            changed.update(psn_part_amt=None, hosp_part_amt=None)
        elif action == "uneven_sums" and changed.get("psn_cash_pay") is not None:
            changed["psn_cash_pay"] = changed["psn_cash_pay"] + Decimal("0.01")
        output = dict(output, setlinfo=changed)
    return output, ""


def input_text(input: Mapping | str) -> str:
    """The request's input as JSON text, what `contains` looks in."""
    return input if isinstance(input, str) else encode_json(input)


@dataclass
class Fault:
    """One rule. infno None matches every transaction; times < 0 means every matching call;
    `contains`, when given, must occur in the request's input JSON text (a psn_no, a feedetl_sn),
    so one visit can be aimed at while others run beside it."""

    infno: str | None
    action: str
    times: int = 1
    seconds: float = 0
    contains: str = ""

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; known: {', '.join(ACTIONS)}")
        if self.seconds < 0:
            raise ValueError("seconds must not be negative")
        if self.times == 0:
            raise ValueError("times must be positive (or negative for unlimited)")

    def matches(self, infno: str, text: str = "") -> bool:
        return (self.infno is None or self.infno == infno) and self.contains in text

    def as_dict(self) -> dict:
        return asdict(self)


class FaultPlan:
    """Rules in the order added; the first matching one fires. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(self, infno: str | None = None, action: str = "error_reply", times: int = 1,
            seconds: float = 0, contains: str = "") -> Fault:
        fault = Fault(infno or None, action, int(times), float(seconds), str(contains or ""))
        with self._lock:
            self._rules.append(fault)
        return fault

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, infno: str, input: Mapping | str = "") -> Fault | None:
        """The fault to apply to this call (input: the request's input, a dict or its JSON text),
        used up by one; None when no rule matches."""
        text: str | None = None  # encoded only when a rule asks for it
        with self._lock:
            for rule in self._rules:
                if rule.contains and text is None:
                    text = input_text(input)
                if rule.matches(infno, text or ""):
                    if rule.times > 0:
                        rule.times -= 1
                        if rule.times == 0:
                            self._rules.remove(rule)
                    return Fault(rule.infno, rule.action, 1, rule.seconds, rule.contains)
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(r.infno, r.action, r.times, r.seconds, r.contains) for r in self._rules]
