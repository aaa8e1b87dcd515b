"""Charges that follow orders, below gRPC: the order's lines replaced as a whole, an insured
encounter's unpaid lines kept on the platform as one batch (2205 + 2204 when they change), a new
registration for the fees after a settled one, and a change half-way through the platform's steps."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from encounterkit import DOCTOR, OP

from domain.errors import IllegalTransition, ValidationFailed
from domain.hospital import FeeLine
from domain.journal import JournalState
from domain.visit import VisitState
from services.encounters import OrderCharge, PayEncounter, RegisterEncounter
from services.errors import PlatformRejected

D = Decimal


NATIONAL = {"CT01": "210300001000000", "CT02": "210300002000000", "DYE": "XV08ABA040B002010101524",
            "FILM": "C07020101", "DRUG1": "XJ01CAA040A001010104022"}


def line(code: str, price: str) -> FeeLine:
    return FeeLine(code, f"项目{code}", NATIONAL[code], D(price), D(1), D(price))


# a 3-part CT request as the exam pricing gives it: part 1 in full, parts 2 and 3 at half price, contrast once
CT = [OrderCharge("1", line("CT01", "200.00")), OrderCharge("2", line("CT01", "100.00")),
      OrderCharge("3", line("CT02", "100.00")), OrderCharge("3", line("DYE", "80.00")),
      OrderCharge("", line("FILM", "25.00"))]


def ok_codes(app, visit_id):
    return [e.infno for e in app.journal.for_visit(visit_id) if e.state in (JournalState.OK, JournalState.CONFIRMED)]


def live_on_platform(simulator, mdtrt_id):
    return sorted(str(f.det_item_fee_sumamt) for f in simulator.visit(mdtrt_id).fees.values() if not f.setl_id)


def test_lines_after_a_settled_registration_fee_go_to_a_new_registration_uploaded_at_signing(world, simulator):
    e = world.register_insured()
    fee = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    signed = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    assert signed.visit_id != e.visit_id and signed.mdtrt_id != e.mdtrt_id  # one settlement per registration
    assert ok_codes(world.app, signed.visit_id) == ["2201A", "2204"]
    assert live_on_platform(simulator, signed.mdtrt_id) == sorted(["200.00", "100.00", "100.00", "80.00", "25.00"])
    assert [c.order_item for c in signed.order_lines("EXAM-1")] == ["1", "2", "3", "3", ""]
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    assert paid.visit_id == signed.visit_id and paid.fund_amount + paid.amount == D("505.00")
    assert ok_codes(world.app, signed.visit_id) == ["2201A", "2204", "2206", "2207"]  # the signed batch, settled
    [record] = world.service.history(world.insured.id).records
    assert {s.setl_id for s in record.settlements} == {fee.setl_id, paid.setl_id}


def test_a_changed_order_cancels_the_batch_and_uploads_what_remains_in_the_same_call(world, simulator):
    e = world.register_insured()
    world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    kept = [c for c in CT if c.order_item != "2"]  # part 2 cancelled
    changed = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", kept)
    assert ok_codes(world.app, e.visit_id) == ["2201A", "2204", "2205", "2204"]
    # the registration fee (11.00 in two lines) was unpaid too: it stays in the batch beside the order's lines
    assert live_on_platform(simulator, e.mdtrt_id) == sorted(["1.00", "10.00", "200.00", "100.00", "80.00", "25.00"])
    withdrawn = [c for c in changed.charges if c.withdrawn_at is not None]
    assert [(c.order_item, c.amount) for c in withdrawn] == [("2", D("100.00"))]
    assert changed.outstanding() == D("416.00")
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    assert paid.fund_amount + paid.amount == D("416.00")
    assert ok_codes(world.app, e.visit_id)[-3:] == ["2204", "2206", "2207"]  # no upload at payment: signed already


def test_the_same_lines_again_change_nothing_anywhere(world, simulator):
    e = world.register_insured()
    first = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    again = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", list(CT))
    assert [c.line_no for c in again.order_lines("EXAM-1")] == [c.line_no for c in first.order_lines("EXAM-1")]
    assert ok_codes(world.app, e.visit_id) == ["2201A", "2204"]


def test_a_paid_line_is_never_changed_by_its_order(world):
    e = world.service.register(OP, RegisterEncounter(world.self_pay.id, "NK-1", "ORDINARY"))
    world.service.set_order_charges(DOCTOR, e.id, "RX-1", [OrderCharge("1", line("DRUG1", "12.50"))])
    world.service.pay(OP, PayEncounter(e.id, "CASH"))
    before = world.service.get(e.id)
    with pytest.raises(IllegalTransition, match="paid"):
        world.service.set_order_charges(DOCTOR, e.id, "RX-1", [])
    assert world.service.get(e.id) == before


def test_bad_lines_are_refused_by_field_with_nothing_stored_or_sent(world):
    e = world.register_insured()
    bad = [OrderCharge("1", replace(line("CT01", "200.00"), amount=D("199.00"))),
           OrderCharge("2", replace(line("CT01", "100.00"), item_code=""))]
    with pytest.raises(ValidationFailed) as err:
        world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", bad)
    assert [v.field for v in err.value.violations] == ["charges[0].amount", "charges[1].item_code"]
    assert world.service.get(e.id).order_lines("EXAM-1") == []
    assert ok_codes(world.app, e.visit_id) == ["2201A"]


def test_a_refused_reupload_after_the_cancel_leaves_the_order_as_it_was_and_payment_mends_the_platform(
        world, simulator):
    e = world.register_insured()
    world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    before = world.service.get(e.id)
    simulator.faults.add("2204", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT[:1])
    assert world.service.get(e.id) == before  # the order's lines as they were
    assert live_on_platform(simulator, e.mdtrt_id) == []  # the old batch cancelled, nothing uploaded: no double charge
    assert world.app.outpatient.get_visit(e.visit_id).state is VisitState.REGISTERED
    paid = world.service.pay(OP, PayEncounter(e.id, "CASH"))
    assert paid.fund_amount + paid.amount == before.outstanding() == D("516.00")


def test_self_pay_lines_follow_the_order_locally(world):
    e = world.service.register(OP, RegisterEncounter(world.self_pay.id, "NK-1", "ORDINARY"))
    world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    changed = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", [])
    assert changed.order_lines("EXAM-1") == [] and changed.outstanding() == D("11.00")
    assert len([c for c in changed.charges if c.withdrawn_at]) == len(CT)  # kept, marked


def test_a_transfer_to_a_new_registration_takes_the_unpaid_lines_along(world, simulator):
    from services.encounters import TransferEncounter

    e = world.register_insured()
    world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", CT)
    moved = world.service.transfer(DOCTOR, TransferEncounter(e.id, "SEP-1", "特需门诊", to_doctor_code="D002"))
    assert moved.visit_id != e.visit_id
    assert ok_codes(world.app, e.visit_id) == ["2201A", "2204", "2205", "2202"]  # released before it is cancelled
    assert ok_codes(world.app, moved.visit_id) == ["2201A", "2204"]
    assert live_on_platform(simulator, e.mdtrt_id) == []
    assert sum(D(x) for x in live_on_platform(simulator, moved.mdtrt_id)) == moved.outstanding() == D("516.00")


def test_a_live_batch_with_the_same_line_numbers_but_other_items_is_replaced(world, simulator):
    from services.encounters import insurance_translation as yb

    e = world.register_insured()
    # as if an earlier signing had uploaded lines 3-4 and then failed to store them
    stray = [c for c in world.service.set_order_charges(DOCTOR, e.id, "EXAM-0", CT[:2]).charges if c.order_id]
    world.service.set_order_charges(DOCTOR, e.id, "EXAM-0", [])  # withdrawn: the platform's batch goes too
    visit = world.app.outpatient.get_visit(e.visit_id)
    for batch in {f.chrg_bchno for f in visit.fees if f.state.value == "UPLOADED"}:
        world.app.outpatient.cancel_fees(OP, e.visit_id, batch)  # nothing live: the stray batch below is the one
    dept, doctor = world.directory.department("NK"), world.directory.staff("D001")
    batch = "STRAYBATCH0000000001"
    registration_fee = [c for c in e.charges]
    renumbered = [replace(c, line_no=n) for c, n in zip(stray, (5, 6))]
    world.app.outpatient.upload_fees(OP, e.visit_id, yb.fee_items(registration_fee + renumbered, batch, dept, doctor))
    signed = world.service.set_order_charges(DOCTOR, e.id, "EXAM-1", [CT[4], CT[3]])  # lines 5 and 6: film, dye
    assert [c.line_no for c in signed.order_lines("EXAM-1")] == [5, 6]
    assert ok_codes(world.app, e.visit_id)[-2:] == ["2205", "2204"]  # same numbers, other items: uploaded anew
    assert sorted(live_on_platform(simulator, e.mdtrt_id)) == sorted(["1.00", "10.00", "25.00", "80.00"])
