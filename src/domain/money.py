"""Money and other exact decimals. Floats never enter: they cannot hold 0.1 exactly.

One rounding rule for every amount, the platform's: half-up (四舍五入), to the field's scale. Every
rounding of the HIS, the simulator and the example client goes through `money` / `quantize` here;
Decimal's own default (half-even) would round 1.5 × 9.99 = 14.985 to 14.98, which the platform refuses.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: object) -> Decimal:
    """Exact conversion from int, str or Decimal; floats are refused on purpose."""
    if value.__class__ is Decimal:  # the common case, first: amounts are Decimal almost everywhere
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"refusing inexact {type(value).__name__} {value!r} as a decimal")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return result
    raise TypeError(f"cannot read {type(value).__name__} as a decimal")


def money(value: object) -> Decimal:
    """Two places, half-up: the platform's rounding for 数值型 16,2."""
    if value.__class__ is not Decimal:
        value = to_decimal(value)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(cnt: Decimal, pric: Decimal) -> Decimal:
    """det_item_fee_sumamt of a fee row: cnt × pric to the cent, half-up."""
    return money(cnt * pric)


_QUANTA = tuple(Decimal(1).scaleb(-n) for n in range(9))  # 1, 0.1 ... 0.00000001


def quantize(value: Decimal, scale: int) -> Decimal:
    quantum = _QUANTA[scale] if 0 <= scale < len(_QUANTA) else Decimal(1).scaleb(-scale)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)
