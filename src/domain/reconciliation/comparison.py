"""The row-level comparison (对明细账): each settlement on one side only, or on both with different
amounts. Linear in the rows: one dictionary per side, keyed by setl_id."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from domain.reconciliation.ledger import Amounts, LedgerRow


class FindingKind(str, Enum):
    PLATFORM_ONLY = "PLATFORM_ONLY"  # 中心有、医药机构无: the platform holds a settlement we do not
    HIS_ONLY = "HIS_ONLY"  # 医药机构有、中心无: we hold a settlement the platform does not
    AMOUNTS_DIFFER = "AMOUNTS_DIFFER"  # both hold it, with different amounts
    UNSETTLED = "UNSETTLED"  # a visit / stay left SETTLING past the journal's doubt
    ARITHMETIC = "ARITHMETIC"  # the platform's figures did not add up when it was recorded


ONE_SIDED = (FindingKind.PLATFORM_ONLY, FindingKind.HIS_ONLY, FindingKind.AMOUNTS_DIFFER)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    key: str  # setl_id; the record's id for UNSETTLED
    ours: LedgerRow | None
    theirs: LedgerRow | None
    memo: str = ""
    source: str = ""  # what found it: 3202, 5262, 5267, settlement, resolver

    @property
    def row(self) -> LedgerRow:
        """The side that describes it (ours when both do: it names our record)."""
        return self.ours or self.theirs  # type: ignore[return-value]


def compare(ours: Iterable[LedgerRow], theirs: Iterable[LedgerRow], source: str) -> list[Finding]:
    """Every settlement on one side only or with differing compared amounts, ours first in our order,
    then the platform's own in its order."""
    mine = {r.setl_id: r for r in ours}
    found: list[Finding] = []
    seen: set[str] = set()
    for row in theirs:
        seen.add(row.setl_id)
        our = mine.get(row.setl_id)
        if our is None:
            found.append(Finding(FindingKind.PLATFORM_ONLY, row.setl_id, None, row, "中心有此结算，医药机构没有", source))
            continue
        differing = our.amounts.differing(row.amounts)
        if differing:
            found.append(Finding(FindingKind.AMOUNTS_DIFFER, row.setl_id, our, row, "；".join(differing), source))
    only_ours = [Finding(FindingKind.HIS_ONLY, k, r, None, "医药机构有此结算，中心没有", source)
                 for k, r in mine.items() if k not in seen]
    return only_ours + found


def merge(*lists: Iterable[Finding]) -> list[Finding]:
    """One finding per (kind, key): the first seen wins, the sources of the others are added to it."""
    merged: dict[tuple[FindingKind, str], Finding] = {}
    for findings in lists:
        for f in findings:
            known = merged.get((f.kind, f.key))
            if known is None:
                merged[(f.kind, f.key)] = f
            elif f.source and f.source not in known.source.split(","):
                merged[(f.kind, f.key)] = Finding(known.kind, known.key, known.ours or f.ours,
                                                  known.theirs or f.theirs, known.memo,
                                                  ",".join(s for s in (known.source, f.source) if s))
    return list(merged.values())


def amounts_of(row: LedgerRow | None) -> Amounts | None:
    return row.amounts if row is not None else None
