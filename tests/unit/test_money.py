from decimal import Decimal

import pytest

from domain.money import money, to_decimal


def test_money_rounds_half_up_to_cents():
    assert money("2.345") == Decimal("2.35")
    assert money("-2.345") == Decimal("-2.35")
    assert money(3) == Decimal("3.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(ValueError):
        to_decimal("abc")
    with pytest.raises(ValueError):
        to_decimal("NaN")
