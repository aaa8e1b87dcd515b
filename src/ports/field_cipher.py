"""Personal data at rest: sealed (authenticated encryption) and, for exact lookup, a keyed digest.

A sealed value is bound to its purpose (the column it belongs to): one copied into another column
does not open. A digest is the same for the same value and purpose, so an equality lookup finds it,
and without the key it cannot be computed from a guessed identity number.
"""
from __future__ import annotations

import abc


class CannotOpen(Exception):
    """A sealed value was altered, belongs to another purpose, or was sealed under another key."""


class FieldCipher(abc.ABC):
    @abc.abstractmethod
    def seal(self, value: str, purpose: str) -> bytes: ...

    @abc.abstractmethod
    def open(self, sealed: bytes, purpose: str) -> str:
        """The value `seal` was given; CannotOpen otherwise."""

    @abc.abstractmethod
    def digest(self, value: str, purpose: str) -> str:
        """A keyed hash (hex) of `value`, for equality lookups."""
