"""Prescriptions: quantities in whole packs, the configured limits named by field path, and the
states of a prescription kept in hospital or circulated."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from domain.errors import IllegalTransition, ValidationFailed
from domain.prescriptions import (DrugKind, LineInput, Prescription, Purchase, PurchasedItem, Review, RxCategory,
                                  RxLimits, RxState, formulary_from_dict, prescribe)

T = datetime(2026, 12, 7, 10, 0, 0)
DEMO = Path(__file__).parents[3] / "src/services/prescriptions/data/demo_formulary.json"
FORMULARY = formulary_from_dict(json.loads(DEMO.read_text(encoding="utf-8")))
LIMITS = RxLimits()


def line(code="YP0001", dose="0.5", frequency="tid", days=5, route="") -> LineInput:
    return LineInput(drug_code=code, dose=Decimal(dose), frequency=frequency, days=days, route=route)


def fields(exc: ValidationFailed) -> list[str]:
    return [v.field for v in exc.violations]


@pytest.mark.parametrize("code, dose, frequency, days, packs", [
    ("YP0001", "0.5", "tid", 5, Decimal(2)),  # 2 粒 × 3 × 5 = 30 粒 → 2 boxes of 24
    ("YP0001", "0.5", "tid", 4, Decimal(1)),  # 24 粒: exactly one box
    ("YP0002", "0.5", "prn", 3, Decimal(1)),  # prn counts once a day: 3 片
    ("YP0003", "20", "qd", 30, Decimal(1)),  # 30 片 of 30
    ("YP0003", "40", "bid", 7, Decimal(1)),  # 28 片
    ("YP0004", "0.25", "q8h", 7, Decimal(1)),  # half a tablet 3 × 7 = 10.5 片 → one box of 20
    ("YP0006", "10", "tid", 7, Decimal(3)),  # 210 ml of 100 ml bottles
])
def test_quantity_is_the_packs_the_days_need_rounded_up(code, dose, frequency, days, packs):
    _, lines = prescribe(FORMULARY, RxLimits(chronic_days=30), RxCategory.ORDINARY, True,
                         [line(code, dose, frequency, days)])
    drug = FORMULARY.drug(code)
    assert lines[0].quantity == packs
    assert lines[0].amount == (packs * drug.price).quantize(Decimal("0.01"))


def test_herbal_pieces_are_counted_in_grams_per_dose_and_not_rounded():
    kind, lines = prescribe(FORMULARY, LIMITS, RxCategory.ORDINARY, False,
                            [line("ZY0001", "15", "bid", 7), line("ZY0002", "12.5", "bid", 7)])
    assert kind is DrugKind.HERBAL
    assert [(x.quantity, x.amount) for x in lines] == [(Decimal("105.0000"), Decimal("12.60")),
                                                       (Decimal("87.5000"), Decimal("21.88"))]
    assert lines[0].route == "水煎服"


def test_days_over_the_category_limit_are_named_by_path():
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, LIMITS, RxCategory.EMERGENCY, False,
                  [line(days=3), line("YP0002", days=2), line("YP0005", "20", "qd", days=4)])
    assert fields(refused.value) == ["lines[2].days"]
    assert "3" in refused.value.violations[0].description


def test_a_chronic_prescription_may_run_longer_but_not_a_narcotic_one():
    _, lines = prescribe(FORMULARY, LIMITS, RxCategory.ORDINARY, True, [line("YP0003", "20", "qd", 30)])
    assert lines[0].days == 30
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, LIMITS, RxCategory.NARCOTIC, True, [line("YP0011", "10", "q12h", 7)])
    assert fields(refused.value) == ["lines[0].days"]


def test_limits_are_configuration():
    strict = RxLimits(days={c: 1 for c in RxCategory}, max_items={DrugKind.WESTERN: 1, DrugKind.HERBAL: 1})
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, strict, RxCategory.ORDINARY, False, [line(days=2), line("YP0002", days=1)])
    assert fields(refused.value) == ["lines", "lines[0].days"]


def test_too_many_items_mixed_kinds_unknown_drugs_and_bad_lines_all_reported():
    many = [line(c, "20", "qd", 1) for c in ("YP0003", "YP0005", "YP0010", "YP0008", "YP0009", "YP0007")]
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, LIMITS, RxCategory.ORDINARY, False, many)
    assert fields(refused.value) == ["lines"]
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, LIMITS, RxCategory.ORDINARY, False,
                  [line(), line("ZY0001", "10", "bid", 3), line("NOPE"), line("YP0002", "0", "hourly", 0),
                   line()])
    assert fields(refused.value) == ["lines[2].drug_code", "lines", "lines[3].frequency", "lines[3].dose",
                                     "lines[3].days", "lines[4].drug_code"]


def test_a_controlled_drug_needs_a_narcotic_prescription():
    with pytest.raises(ValidationFailed) as refused:
        prescribe(FORMULARY, LIMITS, RxCategory.ORDINARY, False, [line("YP0011", "10", "q12h", 3)])
    assert fields(refused.value) == ["lines[0].drug_code"]
    _, lines = prescribe(FORMULARY, LIMITS, RxCategory.NARCOTIC, False, [line("YP0011", "10", "q12h", 3)])
    assert lines[0].quantity == Decimal(1)


def test_the_formulary_file_is_checked_with_paths():
    with pytest.raises(ValidationFailed) as refused:
        formulary_from_dict({"drugs": [{"code": "A"}, {**json.loads(DEMO.read_text())["drugs"][0],
                                                       "price": "-1", "kind": "POWDER"}]})
    names = fields(refused.value)
    assert "drugs[0].national_code" in names and "drugs[1].kind" in names and "drugs[1].price" in names
    assert FORMULARY.search("二甲双胍")[0].code == "YP0004"
    assert {d.code for d in FORMULARY.search(kind=DrugKind.HERBAL)} == {"ZY0001", "ZY0002", "ZY0003", "ZY0004"}


def rx(category=RxCategory.ORDINARY) -> Prescription:
    kind, lines = prescribe(FORMULARY, LIMITS, category, False, [line(days=3)])
    return Prescription(id="RX1", encounter_id="E1", patient_id="P1", doctor_code="D1", dept_code="NK",
                        category=category, kind=kind, chronic=False, lines=lines, created_at=T)


def review(approved=True, at=T) -> Review:
    return Review("P4201", "示范大药房", "药师甲", "药师乙", "1" if approved else "2", approved,
                  "" if approved else "剂量超常", at)


PURCHASE = Purchase(Decimal("20.00"), Decimal("5.60"), Decimal("5.60"), Decimal("0.00"), T,
                    (PurchasedItem("阿莫西林胶囊", "阿莫仙", "胶囊剂", "0.25g*24粒", Decimal(2), "盒",
                                   Decimal("12.80"), Decimal("25.60"), "示范制药有限公司"),))


def test_kept_in_hospital_sign_then_cancel_and_nothing_else():
    p = rx()
    p.sign(T)
    assert p.state is RxState.SIGNED
    with pytest.raises(IllegalTransition, match="SIGNED"):
        p.uploaded("HI1", T, T)
    p.cancel(T)
    with pytest.raises(IllegalTransition, match="CANCELLED"):
        p.sign(T)


def test_circulated_reviewed_then_bought_and_each_notice_counts_once():
    p = rx()
    p.uploaded("HI1", T, T)
    assert p.record_review(review(approved=False)) and p.state is RxState.REFUSED
    assert p.record_review(review(approved=True, at=datetime(2026, 12, 7, 11))) and p.state is RxState.APPROVED
    assert not p.record_review(review(approved=True, at=datetime(2026, 12, 7, 11)))
    assert p.record_purchase(PURCHASE) and p.state is RxState.DISPENSED
    assert not p.record_purchase(PURCHASE)
    late = review(approved=False, at=datetime(2026, 12, 7, 9))
    assert p.record_review(late) and p.state is RxState.DISPENSED and len(p.reviews) == 3
    with pytest.raises(IllegalTransition, match="DISPENSED"):
        p.revoked(T, "开错了")
    with pytest.raises(IllegalTransition, match="DISPENSED"):
        p.record_purchase(Purchase(Decimal(1), Decimal(0), Decimal(0), Decimal(0), T, ()))


def test_revoked_while_unused_and_then_refuses_notices():
    p = rx()
    p.uploaded("HI1", T, T)
    p.revoked(T, "患者不需要")
    assert p.state is RxState.REVOKED
    with pytest.raises(IllegalTransition, match="REVOKED"):
        p.record_purchase(PURCHASE)
    with pytest.raises(IllegalTransition, match="REVOKED"):
        p.record_review(review())


def test_a_narcotic_prescription_is_never_circulated():
    p = rx(RxCategory.NARCOTIC)
    with pytest.raises(IllegalTransition, match="麻精"):
        p.require_circulable()
