"""Searching the 医保 diagnosis catalogues (1307 ICD-10, 1314 中医疾病, 1315 中医证候) the way
clinicians type: by code, by name, by pinyin initials (gxy -> 高血压) or full pinyin (gaoxueya).

Two ports: the keys a name is searched by (pinyin needs a library, so it lives in an adapter), and
the index itself (search keys beside catalog_items, rebuilt per kind after a sync).
"""
from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

# catalog_items.kind of the diagnosis catalogues (services.catalog_sync.KINDS names them)
DIAGNOSIS_KINDS = ("disease", "tcm_disease", "tcm_syndrome")


@dataclass(frozen=True)
class NameKeys:
    initials: str  # 高血压 -> "gxy"; Latin letters and digits kept as typed, lower case: 2型糖尿病 -> "2xtnb"
    pinyin: str  # 高血压 -> "gaoxueya"


@dataclass(frozen=True)
class DiagnosisHit:
    code: str
    name: str
    kind: str


class SearchKeys(abc.ABC):
    @abc.abstractmethod
    def keys(self, name: str) -> NameKeys:
        """The keys a name is found by: lower-case ASCII letters and digits only."""


class DiagnosisIndex(abc.ABC):
    @abc.abstractmethod
    def search(self, query: str, kinds: Sequence[str], limit: int) -> list[DiagnosisHit]:
        """Valid rows matching `query` in the given kinds, best first: exact code, code prefix,
        initials prefix, full pinyin prefix, name prefix, name substring; within a rank codes in
        code order, names shorter first. `query` is already checked (non-empty, short, printable)."""

    @abc.abstractmethod
    def reindex(self, kind: str) -> int:
        """Rebuild the kind's keys from its valid catalogue rows; returns how many are indexed."""
