"""The request form's wording of a patient's age, as a clinic writes it."""
from __future__ import annotations

from datetime import date

import pytest

from services.orders.exam_forms import _age


@pytest.mark.parametrize("born, today, written", [
    (date(1980, 5, 1), date(2026, 12, 7), "46岁"),
    (date(1980, 12, 8), date(2026, 12, 7), "45岁"),  # the birthday not reached yet
    (date(2024, 10, 1), date(2026, 12, 7), "2岁2月"),
    (date(2025, 12, 7), date(2026, 12, 7), "1岁"),
    (date(2026, 9, 30), date(2026, 12, 7), "2月"),
    (date(2026, 11, 20), date(2026, 12, 7), "17天"),
    (None, date(2026, 12, 7), ""),
])
def test_age_in_years_months_or_days(born, today, written):
    assert _age(born, today) == written
