"""Priority and skip rules: configuration (settings `queues.*`), applied by the domain."""
from __future__ import annotations

from dataclasses import dataclass

from domain.queues.model import POSITION_STEP, PriorityFlags, QueueEntry

RULES = ("emergency", "elderly", "returning_with_results")


@dataclass(frozen=True)
class QueueRules:
    priority: tuple[str, ...] = RULES  # rules in order, the first served first; one left out gives no priority
    elderly_age: int = 80  # "elderly" applies from this age on
    skip_places: int = 3  # a skipped patient goes back behind the next this many waiting
    no_show_after_skips: int = 2  # the skip that makes this many turns the entry NO_SHOW (0: never)

    def __post_init__(self) -> None:
        unknown = [r for r in self.priority if r not in RULES]
        if unknown or len(set(self.priority)) != len(self.priority):
            raise ValueError(f"queues.priority: {list(self.priority)} must name distinct rules of {list(RULES)}")
        if self.skip_places < 0 or self.no_show_after_skips < 0 or self.elderly_age < 0:
            raise ValueError("queues: skip_places, no_show_after_skips and elderly_age must not be negative")

    def rank(self, flags: PriorityFlags) -> int:
        """0 for the first rule that applies, 1 for the second...; len(priority) when none does."""
        for n, rule in enumerate(self.priority):
            if rule == "emergency" and flags.emergency:
                return n
            if rule == "elderly" and flags.age is not None and flags.age >= self.elderly_age:
                return n
            if rule == "returning_with_results" and flags.returning_with_results:
                return n
        return len(self.priority)


def ordered(entries: list[QueueEntry]) -> list[QueueEntry]:
    return sorted(entries, key=lambda e: e.order)


def skip_place(waiting: list[QueueEntry], places: int) -> tuple[int, int] | None:
    """(rank, position) behind the `places`-th of `waiting` (in queue order, the skipped entry not
    among them): between it and the one after; None when nobody waits (the entry keeps its place)."""
    if not waiting:
        return None
    at = min(max(places, 1), len(waiting)) - 1
    before = waiting[at]
    after = waiting[at + 1] if at + 1 < len(waiting) else None
    if after is not None and after.rank == before.rank and after.position - before.position > 1:
        return before.rank, (before.position + after.position) // 2
    # next in line is of another rank (or none, or no room): just behind `before`, the number breaks ties
    return before.rank, before.position + (1 if after is not None else POSITION_STEP)
