"""The conversion helpers on their own."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.errors import ValidationFailed
from his.v1 import outpatient_pb2 as pb
from services.grpc import mappers as m

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("value, text", [
    (Decimal("12.5"), "12.50"), (Decimal("0.1") + Decimal("0.2"), "0.30"), (Decimal("1E+2"), "100.00"),
    (Decimal("-0"), "0.00"), (Decimal("-3.005"), "-3.01"), (Decimal("41509.00"), "41509.00"), (None, ""),
])
def test_money_to_str(value, text):
    assert m.money_to_str(value) == text


def test_parse_money_is_exact():
    assert m.parse_money(" 12.5 ", "x") == Decimal("12.50")
    assert str(m.parse_money("0.10", "x") + m.parse_money("0.20", "x")) == "0.30"


def test_parse_money_names_the_field():
    with pytest.raises(ValidationFailed) as caught:
        m.parse_money("12.5.0", "fees[2].pric")
    assert [v.field for v in caught.value.violations] == ["fees[2].pric"]


def test_decimal_scale_is_checked():
    assert m.parse_decimal("1.123456", "pric", scale=6) == Decimal("1.123456")
    with pytest.raises(ValidationFailed):
        m.parse_decimal("1.1234567", "pric", scale=6)


def test_timestamps_use_the_zone():
    local = datetime(2024, 3, 1, 9, 30, 15, 250000)
    ts = m.to_timestamp(local, SHANGHAI)
    assert ts.ToDatetime(tzinfo=timezone.utc) == datetime(2024, 3, 1, 1, 30, 15, 250000, tzinfo=timezone.utc)
    assert m.from_timestamp(ts, SHANGHAI) == local
    assert m.from_timestamp(ts, ZoneInfo("UTC")) == datetime(2024, 3, 1, 1, 30, 15, 250000)
    assert m.to_timestamp(None, SHANGHAI) is None and m.from_timestamp(None, SHANGHAI) is None


def test_aware_datetimes_keep_their_instant():
    aware = datetime(2024, 3, 1, 1, 30, tzinfo=timezone.utc)
    assert m.from_timestamp(m.to_timestamp(aware, SHANGHAI), SHANGHAI) == datetime(2024, 3, 1, 9, 30)


def test_platform_time_strings_and_plain_ints_are_tolerated():
    # decoded platform output may still hold "yyyy-MM-dd HH:mm:ss" text or ints in domain objects
    ts = m.to_timestamp("2024-03-01 09:30:00", SHANGHAI)
    assert m.from_timestamp(ts, SHANGHAI) == datetime(2024, 3, 1, 9, 30)
    assert m.to_timestamp("", SHANGHAI) is None
    assert m.decimal_to_str(43) == "43" and m.money_to_str(7) == "7.00"


def test_unrepresentable_or_odd_inputs_are_field_violations():
    with pytest.raises(ValidationFailed) as caught:
        m.parse_decimal("１２.５", "pric", scale=6)  # full-width digits
    assert caught.value.violations[0].field == "pric"
    row = pb.FeeItemInput(det_item_fee_sumamt="1.00", cnt="1", pric="1")
    row.fee_ocur_time.seconds = 253402300800 * 10  # far beyond year 9999
    with pytest.raises(ValidationFailed) as caught:
        m.fees_from_proto([row], SHANGHAI)
    assert [v.field for v in caught.value.violations] == ["fees[0].fee_ocur_time"]
