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

_IN_PLAY: ContextVar[dict[str, None] | None] = ContextVar("personal_values_in_play", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Values declared inside belong to this scope and are forgotten when it ends."""
    token = _IN_PLAY.set({})
    try:
        yield
    finally:
        _IN_PLAY.reset(token)


def declare(*values: object) -> None:
    """These values are a person's data (empty and too short ones are ignored)."""
    held = _IN_PLAY.get()
    if held is None:
        return
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if text and worth_masking(text):
            held.pop(text, None)
            held[text] = None
    while len(held) > MAX_VALUES:
        del held[next(iter(held))]


def declare_fields(body: object) -> None:
    """Declare the value of every personal field (domain.privacy.is_personal_field) in a request or
    reply body, at any depth."""
    if _IN_PLAY.get() is not None:
        _walk(body)


def _walk(body: object) -> None:
    # on every platform call's request and reply: plain type checks, and only containers recursed into
    if isinstance(body, Mapping):
        for key, value in body.items():
            if isinstance(value, str):
                if is_personal_field(str(key)):
                    declare(value)
            elif isinstance(value, (dict, list, tuple)) or isinstance(value, Mapping):
                _walk(value)
    elif isinstance(body, (list, tuple)):
        for item in body:
            if isinstance(item, (dict, list, tuple)) or isinstance(item, Mapping):
                _walk(item)


def in_play() -> tuple[str, ...]:
    held = _IN_PLAY.get()
    return tuple(held) if held else ()
