"""Fault injection: rules that make the next matching call misbehave the way networks and
gateways do, so callers can prove they survive it (journal, 冲正, retries)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

# What each action does, in memory (SimulatorPlatform.execute) / over HTTP (SimulatorHttpFront):
ACTIONS = (
    "delay",                 # sleep `seconds`, then answer normally
    "timeout_after_commit",  # act, then never answer (HTTP: hold the socket `seconds`, then close)
    "drop_before_commit",    # lose the request: nothing happens, no answer
    "drop_after_commit",     # act, then close the connection without an answer
    "error_reply",           # answer infcode -1 without acting
    "garbage_after_commit",  # act, then answer a body that is not an envelope (HTML 502 page)
    "gateway_error",         # the gateway answers its own error JSON (HTTP 500), nothing happens
    # Acts and answers infcode 0, but writes the reply the way some real platforms do:
    "null_part_amounts",     # setlinfo.psn_part_amt / hosp_part_amt null (Hebei 2208, Chongqing 2305)
    "uneven_sums",           # setlinfo.psn_cash_pay one cent above what the other amounts add up to
    "warn_message",          # a warning in err_msg beside infcode 0
)
COMMITTING = frozenset({"timeout_after_commit", "drop_after_commit", "garbage_after_commit"})
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


@dataclass
class Fault:
    """One rule. infno None matches every transaction; times < 0 means every matching call."""

    infno: str | None
    action: str
    times: int = 1
    seconds: float = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; known: {', '.join(ACTIONS)}")
        if self.seconds < 0:
            raise ValueError("seconds must not be negative")
        if self.times == 0:
            raise ValueError("times must be positive (or negative for unlimited)")

    def matches(self, infno: str) -> bool:
        return self.infno is None or self.infno == infno


class FaultPlan:
    """Rules in the order added; the first matching one fires. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(self, infno: str | None = None, action: str = "error_reply", times: int = 1,
            seconds: float = 0) -> Fault:
        fault = Fault(infno or None, action, int(times), float(seconds))
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

    def take(self, infno: str) -> Fault | None:
        """The fault to apply to this call, used up by one; None when no rule matches."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(infno):
                    if rule.times > 0:
                        rule.times -= 1
                        if rule.times == 0:
                            self._rules.remove(rule)
                    return Fault(rule.infno, rule.action, 1, rule.seconds)
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(r.infno, r.action, r.times, r.seconds) for r in self._rules]
