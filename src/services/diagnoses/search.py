"""Diagnosis search: check what was typed, then ask the index."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from domain.errors import FieldViolation, ValidationFailed
from ports.diagnosis_search import DIAGNOSIS_KINDS, DiagnosisHit, DiagnosisIndex

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY = 50
# a kind by name or by the download that fills it
_KIND_NAMES = {**{k: k for k in DIAGNOSIS_KINDS}, "1307": "disease", "1314": "tcm_disease", "1315": "tcm_syndrome"}


class DiagnosisSearchService:
    def __init__(self, index: DiagnosisIndex):
        self.index = index

    def search(self, query: str, kinds: Sequence[str] = (), limit: int = 0) -> list[DiagnosisHit]:
        """Valid diagnoses matching `query` (code, name, pinyin initials or full pinyin), best first.
        `kinds`: disease / tcm_disease / tcm_syndrome (or 1307 / 1314 / 1315), default all;
        `limit`: 0 for the default (20), at most 100. Raises ValidationFailed naming the field."""
        violations: list[FieldViolation] = []
        text = query.strip()
        if not text:
            violations.append(FieldViolation("query", "is required"))
        elif len(text) > MAX_QUERY:
            violations.append(FieldViolation("query", f"is longer than {MAX_QUERY} characters"))
        elif any(unicodedata.category(ch).startswith("C") for ch in text):
            violations.append(FieldViolation("query", "holds control characters"))
        wanted = []
        for i, kind in enumerate(kinds):
            if kind not in _KIND_NAMES:
                violations.append(FieldViolation(f"kinds[{i}]", f"is not a diagnosis catalogue; known: "
                                                               f"{', '.join(_KIND_NAMES)}"))
            elif _KIND_NAMES[kind] not in wanted:
                wanted.append(_KIND_NAMES[kind])
        if not 0 <= limit <= MAX_LIMIT:
            violations.append(FieldViolation("limit", f"must be between 1 and {MAX_LIMIT} (0: {DEFAULT_LIMIT})"))
        if violations:
            raise ValidationFailed(violations)
        return self.index.search(text, wanted, limit or DEFAULT_LIMIT)

    def reindex(self, kinds: Sequence[str] = DIAGNOSIS_KINDS) -> dict[str, int]:
        """Rebuild the keys of catalogues synced before the index existed: rows indexed per kind."""
        return {kind: self.index.reindex(kind) for kind in kinds}
