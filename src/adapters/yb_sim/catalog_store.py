"""The catalogues the simulated platform has published: per kind an append-only list of versions.

A version (Block) holds its hand-published rows (the settleable demo items, changes made by tests)
and a range of synthetic rows it does not store: those are regenerated on demand by
catalog_data.generate, so a kind may be seeded with a million rows at no memory cost. A published
version never changes, which is what lets a download be produced later from a snapshot.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from adapters.yb_sim.catalog_base import Stamp
from adapters.yb_sim.catalog_data import DEFAULT_SIZES, DEFAULT_VERSIONS, KINDS, complete_row, generate, kind, \
    next_version
from adapters.yb_sim.catalog_items import LIST_TYPE, TAG, item_row, kind_of
from adapters.yb_sim.catalog_orgs import SELF_CODE
from adapters.yb_sim.demo_items import DemoItem, demo_items


@dataclass(frozen=True)
class Block:
    version: str
    start: int = 0  # synthetic rows start .. start+count-1
    count: int = 0
    rows: tuple[dict, ...] = ()  # complete rows published by hand (read-only: callers copy)

    def __len__(self) -> int:
        return len(self.rows) + self.count

    def iter_rows(self, kind_name: str) -> Iterator[dict]:
        yield from self.rows
        if self.count:
            yield from generate(kind_name, self.count, self.start, self.version)


class KindCatalog:
    def __init__(self, name: str):
        self.spec = kind(name)
        self.blocks: list[Block] = []
        self._next_start = 0
        self._published = 0  # hand-published rows so far: keeps their rid unique

    @property
    def newest(self) -> str:
        return self.blocks[-1].version if self.blocks else ""

    def publish(self, rows: Iterable[dict] = (), count: int = 0, name: str | None = None) -> str:
        name = name or (next_version(self.newest) if self.blocks else DEFAULT_VERSIONS[0])
        Stamp(name)  # refuses a malformed name
        if self.blocks and name <= self.newest:
            raise ValueError(f"{self.spec.name}: version {name} is not newer than {self.newest}")
        if count < 0:
            raise ValueError("count must not be negative")
        done = tuple(complete_row(self.spec.name, dict(r), name, self._published + n) for n, r in enumerate(rows))
        self._published += len(done)
        self.blocks.append(Block(name, self._next_start, count, done))
        self._next_start += count
        return name

    def after(self, ver: str) -> tuple[Block, ...]:
        """The versions newer than `ver` (a caller's local maximum; "0" or "" for none yet)."""
        return tuple(b for b in self.blocks if b.version > ver)

    def rows(self, blocks: Sequence[Block]) -> Iterator[dict]:
        for block in blocks:
            yield from block.iter_rows(self.spec.name)

    def current(self) -> Iterator[dict]:
        """Each code once, as its latest version has it. Synthetic codes never repeat one another;
        a hand-published row replaces any earlier row of its code, synthetic or not."""
        key = self.spec.code_key
        latest: dict[str, dict] = {}
        for block in self.blocks:
            for row in block.rows:
                latest[row[key]] = row
        for block in self.blocks:
            for row in block.rows:
                if latest[row[key]] is row:
                    yield row
            if block.count:
                for row in generate(self.spec.name, block.count, block.start, block.version):
                    if row[key] not in latest:
                        yield row

    def find(self, code: str) -> dict | None:
        return next((r for r in self.current() if r[self.spec.code_key] == code), None)


class CatalogStore:
    def __init__(self, items: Iterable[DemoItem], sizes: Sequence[int] = DEFAULT_SIZES,
                 versions: Sequence[str] = DEFAULT_VERSIONS):
        items = list(items)
        self.kinds = {name: KindCatalog(name) for name in KINDS}
        first = versions[0]
        self._item_rows: dict[str, list[dict]] = {}
        for n, item in enumerate(items):
            self._item_rows.setdefault(kind_of(item), []).append(item_row(item, Stamp(first), n))
        for name, catalog in self.kinds.items():
            for i, (version, size) in enumerate(zip(versions, sizes)):
                catalog.publish(self._item_rows.get(name, ()) if i == 0 else (), size, version)
        # 1317: what each institution has matched its own codes to; the simulator's own HIS has
        # matched every settleable item
        self.matches: dict[str, dict[str, dict]] = {SELF_CODE: {}}
        for n, item in enumerate(items):
            k = kind_of(item)
            self.match(SELF_CODE, f"{TAG[k]}{n + 1:05d}", item.name, item.med_list_codg, LIST_TYPE[k], first)

    def match(self, fixmedins_code: str, medins_list_codg: str, medins_list_name: str, med_list_codg: str,
              list_type: str, version: str) -> dict:
        stamp = Stamp(version)
        row = {"fixmedins_code": fixmedins_code, "medins_list_codg": medins_list_codg,
               "medins_list_name": medins_list_name, "list_type": list_type, "med_list_codg": med_list_codg,
               "begndate": stamp.date_text, "enddate": None, "updt_time": stamp.time_text, "vali_flag": "1"}
        self.matches.setdefault(fixmedins_code, {})[medins_list_codg] = row
        return row

    def reseed(self, name: str, sizes: Sequence[int], versions: Sequence[str] | None = None) -> list[str]:
        """Replace a kind's versions by synthetic ones of these sizes (e.g. one of 1,000,000 rows).
        Rows published by hand go with them, except the settleable items, which stay in the first."""
        catalog = KindCatalog(name)
        for i, size in enumerate(sizes):
            name_i = versions[i] if versions and i < len(versions) else None
            catalog.publish(self._item_rows.get(name, ()) if i == 0 else (), size, name_i)
        self.kinds[name] = catalog
        return [b.version for b in catalog.blocks]


def store(state, items: Iterable[DemoItem] | None = None) -> CatalogStore:
    """The catalogues of one simulator (created on first use from its settleable items)."""
    return state.section("catalogs", lambda: CatalogStore(demo_items() if items is None else items))
