"""Settlement arithmetic: expectations are computed here, by hand, from the prices and the numbers
in the packaged policy.toml (310: 起付线 200.00, 70 %, cap 3000.00, account; 390: 100.00, 50 %,
cap 400.00, no account)."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_RESIDENT, P_WORKER, P_WORKER_POOR, Driver, FixedClock

from adapters.yb_sim import Policy, SimulatorPlatform
from ports.catalogue import decode_output, load_catalogue

D = Decimal
ZERO = D("0.00")
JIA = "XJ01CAA040A001010104022"  # 甲类 drug, no ceiling
JIA2 = "XN02BEA015A001010102956"  # 甲类 drug, no ceiling
YI = "XA02BCA211A001010101443"  # 乙类 drug, selfpay 0.10
YI_SYRUP = "XR05CBA180A001020100332"  # 乙类 drug, selfpay 0.10
BING = "XS01XAA101B002010101667"  # 丙类 (自费)
VISIT_FEE = "001102000010000"  # 甲类 service, ceiling 10.00
ULTRASOUND = "220600004000000"  # 乙类 service, ceiling 150.00, selfpay 0.10


def assert_invariants(info: dict) -> None:
    assert info["fund_pay_sumamt"] + info["psn_part_amt"] == info["medfee_sumamt"]
    assert info["acct_pay"] + info["psn_cash_pay"] == info["psn_part_amt"]


def test_worker_mixed_items_with_ceiling_and_account(his: Driver, sim: SimulatorPlatform):
    items = [(JIA, "2", "25.50"), (YI, "3", "33.33"), (BING, "1", "45.00"),
             (VISIT_FEE, "2", "12.00"), (ULTRASOUND, "1", "180.00")]
    mdtrt_id, total = his.visit_with_fees(P_WORKER, items)

    # by hand, row by row:
    #   JIA        2 × 25.50  =  51.00  甲类: all in scope                                   inscp  51.00
    #   YI         3 × 33.33  =  99.99  乙类: 先行自付 99.99 × 0.10 = 9.999 → 10.00          inscp  89.99
    #   BING       1 × 45.00  =  45.00  丙类: 全自费 45.00                                   inscp   0.00
    #   VISIT_FEE  2 × 12.00  =  24.00  ceiling 10.00: 超限价 (12.00 - 10.00) × 2 = 4.00      inscp  20.00
    #   ULTRASOUND 1 × 180.00 = 180.00  ceiling 150.00: 超限价 30.00; 乙类: 150.00 × 0.10 = 15.00  inscp 135.00
    # total 399.99 = 全自费 45.00 + 超限价 34.00 + 先行自付 25.00 + in scope 295.99
    # pool: (295.99 - 起付线 200.00) × 0.70 = 67.193 → 67.19; person 399.99 - 67.19 = 332.80, all from
    # the account (1500.00 → 1167.20)
    hifp, psn_part = D("67.19"), D("332.80")

    reply = his.settle(mdtrt_id, P_WORKER, total)
    info = reply.output["setlinfo"]
    assert info["medfee_sumamt"] == total == D("399.99")
    assert info["fulamt_ownpay_amt"] == D("45.00")
    assert info["overlmt_selfpay"] == D("34.00")
    assert info["preselfpay_amt"] == D("25.00")
    assert info["inscp_scp_amt"] == D("295.99")
    assert info["act_pay_dedc"] == D("200.00")
    assert info["hifp_pay"] == hifp == info["fund_pay_sumamt"]
    assert info["psn_part_amt"] == psn_part
    assert info["acct_pay"] == psn_part and info["psn_cash_pay"] == ZERO
    assert info["balc"] == D("1167.20") == sim.balance(P_WORKER, "310")
    assert info["pool_prop_selfpay"] == D("0.3000")
    assert (info["clr_type"], info["clr_way"], info["clr_optins"]) == ("11", "1", "420106")
    assert info["medins_setl_id"] == his.last_msgid
    assert info["setl_id"] and info["insutype"] == "310"
    assert_invariants(info)
    details = {d["fund_pay_type"]: d for d in reply.output["setldetail"]}
    assert details["310100"]["fund_payamt"] == hifp
    assert details["310200"]["fund_payamt"] == psn_part
    assert details["310100"]["fund_pay_type_name"] == "职工基本医疗保险统筹基金"
    # every money value has exactly two places
    assert all(v.as_tuple().exponent == -2 for k, v in info.items()
               if isinstance(v, Decimal) and k not in ("age", "pool_prop_selfpay"))


def test_rounding_is_half_up_where_it_differs_from_half_even(his: Driver, sim):
    """Amounts chosen so that a third decimal 5 after an even cent decides: half-up and half-even
    (Python's default) give different cents at both roundings of a settlement."""
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "189.33"), (YI, "1", "12.25")])
    # by hand: 乙类 先行自付 12.25 × 0.10 = 1.225 → 1.23 (half-even: 1.22); in scope 189.33 + 11.02 =
    # 200.35; pool (200.35 - 起付线 200.00) × 0.70 = 0.245 → 0.25 (half-even: 0.24); the person pays
    # 201.58 - 0.25 = 201.33 from the account (1500.00 → 1298.67)
    info = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]
    assert (info["medfee_sumamt"], info["preselfpay_amt"], info["inscp_scp_amt"]) == \
        (D("201.58"), D("1.23"), D("200.35"))
    assert (info["hifp_pay"], info["psn_part_amt"], info["acct_pay"]) == (D("0.25"), D("201.33"), D("201.33"))
    assert sim.balance(P_WORKER, "310") == D("1298.67")


