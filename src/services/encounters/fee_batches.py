"""The platform's copy of an insured encounter's unpaid lines. The platform cancels a charge batch
only as a whole (2205), so the encounter keeps at most one batch uploaded and unsettled, equal to its
unpaid lines: when they change, that batch is cancelled and the unpaid lines uploaded as a new one. A
医保 registration takes one settlement (2207); the lines after it get a registration of their own
(2201A), linked to the encounter and settled under it."""
from __future__ import annotations

import uuid

from domain.encounters import Encounter
from domain.errors import IllegalTransition
from domain.operator import Operator
from domain.visit import Visit, VisitState
from services.encounters import insurance_translation as yb
from services.encounters.core import EncounterCore, link_visit, live_batches, recorded_batches


class FeeBatches(EncounterCore):
    def _upload_unpaid(self, op: Operator, encounter: Encounter) -> str:
        """Make the one live batch of the encounter's 医保 registration equal its unpaid lines (as
        `encounter` holds them, numbered): the batch kept when it is, else cancelled (2205) and the
        unpaid lines uploaded anew (2204). Returns the live batch's number ("" when nothing is due)."""
        due = encounter.unpaid()
        visit = self._registration_for_fees(op, encounter) if due else self.outpatient.get_visit(encounter.visit_id)
        live = live_batches(visit, recorded_batches(encounter))
        if len(live) == 1 and _carries(visit, live[0], due):
            return live[0]
        for batch in live:
            self.outpatient.cancel_fees(op, visit.id, batch)
        if not due:
            return ""
        place = self._place_of(encounter.current_leg())
        chrg_bchno = uuid.uuid4().hex[:20].upper()
        self.outpatient.upload_fees(op, visit.id, yb.fee_items(due, chrg_bchno, place.dept, place.doctor))
        return chrg_bchno

    def _registration_for_fees(self, op: Operator, encounter: Encounter) -> Visit:
        """The 医保 registration the encounter's next fees go to: the one in force while it takes
        fees; once settled (or its settlement is under way), a new one (2201A) for the clinic the
        patient is at, linked to the encounter before anything else happens."""
        visit = self.outpatient.get_visit(encounter.visit_id)
        if visit.state is VisitState.REGISTERED:
            return visit
        if visit.state is VisitState.SETTLING:
            raise IllegalTransition(f"the 医保 registration {visit.mdtrt_id} is being settled; ask again shortly")
        if visit.state is not VisitState.SETTLED:
            raise IllegalTransition(f"the 医保 registration {visit.mdtrt_id} is {visit.state.value}: it takes no fees")
        leg = encounter.current_leg()
        place = self._place_of(leg)
        settled = sum(1 for p in encounter.payments if p.setl_id)
        number = yb.outpatient_number(f"{encounter.id}/settlement/{settled + 1}")
        renewed = self.outpatient.register(op, yb.registration(encounter, place.dept, place.doctor, number,
                                                               self.clock.now()))

        def link(e: Encounter, _uow) -> None:
            link_visit(e, e.current_leg(), renewed.id, renewed.mdtrt_id)
        try:
            updated = self._apply(encounter.id, link)
        except Exception:
            self._cancel_quietly(op, renewed.id)  # registered for fees that will not come
            raise
        link_visit(encounter, encounter.current_leg(), renewed.id, renewed.mdtrt_id)
        encounter.version = updated.version
        return renewed


def _carries(visit: Visit, chrg_bchno: str, due: list) -> bool:
    """The batch holds exactly these lines: the same numbers with the same items, quantities and
    amounts (a number alone could be another line's, should a batch have been uploaded for lines
    whose storing then failed)."""
    held = sorted((f.feedetl_sn, f.medins_list_codg, f.cnt, f.det_item_fee_sumamt) for f in visit.batch(chrg_bchno))
    wanted = sorted((f"{chrg_bchno}-{c.line_no}", c.item_code, c.quantity, c.amount) for c in due)
    return held == wanted
