"""The transaction catalogue as objects: one source of truth for validation, the HTTP adapter,
the simulator and the generic call."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str  # string | decimal | integer | date | datetime | bytes | array
    required: bool = False
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    dict: str | None = None
    unconfirmed: bool = False  # the sources disagree on or do not confirm something about it
    items: tuple[FieldSpec, ...] = ()
    # Whether it is required is what is in doubt (sources disagree, or none says): a request
    # without it is warned about, never refused for that alone.
    required_unconfirmed: bool = False
    large_text: bool = False  # 大文本: free text or a Base64 document, printed without a length

    @classmethod
    def from_json(cls, d: dict) -> FieldSpec:
        return cls(name=d["name"], label=d.get("label", ""), type=d["type"], required=d.get("required", False),
                   length=d.get("length"), precision=d.get("precision"), scale=d.get("scale"), dict=d.get("dict"),
                   unconfirmed=d.get("unconfirmed", False),
                   items=tuple(cls.from_json(x) for x in d.get("items", ())),
                   required_unconfirmed=d.get("required_unconfirmed", False), large_text=d.get("large_text", False))

    @cached_property
    def item_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.items)


@dataclass(frozen=True)
class NodeSpec:
    name: str
    kind: str  # object | array
    fields: tuple[FieldSpec, ...]
    open: bool = False  # no public field list: any fields pass, unchecked
    unconfirmed: bool = False  # its name (or its being there at all) is not confirmed by a public source
    note: str = ""  # what the spec says about it, e.g. why it is unconfirmed

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @cached_property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)


@dataclass(frozen=True)
class Transaction:
    code: str
    name: str
    group: str
    call_mode: str
    description: str
    reversible: bool
    gateway: str
    file_based: bool
    applicable: bool
    fields_source: str  # spec | convention
    input: tuple[NodeSpec, ...]
    output: tuple[NodeSpec, ...]
    replaced_by: str = ""
    in_hubei_list: bool = True
    unconfirmed: bool = False
    spec_code: str = ""  # the spelling the spec files use, where the Hubei list differs (4101a / 4101A)
    files: dict = field(default_factory=dict)  # upload_file / result_file / file_columns descriptions

    def input_node(self, name: str) -> NodeSpec | None:
        return next((n for n in self.input if n.name == name), None)

    def output_node(self, name: str) -> NodeSpec | None:
        return next((n for n in self.output if n.name == name), None)


@dataclass(frozen=True)
class Dictionary:
    name: str
    label: str
    closed: bool
    codes: dict = field(default_factory=dict)


def _nodes(d: dict) -> tuple[NodeSpec, ...]:
    return tuple(NodeSpec(name, n["kind"], tuple(FieldSpec.from_json(f) for f in n["fields"]), n.get("open", False),
                          n.get("unconfirmed", False), n.get("note", ""))
                 for name, n in d.items())


class Catalogue:
    def __init__(self, transactions: dict[str, Transaction], dictionaries: dict[str, Dictionary]):
        self.transactions = transactions
        self.dictionaries = dictionaries
        # codes never differ in case alone (4101a, 2201A, 1312a ...): one folded key each
        self._folded = {code.lower(): tx for code, tx in transactions.items()}
        if len(self._folded) != len(transactions):
            raise ValueError("transaction codes that differ in case alone cannot be looked up case-insensitively")

    def get(self, code: str) -> Transaction | None:
        """The transaction whatever the case of `code` (4101A finds 4101a); its `.code` is the
        platform's spelling, the one to send. On every call's path: the exact key is tried first."""
        tx = self.transactions.get(code)
        if tx is None and isinstance(code, str):
            tx = self._folded.get(code.lower())
        return tx

    def __contains__(self, code: str) -> bool:
        return self.get(code) is not None

    def __iter__(self):
        return iter(self.transactions.values())

    @classmethod
    def from_data(cls, transactions: dict, dicts: dict) -> Catalogue:
        txs = {}
        for code, t in transactions.items():
            txs[code] = Transaction(
                code=code, name=t["name"], group=t["group"], call_mode=t["call_mode"],
                description=t.get("description", ""), reversible=t["reversible"], gateway=t["gateway"],
                file_based=t["file_based"], applicable=t["applicable"], fields_source=t["fields_source"],
                input=_nodes(t["input"]), output=_nodes(t["output"]), replaced_by=t.get("replaced_by", ""),
                in_hubei_list=t.get("in_hubei_list", True), unconfirmed=t.get("unconfirmed", False),
                spec_code=t.get("spec_code", ""),
                files={k: t[k] for k in ("upload_file", "result_file", "file_columns") if k in t})
        ds = {name: Dictionary(name, d["label"], d["closed"], d["codes"]) for name, d in dicts.items()}
        return cls(txs, ds)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue the project ships (src/ports/catalogue/data)."""
    data = resources.files("ports.catalogue") / "data"
    transactions = json.loads((data / "transactions.json").read_text(encoding="utf-8"))
    dicts = json.loads((data / "dicts.json").read_text(encoding="utf-8"))
    return Catalogue.from_data(transactions, dicts)