def test_fee_rows_are_classified_on_upload(sim, his: Driver):
    mdtrt_id = his.register(P_WORKER)
    reply = his.upload(mdtrt_id, P_WORKER, [(YI, "3", "33.33"), (BING, "1", "45.00"), (VISIT_FEE, "2", "12.00")])
    rows = {r["feedetl_sn"]: r for r in reply.output["result"]}
    yi, bing, fee = rows["B1-1"], rows["B1-2"], rows["B1-3"]
    assert (yi["chrgitm_lv"], yi["med_chrgitm_type"], yi["selfpay_prop"]) == ("02", "09", D("0.1000"))
    assert yi["preselfpay_amt"] == D("10.00")  # 99.99 × 0.10 = 9.999 → 10.00
    assert yi["inscp_scp_amt"] == D("89.99")  # 99.99 - 10.00
    assert (bing["chrgitm_lv"], bing["fulamt_ownpay_amt"], bing["inscp_scp_amt"]) == ("03", D("45.00"), ZERO)
    assert fee["pric_uplmt_amt"] == D("10.00") and fee["overlmt_amt"] == D("4.00")
    assert fee["inscp_scp_amt"] == D("20.00") and fee["lmt_used_flag"] == "0"
    assert fee["det_item_fee_sumamt"] == D("24.00") and fee["cnt"] == D("2")
    tx = load_catalogue().get("2204")
    assert decode_output(tx, reply.raw["output"])[1] == []


def test_resident_has_no_account_and_lower_ratio(his: Driver, sim):
    items = [(JIA2, "1", "150.00"), (YI_SYRUP, "2", "20.00")]
    mdtrt_id, total = his.visit_with_fees(P_RESIDENT, items, insutype="390")
    # by hand: 150.00 甲类 + 2 × 20.00 乙类 (先行自付 40.00 × 0.10 = 4.00) = 190.00, in scope 186.00;
    # pool (186.00 - 起付线 100.00) × 0.50 = 43.00; the person pays 190.00 - 43.00 = 147.00 in cash
    assert total == D("190.00")
    hifp = D("43.00")

    info = his.settle(mdtrt_id, P_RESIDENT, total, insutype="390", acct="1").output["setlinfo"]
    assert info["act_pay_dedc"] == D("100.00")
    assert info["hifp_pay"] == hifp
    assert info["psn_part_amt"] == D("147.00")
    assert info["acct_pay"] == ZERO  # asked for, but 居民 have no account
    assert info["psn_cash_pay"] == D("147.00")
    assert info["balc"] == ZERO
    assert info["pool_prop_selfpay"] == D("0.5000")
    assert_invariants(info)


def test_small_account_pays_part_and_cash_the_rest(his: Driver, sim):
    mdtrt_id, total = his.visit_with_fees(P_WORKER_POOR, [(JIA, "4", "25.00")])
    info = his.settle(mdtrt_id, P_WORKER_POOR, total).output["setlinfo"]
    assert info["act_pay_dedc"] == D("100.00") and info["hifp_pay"] == ZERO
    assert info["acct_pay"] == D("20.00")
    assert info["psn_cash_pay"] == D("80.00")
    assert info["balc"] == ZERO == sim.balance(P_WORKER_POOR, "310")


def test_no_account_when_not_asked(his: Driver, sim):
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "50.00")])
    info = his.settle(mdtrt_id, P_WORKER, total, acct="0").output["setlinfo"]
    assert info["acct_pay"] == ZERO and info["psn_cash_pay"] == D("50.00")
    assert sim.balance(P_WORKER, "310") == D("1500.00")


