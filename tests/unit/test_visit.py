from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.settlement import Settlement, SettlementState
from domain.visit import FeeItem, FeeState, Visit, VisitState

T = datetime(2026, 3, 2, 9, 30)


def visit() -> Visit:
    return Visit(id="v1", psn_no="P1", insutype="310", med_type="11", mdtrt_cert_type="02",
                 mdtrt_cert_no="420106199001011234", ipt_otp_no="MZ1", begntime=T, dept_code="D1",
                 dept_name="内科", caty="A03", atddr_no="DR1", dr_name="王医生", mdtrt_id="M1")


def fee(sn: str, amount: str, cnt: str = "1", batch: str = "B1") -> FeeItem:
    return FeeItem(feedetl_sn=sn, chrg_bchno=batch, med_list_codg="X", medins_list_codg="HX",
                   det_item_fee_sumamt=Decimal(amount), cnt=Decimal(cnt),
                   pric=(Decimal(amount) / Decimal(cnt)), fee_ocur_time=T, bilg_dept_codg="D1",
                   bilg_dept_name="内科", bilg_dr_codg="DR1", bilg_dr_name="王医生")


def settlement(total: str, fund: str, acct: str, setl_id: str = "S1") -> Settlement:
    total_d, fund_d, acct_d = Decimal(total), Decimal(fund), Decimal(acct)
    return Settlement(mdtrt_id="M1", psn_no="P1", chrg_bchno="B1", setl_id=setl_id, medfee_sumamt=total_d,
                      fund_pay_sumamt=fund_d, psn_part_amt=total_d - fund_d, acct_pay=acct_d,
                      psn_cash_pay=total_d - fund_d - acct_d)


def test_fee_rows_are_checked_together_and_nothing_is_added_on_error():
    v = visit()
    bad = fee("1", "10.00")
    bad.det_item_fee_sumamt = Decimal("10.01")
    with pytest.raises(ValidationFailed) as err:
        v.add_fees([fee("1", "5.00"), bad, fee("1", "3.00")])
    fields = [x.field for x in err.value.violations]
    assert "feedetail[1].det_item_fee_sumamt" in fields
    assert "feedetail[2].feedetl_sn" in fields  # duplicate within the call
    assert v.fees == []


def test_settle_lifecycle():
    v = visit()
    v.add_fees([fee("1", "12.50"), fee("2", "7.50", cnt="3")])
    assert v.batch_total("B1") == Decimal("20.00")
    v.begin_settlement("B1")
    assert v.state is VisitState.SETTLING
    with pytest.raises(IllegalTransition):
        v.begin_settlement("B1")  # a second claim loses
    with pytest.raises(IllegalTransition):
        v.add_fees([fee("3", "1.00")])  # no fees while settling
    v.complete_settlement(settlement("20.00", "8.00", "12.00"))
    assert v.state is VisitState.SETTLED
    assert all(f.state is FeeState.SETTLED for f in v.fees)
    with pytest.raises(IllegalTransition):
        v.cancel_registration()
    negative = settlement("-20.00", "-8.00", "-12.00", setl_id="S2")
    v.cancel_settlement("S1", negative)
    assert v.state is VisitState.REGISTERED
    assert v.settlement("S1").state is SettlementState.CANCELLED and v.settlement("S1").cancel_setl_id == "S2"
    assert v.active_settlement() is None
    assert all(f.state is FeeState.UPLOADED for f in v.fees)
    v.cancel_fees("B1")
    assert v.batch("B1") == []
    v.cancel_registration()
    assert v.state is VisitState.CANCELLED


def test_a_settlement_whose_sums_do_not_hold_is_still_recorded():
    # the platform's answer is its truth: odd sums are noted beside it (domain.settlement), never refused
    v = visit()
    v.add_fees([fee("1", "10.00")])
    v.begin_settlement("B1")
    odd = settlement("10.00", "4.00", "1.00")
    odd.psn_cash_pay = Decimal("4.00")  # 1 + 4 != 6
    v.complete_settlement(odd)
    assert v.state is VisitState.SETTLED and v.active_settlement() is odd


def test_cancel_unknown_batch_and_settlement():
    v = visit()
    with pytest.raises(NotFound):
        v.cancel_fees("nope")
    with pytest.raises(NotFound):
        v.settlement("nope")


def test_cannot_settle_an_empty_batch():
    v = visit()
    with pytest.raises(IllegalTransition):
        v.begin_settlement("B1")
