"""Charges that follow the doctor's orders: an order (an exam request, a prescription) owns its lines
on the encounter's bill; when the order changes, its lines are replaced as a whole. For an insured
encounter they are uploaded (2204) when the doctor signs, or at payment (settings encounters.upload_at);
a batch on the platform is cancelled as a whole (2205), so a change to an uploaded batch cancels it and
uploads what remains in a new batch in the same call."""
from __future__ import annotations

from domain.encounters import Charge, Encounter
from domain.operator import Operator
from services.encounters.commands import OrderCharge
from services.encounters.core import EncounterCore


class OrderChargeUseCases(EncounterCore):
    def set_order_charges(self, op: Operator, encounter_id: str, order_id: str,
                          charges: list[OrderCharge]) -> Encounter:
        """The unpaid lines of order `order_id` become exactly `charges` (an empty list withdraws
        them). A paid line is never changed: a set that would change one is refused
        (IllegalTransition), with nothing changed. Lines left as they were keep their line numbers
        (and their upload). Insured, uploading at signing: the encounter's unpaid lines are on the
        platform when this returns."""
        raise NotImplementedError

    def order_charges(self, encounter_id: str, order_id: str) -> list[Charge]:
        """The order's lines in force (withdrawn ones left out), paid or not."""
        raise NotImplementedError
