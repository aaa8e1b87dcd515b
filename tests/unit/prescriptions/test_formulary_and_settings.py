"""The formulary at start: checked against a synced national catalogue when there is one, accepted
unchecked otherwise; the prescription limits as configuration."""
from __future__ import annotations

import json

import pytest

from domain.prescriptions import DrugKind, RxCategory
from ports.catalog_store import CatalogItem
from services.prescriptions import demo_formulary_file, load_formulary
from services.settings import Settings


class SyncedCatalogue:
    """The part of a CatalogStore the loader reads: count and item, of what was synced."""

    def __init__(self, kinds: dict[str, dict[str, bool]]):
        self.kinds = kinds  # kind -> code -> valid

    def count(self, kind, valid_only=False):
        return len(self.kinds.get(kind, {}))

    def item(self, kind, code):
        valid = self.kinds.get(kind, {}).get(code)
        return None if valid is None else CatalogItem(kind, code, None, "1", valid, None, {})


def demo_codes(kind: str) -> list[str]:
    return [d["national_code"] for d in json.loads(demo_formulary_file().read_text(encoding="utf-8"))["drugs"]
            if d["kind"] == kind]


def test_without_a_sync_every_code_is_accepted_and_said_unchecked():
    loaded = load_formulary()
    assert loaded.problems == [] and loaded.unchecked == ["western", "herbal"]
    assert len(loaded.formulary.drugs) == 15


def test_codes_missing_or_stopped_in_the_synced_catalogue_are_reported():
    western = dict.fromkeys(demo_codes("WESTERN"), True)
    western.pop("XC10AAA126A001010101290")  # 阿托伐他汀钙片 not in the catalogue
    western["XN02AAM045B002010100481"] = False  # 盐酸吗啡片 no longer valid
    loaded = load_formulary(catalog=SyncedCatalogue({"western": western}))
    assert loaded.unchecked == ["herbal"]
    assert [p.split(":")[0] for p in loaded.problems] == ["YP0010 阿托伐他汀钙片", "YP0011 盐酸吗啡片"]
    assert "no longer valid" in loaded.problems[1]
    assert len(loaded.formulary.drugs) == 15  # reported, still prescribable: the hospital decides


def test_limits_come_from_the_settings():
    limits = Settings(prescriptions={"days": {"EMERGENCY": 2}, "max_items": {"WESTERN": 4},
                                     "chronic_days": 60}).prescriptions.limits()
    assert limits.days[RxCategory.EMERGENCY] == 2 and limits.days[RxCategory.ORDINARY] == 7
    assert limits.max_items[DrugKind.WESTERN] == 4 and limits.chronic_days == 60


@pytest.mark.parametrize("bad", [{"days": {"URGENT": 3}}, {"max_items": {"PILLS": 3}}, {"days": {"ORDINARY": 0}}])
def test_a_misspelt_or_empty_limit_stops_start_up(bad):
    with pytest.raises(ValueError, match="prescriptions"):
        Settings(prescriptions=bad)
