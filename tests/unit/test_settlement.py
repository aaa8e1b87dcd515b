"""A settlement is stored as the platform answered it; sums that do not hold become discrepancies.

Expected values are literals read off the messages (or written out by hand), never computed here with
the code under test."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, strategies as st

from domain.settlement import Settlement, SettlementRules, discrepancies_in

# The output of a real Hebei 2208 reply (tests/fixtures/real_replies/2208-response-1.json): the platform
# left psn_part_amt and hosp_part_amt null.
HEBEI_2208 = {"setl_id": "400120618", "mdtrt_id": "300179916", "psn_no": "13030011303013321217",
              "medfee_sumamt": Decimal("-25.10"), "fund_pay_sumamt": Decimal("0.00"), "psn_part_amt": None,
              "hosp_part_amt": None, "acct_pay": Decimal("-25.10"), "psn_cash_pay": Decimal("0.00"),
              "acct_mulaid_pay": None, "setl_time": "2021-11-26 11:41:26"}


def test_amounts_the_platform_left_out_stay_unknown_and_are_not_a_discrepancy():
    s = Settlement.from_setlinfo(HEBEI_2208, [], "B1")
    assert s.psn_part_amt is None and s.hosp_part_amt is None and s.acct_mulaid_pay is None
    assert s.medfee_sumamt == Decimal("-25.10") and s.setl_time == datetime(2021, 11, 26, 11, 41, 26)
    assert s.discrepancies == []


def test_sums_that_do_not_hold_are_described_not_refused():
    info = {"setl_id": "S1", "medfee_sumamt": Decimal("100.00"), "fund_pay_sumamt": Decimal("60.00"),
            "psn_part_amt": Decimal("40.00"), "hosp_part_amt": Decimal("0.00"), "acct_pay": Decimal("10.00"),
            "psn_cash_pay": Decimal("30.01"), "acct_mulaid_pay": Decimal("0.00")}
    s = Settlement.from_setlinfo(info, [], "B1")
    assert s.setl_id == "S1" and s.psn_cash_pay == Decimal("30.01")
    assert s.discrepancies == [
        "acct_pay 10.00 + psn_cash_pay 30.01 + acct_mulaid_pay 0.00 = 40.01, not psn_part_amt 40.00 "
        "(differs by -0.01)"]


def test_where_mutual_aid_sits_is_the_regions_rule():
    info = {"medfee_sumamt": Decimal("50.00"), "fund_pay_sumamt": Decimal("0.00"), "psn_part_amt": Decimal("50.00"),
            "hosp_part_amt": Decimal("0.00"), "acct_pay": Decimal("50.00"), "psn_cash_pay": Decimal("0.00"),
            "acct_mulaid_pay": Decimal("20.00")}  # 20.00 of the 50.00 account payment came from family
    inside = Settlement.from_setlinfo(info, [], "B1", SettlementRules(mulaid_in_acct_pay=True))
    assert inside.discrepancies == []
    beside = Settlement.from_setlinfo(info, [], "B1", SettlementRules(mulaid_in_acct_pay=False))
    assert beside.discrepancies == ["acct_pay 50.00 + psn_cash_pay 0.00 + acct_mulaid_pay 20.00 = 70.00, "
                                    "not psn_part_amt 50.00 (differs by -20.00)"]


def test_an_unreadable_value_is_kept_out_and_named():
    s = Settlement.from_setlinfo({"setl_id": "S1", "medfee_sumamt": "abc", "setl_time": "yesterday",
                                  "pool_prop_selfpay": Decimal("0.15")},
                                 [{"fund_pay_type": "310100", "fund_payamt": "x" * 500}], "B1")
    assert s.medfee_sumamt is None and s.setl_time is None and s.details[0].fund_payamt == Decimal("0")
    assert s.pool_prop_selfpay == Decimal("0.15")
    assert s.discrepancies[0] == "setlinfo.medfee_sumamt 'abc' is not a number; kept out"
    assert s.discrepancies[1].startswith("setlinfo.setl_time 'yesterday' is not yyyy-MM-dd HH:mm:ss")
    assert "(500 characters)" in s.discrepancies[2] and len(s.discrepancies[2]) < 150


cents = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda n: Decimal(n).scaleb(-2))


@given(fund=cents, acct=cents, cash=cents, mulaid=cents, hosp=cents)
def test_parts_that_add_up_show_nothing_and_one_cent_off_shows_exactly_one(fund, acct, cash, mulaid, hosp):
    psn = acct + cash + mulaid
    s = Settlement(mdtrt_id="M", psn_no="P", chrg_bchno="B", medfee_sumamt=fund + psn + hosp, fund_pay_sumamt=fund,
                   psn_part_amt=psn, hosp_part_amt=hosp, acct_pay=acct, psn_cash_pay=cash, acct_mulaid_pay=mulaid)
    assert discrepancies_in(s) == []
    s.psn_cash_pay = cash + Decimal("0.01")
    found = discrepancies_in(s)
    assert len(found) == 1 and found[0].endswith("(differs by -0.01)")


def test_an_amount_too_large_to_mean_anything_is_unreadable_not_a_crash():
    s = Settlement.from_setlinfo({"setl_id": "S1", "medfee_sumamt": Decimal("1E+309"), "acct_pay": "NaN"}, [], "B1")
    assert s.medfee_sumamt is None and s.acct_pay is None and len(s.discrepancies) == 2