def test_deductible_carries_across_visits_in_a_year(his: Driver, sim, clock: FixedClock):
    first, total1 = his.visit_with_fees(P_WORKER, [(JIA, "1", "150.00")])
    info1 = his.settle(first, P_WORKER, total1).output["setlinfo"]
    assert info1["act_pay_dedc"] == D("150.00") and info1["hifp_pay"] == ZERO

    second, total2 = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    info2 = his.settle(second, P_WORKER, total2).output["setlinfo"]
    assert info2["act_pay_dedc"] == D("50.00")  # 200.00 - the 150.00 used by the first visit
    assert info2["hifp_pay"] == D("175.00")  # (300.00 - 50.00) × 0.70
    assert sim.deductible_used(P_WORKER, "310") == D("200.00")

    # a new calendar year starts the deductible again
    clock.current = clock.current.replace(year=clock.current.year + 1, month=1, day=5)
    third, total3 = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    info3 = his.settle(third, P_WORKER, total3).output["setlinfo"]
    assert info3["act_pay_dedc"] == D("200.00")


def test_pre_settlement_computes_without_storing(his: Driver, sim):
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    pre = his.settle(mdtrt_id, P_WORKER, total, infno="2206").output["setlinfo"]
    assert pre.get("setl_id") is None
    assert pre["hifp_pay"] == D("70.00")  # (300.00 - 200.00) × 0.70
    assert sim.balance(P_WORKER, "310") == D("1500.00")
    assert sim.deductible_used(P_WORKER, "310") == ZERO
    final = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]
    assert final["hifp_pay"] == pre["hifp_pay"] and final["acct_pay"] == pre["acct_pay"]


def test_cancel_returns_negative_settlement_and_restores(his: Driver, sim):
    mdtrt_id, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "300.00")])
    original = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]
    # by hand: 300.00 甲类 in scope; pool (300.00 - 200.00) × 0.70 = 70.00; the account pays 230.00
    assert (original["hifp_pay"], original["acct_pay"]) == (D("70.00"), D("230.00"))
    assert sim.balance(P_WORKER, "310") == D("1270.00")

    reply = his.cancel(original["setl_id"], mdtrt_id, P_WORKER)
    negative = reply.output["setlinfo"]
    assert negative["setl_id"] != original["setl_id"]
    for name in ("medfee_sumamt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "fund_pay_sumamt",
                 "psn_part_amt", "acct_pay", "psn_cash_pay"):
        assert negative[name] == -original[name], name
    assert str(negative["psn_cash_pay"]) == "0.00"  # never "-0.00"
    assert negative["balc"] == D("1500.00") == sim.balance(P_WORKER, "310")
    assert negative["medins_setl_id"] == his.last_msgid
    assert all(d["fund_payamt"] < 0 for d in reply.output["setldetail"])
    assert sim.deductible_used(P_WORKER, "310") == ZERO
    assert sim.settlement(original["setl_id"])["state"] == "cancelled"
    # the batch is unsettled again: it can be settled anew
    again = his.settle(mdtrt_id, P_WORKER, total).output["setlinfo"]
    assert again["acct_pay"] == original["acct_pay"]


def test_annual_cap_limits_the_pool(tmp_path):
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        '[insutype.310]\nname = "职工"\ndeductible = 0.00\nratio = 0.80\nannual_cap = 100.00\n'
        'account_allowed = true\npool_fund_pay_type = "310100"\naccount_fund_pay_type = "310200"\n'
        '[default]\ndeductible = 0\nratio = 0.5\npool_fund_pay_type = "390100"\n', encoding="utf-8")
    policy = Policy.load(policy_file)
    assert policy.rule("310").annual_cap == D("100.00") and policy.rule("999").ratio == D("0.5")
    sim = SimulatorPlatform(policy=policy, clock=FixedClock())
    his = Driver(sim)
    his.sign_in()
    first, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "100.00")])
    assert his.settle(first, P_WORKER, total).output["setlinfo"]["hifp_pay"] == D("80.00")  # 100.00 × 0.80
    second, total = his.visit_with_fees(P_WORKER, [(JIA, "1", "100.00")])
    info = his.settle(second, P_WORKER, total).output["setlinfo"]
    assert info["hifp_pay"] == D("20.00")  # the cap 100.00 less the 80.00 already paid
    assert info["psn_part_amt"] == D("80.00")


def test_packaged_policy_numbers():
    policy = Policy.load()
    worker, resident = policy.rule("310"), policy.rule("390")
    assert (worker.deductible, worker.ratio, worker.account_allowed) == (D("200.00"), D("0.70"), True)
    assert (resident.deductible, resident.ratio, resident.account_allowed) == (D("100.00"), D("0.50"), False)
    assert resident.pool_fund_pay_type == "390100"
