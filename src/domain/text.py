"""Text that came from outside: what may be in it, and how much of it an error message repeats.

Every request string passes these two rules before it is stored or sent to the platform. Control
characters break the platform's fixed-format fields and terminals that print the journal; bidi
marks make a code read differently from what it is (U+202E turns "123" into what looks like "321").
An error message repeats only a short excerpt of what it refuses: a 100,000-character value echoed
back would not fit the reply's metadata.
"""
from __future__ import annotations

import re

EXCERPT = 40  # characters of a refused value an error message may repeat

# C0 controls (TAB, LF and CR are allowed only where free text is: see `forbidden_character`),
# DEL and C1 controls, and the Unicode formatting marks that reorder or hide text.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI_AND_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_FORBIDDEN = re.compile(f"[{_CONTROLS}{_BIDI_AND_INVISIBLE}]")
_FORBIDDEN_IN_LINE = re.compile(f"[\t\n\r{_CONTROLS}{_BIDI_AND_INVISIBLE}]")


def forbidden_character(text: str, multiline: bool = False) -> int | None:
    """Index of the first character a request may not carry, or None. `multiline`: free text
    (a complaint, a note), where TAB, LF and CR are allowed."""
    found = (_FORBIDDEN if multiline else _FORBIDDEN_IN_LINE).search(text)
    return found.start() if found else None


def describe_forbidden(text: str, index: int) -> str:
    """A violation's description of the character at `index`, without repeating the text."""
    return f"contains a control or formatting character (U+{ord(text[index]):04X} at position {index})"


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """repr() of a value cut to `limit` characters, saying how long it was when cut."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"
