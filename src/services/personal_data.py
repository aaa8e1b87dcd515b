"""The personal values in play: what the current call has learnt of a person (a certno, a name), so
that text about the call can be masked (domain.privacy) even where nothing in its shape shows it.

A gRPC call opens a `scope` (services.grpc.interceptors.map_errors); code that learns a person's data
`declare`s it; the log filter (services.log_masking) and the error mapping read `in_play()`. The
values live in a context variable: each call sees its own, and they are gone when it ends. Outside a
scope `declare` does nothing.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from domain.privacy import is_personal_field, worth_masking

MAX_VALUES = 256  # a call that lists many persons keeps the latest; the rest are still masked by shape

class _Held:
    """A scope's values, and the bodies declared whole: read for their personal fields only when
    something is about to be masked (a log line, an error status), which most calls never need."""

    __slots__ = ("values", "bodies")

    def __init__(self) -> None:
        self.values: dict[str, None] = {}
        self.bodies: list[object] = []


_IN_PLAY: ContextVar[_Held | None] = ContextVar("personal_values_in_play", default=None)
MAX_BODIES = 64  # beyond that, bodies are read at once rather than kept


@contextmanager
def scope() -> Iterator[None]:
    """Values declared inside belong to this scope and are forgotten when it ends."""
    token = _IN_PLAY.set(_Held())
    try:
        yield
    finally:
        _IN_PLAY.reset(token)


def declare(*values: object) -> None:
    """These values are a person's data (empty and too short ones are ignored)."""
    held = _IN_PLAY.get()
    if held is not None:
        _keep(held.values, values)


def _keep(kept: dict[str, None], values) -> None:
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if text and worth_masking(text):
            kept.pop(text, None)
            kept[text] = None
    while len(kept) > MAX_VALUES:
        del kept[next(iter(kept))]


def declare_fields(body: object) -> None:
    """Declare the value of every personal field (domain.privacy.is_personal_field) in a request or
    reply body, at any depth. On every platform call's path: the body is only noted here, and read
    when in_play() is asked."""
    held = _IN_PLAY.get()
    if held is None:
        return
    held.bodies.append(body)
    if len(held.bodies) > MAX_BODIES:
        _read_bodies(held)


def _read_bodies(held: _Held) -> None:
    found: list[str] = []
    for body in held.bodies:
        _walk(body, found)
    held.bodies.clear()
    _keep(held.values, found)


def _walk(body: object, found: list[str]) -> None:
    if isinstance(body, Mapping):
        for key, value in body.items():
            if isinstance(value, str):
                if is_personal_field(str(key)):
                    found.append(value)
            elif isinstance(value, (dict, list, tuple)) or isinstance(value, Mapping):
                _walk(value, found)
    elif isinstance(body, (list, tuple)):
        for item in body:
            if isinstance(item, (dict, list, tuple)) or isinstance(item, Mapping):
                _walk(item, found)


def in_play() -> tuple[str, ...]:
    held = _IN_PLAY.get()
    if held is None:
        return ()
    if held.bodies:
        _read_bodies(held)
    return tuple(held.values)
