"""SearchKeys with pypinyin: initials and full pinyin of a diagnosis name.

Polyphonic characters take pypinyin's one reading (heteronym=False): it picks by its phrase
dictionary, so 血 in 高血压 reads xue and 行 in 行为 xing. Indexing every reading would multiply the
keys of long names; a clinician who types the other reading still finds the name by its code or
characters.
"""
from __future__ import annotations

from ports.diagnosis_search import NameKeys, SearchKeys


def _ascii_key(parts: list[str]) -> str:
    """Lower-case letters and digits only: punctuation and brackets are not typed when searching."""
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


class PinyinKeys(SearchKeys):
    def keys(self, name: str) -> NameKeys:
        # imported on first use: its dictionaries take a quarter of a second and some 40 MB, and
        # only indexing needs them (searching compares stored keys)
        from pypinyin import Style, lazy_pinyin

        # a run of Latin letters or digits comes back whole in both styles (IgA -> "iga")
        return NameKeys(initials=_ascii_key(lazy_pinyin(name, style=Style.FIRST_LETTER)),
                        pinyin=_ascii_key(lazy_pinyin(name, style=Style.NORMAL)))
