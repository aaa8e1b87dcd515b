"""Money columns (adapters/db/types.py ExactDecimal) behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import DBAPIError, StatementError

from db_builders import build_fee, build_visit


def _store(sql_uow, **fee_values):
    visit = build_visit()
    visit.fees.append(build_fee("F1", "B1", "1", "1.00"))
    for name, value in fee_values.items():
        setattr(visit.fees[0], name, value)
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    with sql_uow:
        return sql_uow.visits.get(visit.id).fees[0]


def test_values_are_rounded_half_up_to_the_column_scale(sql_uow):
    fee = _store(sql_uow, det_item_fee_sumamt=Decimal("0.125"), pric=Decimal("-2.0000005"), cnt=Decimal("3"))
    assert str(fee.det_item_fee_sumamt) == "0.13"
    assert str(fee.pric) == "-2.000001"
    assert str(fee.cnt) == "3.0000"


def test_a_float_is_refused(sql_uow):
    with pytest.raises(StatementError) as info:
        _store(sql_uow, pric=1.5)
    assert isinstance(info.value.orig, TypeError)


def test_a_value_too_large_for_the_column_is_refused(sql_uow):
    with pytest.raises((StatementError, DBAPIError)):  # ValueError on SQLite, numeric overflow on PostgreSQL
        _store(sql_uow, det_item_fee_sumamt=Decimal("100000000000000.00"))  # 15 digits before the point
