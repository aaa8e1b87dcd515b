"""The formulary (院内药品目录) as master data: read at start from a JSON file (setting
prescriptions.formulary_file; the demo hospital's shipped file otherwise) and held in memory; each
line of a prescription keeps the drug as it was, so a later file never changes a written one.

When the national drug catalogue has been synced into the catalogue store (kinds `western` 1301 and
`herbal` 1302), a drug whose national code is missing or no longer valid there is reported (logged
and returned); with no sync of its kind the code is accepted unchecked. The project syncs no 13xx
drug catalogue yet (1301-1306 are 不适用 in Hubei, see services.catalog_sync), so today the check
only runs where someone filled those kinds.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from domain.prescriptions import DrugKind, Formulary, formulary_from_dict
from ports.catalog_store import CatalogStore

log = logging.getLogger(__name__)

CATALOG_KINDS = {DrugKind.WESTERN: "western", DrugKind.HERBAL: "herbal"}


def demo_formulary_file() -> Path:
    return Path(__file__).parent / "data" / "demo_formulary.json"


@dataclass
class FormularyLoad:
    formulary: Formulary
    path: str
    problems: list[str] = field(default_factory=list)  # drugs the synced national catalogue does not know
    unchecked: list[str] = field(default_factory=list)  # kinds whose national catalogue was never synced


def load_formulary(path: str | Path = "", catalog: CatalogStore | None = None) -> FormularyLoad:
    path = Path(path) if path else demo_formulary_file()
    formulary = formulary_from_dict(json.loads(path.read_text(encoding="utf-8")))
    result = FormularyLoad(formulary, str(path))
    for kind, name in CATALOG_KINDS.items():
        drugs = [d for d in formulary.drugs.values() if d.kind is kind]
        if not drugs:
            continue
        if catalog is None or catalog.count(name) == 0:
            result.unchecked.append(name)
            continue
        for drug in drugs:
            item = catalog.item(name, drug.national_code)
            if item is None or not item.valid:
                why = "is not in" if item is None else "is no longer valid in"
                result.problems.append(f"{drug.code} {drug.generic_name}: national code {drug.national_code} "
                                       f"{why} the synced {name} catalogue")
    for problem in result.problems:
        log.warning("formulary %s: %s", path.name, problem)
    return result
