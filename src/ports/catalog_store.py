"""Storage of the catalogues the platform publishes as version-incremental files (1307-1311, 1313-1315).

One row per (kind, code): the code's newest version as the platform sent it. A row never goes
back to an older version, so importing the same rows twice changes nothing. Beside the rows, one
checkpoint per kind: the version the table is complete up to, and the download being imported
(file number, lines committed), so an interrupted import resumes instead of starting over.

How each downloaded row counts, applied in file order against what the table (or an earlier row
of the same download) holds for its code:
    added      a code not held before, arriving valid (有效标志 "1")
    stopped    a code arriving not valid, that was valid or not held
    changed    a newer version of a held code (any other case)
    skipped    a version the table already holds, or an older one (re-imports after a failure)
"""
from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from domain.errors import ConcurrencyConflict

VALID = "1"
NULL_TEXT = "null"  # how the files write an empty value
NO_VERSION = "0"  # what 13xx takes as `ver` when nothing was downloaded yet


class CatalogRow(NamedTuple):
    """One line of a download. A NamedTuple: a million are made per big import, and stay cheap."""

    code: str
    name: str | None
    version: str
    valid: str  # 有效标志 as sent
    updated: str | None  # 数据更新时间, "yyyy-MM-dd HH:mm:ss"
    line: str  # the whole row as received: values tab-separated in the file's column order


@dataclass
class Tally:
    added: int = 0
    changed: int = 0
    stopped: int = 0
    skipped: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        self.added += other.added
        self.changed += other.changed
        self.stopped += other.stopped
        self.skipped += other.skipped
        return self

    @property
    def rows(self) -> int:
        return self.added + self.changed + self.stopped + self.skipped


@dataclass(frozen=True)
class PendingFile:
    """A download answered by 13xx and not yet fully imported."""

    file_qury_no: str
    filename: str
    dld_endtime: datetime | None
    data_cnt: int
    base_ver: str  # the `ver` it was asked with
    infno: str = ""


@dataclass
class Checkpoint:
    kind: str
    synced_ver: str = NO_VERSION  # the table holds every version up to this one
    file: PendingFile | None = None  # the import in progress, None when there is none
    rows_done: int = 0  # lines of that file committed
    newest_ver: str = ""  # the newest version among them
    tally: Tally = field(default_factory=Tally)  # that file's counts (or the last finished one's)
    columns: tuple[str, ...] = ()  # the order of the values in CatalogRow.line


@dataclass(frozen=True)
class CatalogItem:
    kind: str
    code: str
    name: str | None
    version: str
    valid: bool
    updated_at: datetime | None
    fields: dict[str, str | None]  # the whole row by column name ("null" read as None)


class CheckpointMoved(ConcurrencyConflict):
    """The checkpoint is not where the writer thought: another import of the kind is running."""


def fold(rows: Iterable[CatalogRow], held: Mapping[str, tuple[str, str]]) -> tuple[dict[str, CatalogRow], Tally]:
    """Apply rows in order to what is held (code -> (version, valid)). Returns the row to store per
    code (its newest) and how the rows counted. Adapters call this with what they read for a batch."""
    state = dict(held)
    final: dict[str, CatalogRow] = {}
    tally = Tally()
    for row in rows:
        before = state.get(row.code)
        if before is None:
            if row.valid == VALID:
                tally.added += 1
            else:
                tally.stopped += 1
        elif row.version <= before[0]:
            tally.skipped += 1
            continue
        elif row.valid != VALID and before[1] == VALID:
            tally.stopped += 1
        else:
            tally.changed += 1
        state[row.code] = (row.version, row.valid)
        final[row.code] = row
    return final, tally


class CatalogStore(abc.ABC):
    @abc.abstractmethod
    def checkpoint(self, kind: str) -> Checkpoint:
        """The kind's checkpoint (a fresh one when the kind was never synced)."""

    @abc.abstractmethod
    def start(self, kind: str, file: PendingFile, columns: Sequence[str]) -> Checkpoint:
        """Record the file about to be imported, at line 0. Replacing an unfinished file (it
        expired) keeps its counts: the rows it committed come back as skipped."""

    @abc.abstractmethod
    def write(self, kind: str, file_qury_no: str, at: int, lines: int, rows: Sequence[CatalogRow]) -> Tally:
        """In one transaction: store the rows (see fold) and move the checkpoint of that file from
        line `at` to `at + lines`. Raises CheckpointMoved, writing nothing, when the checkpoint is
        elsewhere or on another file (another import of the kind got there first)."""

    @abc.abstractmethod
    def finish(self, kind: str) -> Checkpoint:
        """The file is imported: the table is complete up to its newest version."""

    @abc.abstractmethod
    def item(self, kind: str, code: str) -> CatalogItem | None: ...

    @abc.abstractmethod
    def count(self, kind: str, valid_only: bool = False) -> int: ...
