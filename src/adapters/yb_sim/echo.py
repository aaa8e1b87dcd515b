"""What a refusal's message may repeat of the value it refuses: the value itself when short and
plain (as the platform's 交易编号[9999]不存在), else only an excerpt of it (domain.text)."""
from __future__ import annotations

from domain.text import EXCERPT, excerpt, forbidden_character


def shown(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if len(text) <= EXCERPT and forbidden_character(text) is None:
        return text
    return excerpt(text)
