"""The pinyin keys of diagnosis names, and what the search use case refuses before any lookup."""
from __future__ import annotations

import pytest

from adapters.pinyin import PinyinKeys
from domain.errors import ValidationFailed
from ports.diagnosis_search import DiagnosisHit, DiagnosisIndex, NameKeys
from services.diagnoses import DiagnosisSearchService


@pytest.mark.parametrize(("name", "initials", "pinyin"), [
    ("高血压", "gxy", "gaoxueya"),
    ("2型糖尿病", "2xtnb", "2xingtangniaobing"),  # digits kept where they stand
    ("IgA肾病", "igasb", "igashenbing"),  # a Latin run whole, lower case
    ("高血压（原发性）", "gxyyfx", "gaoxueyayuanfaxing"),  # brackets are not typed
    ("行为障碍", "xwza", "xingweizhangai"),  # 行: the reading its phrase takes
    ("女性盆腔炎", "nxpqy", "nvxingpenqiangyan"),  # ü typed as v
])
def test_keys_of_a_name(name, initials, pinyin):
    assert PinyinKeys().keys(name) == NameKeys(initials, pinyin)


class RecordingIndex(DiagnosisIndex):
    """Records what reaches the index (the use case's checks are under test, not the lookup)."""

    def __init__(self):
        self.asked: list[tuple[str, list[str], int]] = []

    def search(self, query, kinds, limit):
        self.asked.append((query, list(kinds), limit))
        return [DiagnosisHit("I10.x00", "高血压", "disease")]

    def reindex(self, kind):
        return 0


def test_a_search_reaches_the_index_trimmed_with_kinds_by_name_and_the_default_limit():
    index = RecordingIndex()
    service = DiagnosisSearchService(index)
    assert service.search("  gxy ") == [DiagnosisHit("I10.x00", "高血压", "disease")]
    service.search("I10", ["1307", "disease", "tcm_syndrome"], 100)
    assert index.asked == [("gxy", [], 20), ("I10", ["disease", "tcm_syndrome"], 100)]


@pytest.mark.parametrize(("query", "kinds", "limit", "fields"), [
    ("", (), 0, ["query"]),
    (" \t", (), 0, ["query"]),
    ("a" * 51, (), 0, ["query"]),
    ("gx\ny", (), 0, ["query"]),
    ("gx\u200by", (), 0, ["query"]),  # a format character counts as control
    ("gxy", (), 101, ["limit"]),
    ("gxy", (), -1, ["limit"]),
    ("gxy", ("disease", "1308"), 0, ["kinds[1]"]),
    ("", ("drug",), 500, ["query", "kinds[0]", "limit"]),
])
def test_bad_input_is_refused_naming_each_field_and_nothing_is_looked_up(query, kinds, limit, fields):
    index = RecordingIndex()
    with pytest.raises(ValidationFailed) as caught:
        DiagnosisSearchService(index).search(query, kinds, limit)
    assert [v.field for v in caught.value.violations] == fields
    assert index.asked == []


def test_fifty_characters_are_enough():
    index = RecordingIndex()
    DiagnosisSearchService(index).search("高" * 50)
    assert index.asked == [("高" * 50, [], 20)]
