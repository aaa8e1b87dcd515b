"""One rounding rule, the platform's half-up, for every amount: the HIS, the simulator and the
example client agree on every row, so no row is refused by one side for the other's rounding.

Expected values come from an integer oracle written here, not from domain.money."""
from __future__ import annotations

import importlib.util
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from itertools import count
from pathlib import Path

from hypothesis import given, settings, strategies as st

from adapters.yb_sim.platform import SimulatorPlatform
from domain.money import line_total, money, quantize
from domain.visit import FeeItem
from ports.platform import PlatformRefused
from simkit import P_WORKER, Driver, FixedClock

ROOT = Path(__file__).resolve().parents[3]
DRUG = "XJ01CAA040A001010104022"  # a 甲类 demo item with no price ceiling


def half_up_cents(cnt: Decimal, pric: Decimal) -> Decimal:
    """cnt (4 places) × pric (6 places) in units of 1e-10, rounded half-up to cents by integers."""
    units = int(cnt.scaleb(4)) * int(pric.scaleb(6))
    cents = (units + 50_000_000) // 100_000_000
    return Decimal(cents).scaleb(-2)


counts = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999.9999"), places=4)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.999999"), places=6)


def row(amount: Decimal, cnt: Decimal, pric: Decimal) -> FeeItem:
    return FeeItem(feedetl_sn="F1", chrg_bchno="B1", med_list_codg=DRUG, medins_list_codg="HIS1",
                   det_item_fee_sumamt=amount, cnt=cnt, pric=pric, fee_ocur_time=datetime(2025, 6, 16, 9, 40),
                   bilg_dept_codg="NK01", bilg_dept_name="内科", bilg_dr_codg="D001", bilg_dr_name="王医生")


def test_one_and_a_half_at_9_99_is_14_99_on_both_sides():
    assert line_total(Decimal("1.5"), Decimal("9.99")) == Decimal("14.99")
    assert row(Decimal("14.99"), Decimal("1.5"), Decimal("9.99")).violations(0) == []
    assert [v.field for v in row(Decimal("14.98"), Decimal("1.5"), Decimal("9.99")).violations(0)] == [
        "feedetail[0].det_item_fee_sumamt"]
    his = _visit()
    his.driver.call("2204", {"feedetail": his.rows("14.99", "1.5", "9.99")})
    refused = his.driver.refused("2204", {"feedetail": his.rows("14.98", "1.5", "9.99")})
    assert "不符" in refused.err_msg


@given(cnt=counts, pric=prices)
def test_a_row_total_is_cnt_times_pric_half_up(cnt, pric):
    assert line_total(cnt, pric) == half_up_cents(cnt, pric)
    assert row(half_up_cents(cnt, pric), cnt, pric).violations(0) == []
    off = half_up_cents(cnt, pric) + Decimal("0.01")
    assert row(off, cnt, pric).violations(0) != []


@settings(max_examples=40, deadline=None)
@given(cnt=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99.9999"), places=4),
       pric=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("999.999999"), places=6))
def test_what_the_his_accepts_the_simulator_accepts(cnt, pric):
    amount = half_up_cents(cnt, pric)
    assert row(amount, cnt, pric).violations(0) == []
    his = _visit()
    reply = his.driver.call("2204", {"feedetail": his.rows(str(amount), str(cnt), str(pric))})
    assert reply.output["result"][0]["det_item_fee_sumamt"] == amount


@given(value=st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=8),
       scale=st.integers(min_value=0, max_value=6))
def test_every_scale_rounds_half_up_away_from_zero(value, scale):
    step = Decimal(1).scaleb(-scale)
    rounded = quantize(value, scale)
    assert abs(rounded - value) <= step / 2
    if abs(rounded - value) == step / 2:  # a tie goes away from zero
        assert abs(rounded) > abs(value)
    assert money(value) == quantize(value, 2)


@given(amounts=st.lists(st.decimals(min_value=Decimal("-99999"), max_value=Decimal("99999"), places=2), max_size=30))
def test_sums_of_amounts_need_no_rounding(amounts):
    total = sum(amounts, Decimal("0.00"))
    assert money(total) == total


def test_the_example_client_rounds_like_the_server():
    spec = importlib.util.spec_from_file_location("outpatient_visit", ROOT / "examples" / "outpatient_visit.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert example._amount("1.5", "9.99") == "14.99"
    assert example._amount("3", "0.335") == "1.01"  # 1.005 → 1.01 half-up (half-even would say 1.00)


class _Visit:
    def __init__(self):
        self.driver = Driver(SimulatorPlatform(clock=FixedClock()))
        self.driver.sign_in()
        self.mdtrt_id = self.driver.register(P_WORKER)
        self._sn = count(1)

    def rows(self, amount: str, cnt: str, pric: str) -> list[dict]:
        [r] = self.driver.fee_rows(self.mdtrt_id, P_WORKER, [(DRUG, cnt, pric)], start=next(self._sn))
        return [dict(r, det_item_fee_sumamt=amount)]


@lru_cache(maxsize=1)
def _visit() -> _Visit:
    return _Visit()


