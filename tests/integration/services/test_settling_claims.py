"""A visit claimed for a 2207 (SETTLING) is judged by its own claim's 2207, never by an earlier one:
between the claim and its journal entry (sign-in, a slow start) the resolver must not release the
claim because an earlier 2207 of the visit was refused, nor complete it with an earlier settlement."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flowkit import OP, fees, register

from domain.visit import VisitState
from services.errors import PlatformRejected



def claim(app, visit_id: str, batch: str, ago: timedelta = timedelta(0)):
    return app.outpatient._change(visit_id, lambda v: v.begin_settlement(batch, app.clock.now() - ago))


def test_a_refused_earlier_2207_does_not_release_a_fresh_claim_of_the_same_batch(app, simulator):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        app.outpatient.settle(OP, visit.id, "B1")
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    claim(app, visit.id, "B1")  # the retry's claim; its 2207 is not journaled yet
    app.journal.sweep(owner_alive=lambda owner: False)
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLING


def test_an_earlier_settlement_of_another_batch_does_not_complete_a_fresh_claim(app):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees("B1"))
    _, first = app.outpatient.settle(OP, visit.id, "B1")
    app.outpatient.cancel_settlement(OP, visit.id, first.setl_id)
    app.outpatient.upload_fees(OP, visit.id, fees("B2"))
    recorded = [s.setl_id for s in app.outpatient.get_visit(visit.id).settlements]  # B1's and its cancellation
    claim(app, visit.id, "B2")
    app.journal.sweep(owner_alive=lambda owner: False)
    after = app.outpatient.get_visit(visit.id)
    assert after.state is VisitState.SETTLING and after.settling_batch == "B2"
    assert [s.setl_id for s in after.settlements] == recorded  # nothing recorded from B1's reply


def test_a_claim_whose_2207_was_never_sent_is_released_once_no_call_can_still_be_starting(app):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    claim(app, visit.id, "B1", ago=timedelta(minutes=3))  # its process stopped before sending
    app.journal.sweep(owner_alive=lambda owner: False)
    after = app.outpatient.get_visit(visit.id)
    assert after.state is VisitState.REGISTERED and after.settling_since is None
    _, settlement = app.outpatient.settle(OP, visit.id, "B1")  # and it can be settled now
    assert app.outpatient.get_visit(visit.id).active_settlement().setl_id == settlement.setl_id
