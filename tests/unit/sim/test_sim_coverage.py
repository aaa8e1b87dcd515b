"""Every row of the Hubei interface list is catalogued and simulated."""
from __future__ import annotations

import csv
from pathlib import Path

from adapters.yb_sim.handlers import HANDLERS
from ports.catalogue import load_catalogue

LIST = Path(__file__).resolve().parents[2] / "fixtures" / "interfaces.tsv"


def test_every_row_of_the_hubei_list_is_simulated():
    catalogue = load_catalogue()
    with open(LIST, encoding="utf-8") as f:
        codes = [row["code"] for row in csv.DictReader(f, delimiter="\t")]
    assert len(codes) == 189
    not_catalogued = [c for c in codes if c not in catalogue]
    # 1301-1306 are not applicable in Hubei: the simulator refuses them by design, naming 1312a
    unsimulated = [c for c in codes if catalogue.get(c) and catalogue.get(c).applicable and c not in HANDLERS]
    assert not not_catalogued and not unsimulated, f"catalogue: {not_catalogued}; simulator: {unsimulated}"
