"""Every operation of domain.visit.Visit in every state: refused (IllegalTransition, nothing changed)
or allowed (and the state it leads to), as one explicit table.

Each visit is built so that only its state can be the reason for a refusal: it has two uploaded
batches (B1, B2), B1 is the one settled or being settled, B2 stays uploaded in every state, and
the arguments are ones the operation takes when the state allows it.
"""
from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal

import pytest

from domain.errors import IllegalTransition
from domain.settlement import Settlement
from domain.visit import Diagnosis, FeeItem, FeeState, Visit, VisitState

T = datetime(2026, 3, 2, 9, 30)
REGISTERING, REGISTERED, SETTLING, SETTLED, CANCELLED = (
    VisitState.REGISTERING, VisitState.REGISTERED, VisitState.SETTLING, VisitState.SETTLED, VisitState.CANCELLED)
REFUSED = "refused"

# operation → state → the state it leads to, or REFUSED. Written out by hand from the rules: fees
# and diagnoses change only while REGISTERED; a claim (SETTLING) ends by completing or abandoning;
# only a SETTLED visit has a settlement to cancel; a CANCELLED visit accepts nothing; a REGISTERING one
# (its 2201 in flight) only completes its registration.
EXPECTED = {
    "complete_registration": {REGISTERING: REGISTERED, REGISTERED: REFUSED, SETTLING: REFUSED, SETTLED: REFUSED,
                              CANCELLED: REFUSED},
    "record_diagnoses":    {REGISTERING: REFUSED, REGISTERED: REGISTERED, SETTLING: REFUSED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "add_fees":            {REGISTERING: REFUSED, REGISTERED: REGISTERED, SETTLING: REFUSED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "cancel_fees":         {REGISTERING: REFUSED, REGISTERED: REGISTERED, SETTLING: REFUSED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "begin_settlement":    {REGISTERING: REFUSED, REGISTERED: SETTLING, SETTLING: REFUSED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "complete_settlement": {REGISTERING: REFUSED, REGISTERED: REFUSED, SETTLING: SETTLED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "abandon_settlement":  {REGISTERING: REFUSED, REGISTERED: REFUSED, SETTLING: REGISTERED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
    "cancel_settlement":   {REGISTERING: REFUSED, REGISTERED: REFUSED, SETTLING: REFUSED, SETTLED: REGISTERED,
                            CANCELLED: REFUSED},
    "cancel_registration": {REGISTERING: REFUSED, REGISTERED: CANCELLED, SETTLING: REFUSED, SETTLED: REFUSED,
                            CANCELLED: REFUSED},
}


def fee(sn: str, batch: str, amount: str) -> FeeItem:
    return FeeItem(feedetl_sn=sn, chrg_bchno=batch, med_list_codg="X", medins_list_codg="HX",
                   det_item_fee_sumamt=Decimal(amount), cnt=Decimal("1"), pric=Decimal(amount), fee_ocur_time=T,
                   bilg_dept_codg="D1", bilg_dept_name="内科", bilg_dr_codg="DR1", bilg_dr_name="王医生")


def settlement(setl_id: str, sign: str = "") -> Settlement:
    """B1's settlement: 12.50 = fund 5.00 + person 7.50 (account 7.50, cash 0.00); negated with sign="-"."""
    d = lambda text: Decimal(sign + text) if text != "0.00" else Decimal("0.00")  # noqa: E731
    return Settlement(mdtrt_id="M1", psn_no="P1", chrg_bchno="B1", setl_id=setl_id, medfee_sumamt=d("12.50"),
                      hifp_pay=d("5.00"), fund_pay_sumamt=d("5.00"), psn_part_amt=d("7.50"), acct_pay=d("7.50"),
                      psn_cash_pay=d("0.00"))


def diagnosis() -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染", diag_dept="内科",
                     dise_dor_no="DR1", dise_dor_name="王医生", diag_time=T)


def visit_in(state: VisitState) -> Visit:
    v = Visit(id="v1", psn_no="P1", insutype="310", med_type="11", mdtrt_cert_type="02",
              mdtrt_cert_no="420106199001011234", ipt_otp_no="MZ1", begntime=T, dept_code="D1", dept_name="内科",
              caty="A03", atddr_no="DR1", dr_name="王医生", mdtrt_id="M1")
    v.add_fees([fee("1", "B1", "12.50"), fee("2", "B2", "3.00")])
    if state is SETTLING:
        v.begin_settlement("B1")
    elif state is SETTLED:
        v.begin_settlement("B1")
        v.complete_settlement(settlement("S1"))
    elif state is CANCELLED:
        v.cancel_registration()
    elif state is REGISTERING:  # as if its 2201 were still out: batches kept so only the state differs
        v.state, v.mdtrt_id = REGISTERING, ""
    assert v.state is state and v.batch_state("B2") is FeeState.UPLOADED
    return v


OPERATIONS = {
    "complete_registration": lambda v: v.complete_registration("M1"),
    "record_diagnoses": lambda v: v.record_diagnoses([diagnosis()]),
    "add_fees": lambda v: v.add_fees([fee("3", "B3", "1.00")]),
    "cancel_fees": lambda v: v.cancel_fees("B2"),
    "begin_settlement": lambda v: v.begin_settlement("B2"),  # B2 is uploaded and unsettled in every state
    "complete_settlement": lambda v: v.complete_settlement(settlement("S1")),
    "abandon_settlement": lambda v: v.abandon_settlement(),
    "cancel_settlement": lambda v: v.cancel_settlement("S1", settlement("S1N", "-")),
    "cancel_registration": lambda v: v.cancel_registration(),
}

CELLS = [(op, state, outcome) for op, row in EXPECTED.items() for state, outcome in row.items()]


def test_the_table_covers_every_operation_and_state():
    assert set(EXPECTED) == set(OPERATIONS)
    assert all(set(row) == set(VisitState) for row in EXPECTED.values())


@pytest.mark.parametrize("op, state, outcome", CELLS,
                         ids=[f"{op}-{state.value}-{getattr(o, 'value', o)}" for op, state, o in CELLS])
def test_operation_in_state(op, state, outcome):
    v = visit_in(state)
    before = copy.deepcopy(v)
    if outcome == REFUSED:
        with pytest.raises(IllegalTransition):
            OPERATIONS[op](v)
        assert v == before  # a refusal changes nothing
    else:
        OPERATIONS[op](v)
        assert v.state is outcome


def test_a_settled_visit_cannot_settle_again_neither_its_batch_nor_another():
    v = visit_in(SETTLED)
    for batch in ("B1", "B2"):
        with pytest.raises(IllegalTransition):
            v.begin_settlement(batch)
    assert v.state is SETTLED and v.settling_batch == ""
    assert [s.setl_id for s in v.settlements] == ["S1"]


def test_a_settled_visit_cannot_complete_a_second_settlement():
    v = visit_in(SETTLED)
    with pytest.raises(IllegalTransition):
        v.complete_settlement(settlement("S2"))
    assert [s.setl_id for s in v.settlements] == ["S1"]


def test_fees_cannot_change_while_settling():
    v = visit_in(SETTLING)
    with pytest.raises(IllegalTransition):
        v.add_fees([fee("3", "B1", "1.00")])  # not even into the batch being settled
    with pytest.raises(IllegalTransition):
        v.cancel_fees("B1")
    with pytest.raises(IllegalTransition):
        v.cancel_fees("B2")
    assert [(f.feedetl_sn, f.state) for f in v.fees] == [("1", FeeState.UPLOADED), ("2", FeeState.UPLOADED)]


def test_a_cancelled_visit_accepts_nothing():
    v = visit_in(CANCELLED)
    for op, run in OPERATIONS.items():
        with pytest.raises(IllegalTransition):
            run(v)
        assert v.state is CANCELLED, op
