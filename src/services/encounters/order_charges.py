"""Charges that follow the doctor's orders: an order (an exam request, a prescription) owns its lines
on the encounter's bill; when the order changes, its lines are replaced as a whole. For an insured
encounter they are uploaded (2204) when the doctor signs, or at payment (settings encounters.upload_at),
as fee_batches keeps them: one live batch, cancelled (2205) and uploaded anew when the lines change."""
from __future__ import annotations

from collections.abc import Callable

from domain.encounters import Charge, Encounter
from domain.errors import FieldViolation, ValidationFailed
from domain.operator import Operator
from ports.unit_of_work import UnitOfWork
from services.encounters.commands import OrderCharge
from services.encounters.core import UPLOAD_AT_SIGNING
from services.encounters.fee_batches import FeeBatches


class OrderChargeUseCases(FeeBatches):
    def set_order_charges(self, op: Operator, encounter_id: str, order_id: str, charges: list[OrderCharge],
                          with_order: Callable[[UnitOfWork], None] | None = None) -> Encounter:
        """The unpaid lines of order `order_id` become exactly `charges` (an empty list withdraws
        them). A paid line is never changed: a set that would change one is refused
        (IllegalTransition), with nothing changed. Lines left as they were keep their line numbers.
        `with_order` runs in the unit of work that stores the lines (the order is saved with its
        charges, or neither is). Insured, uploading at signing: the platform holds the unpaid lines
        as one batch before anything is stored; a failure half-way stores nothing here and leaves
        the platform with no batch or the old one, which the next change or the payment mends."""
        if not order_id:
            raise ValidationFailed([FieldViolation("order_id", "is required")])
        now = self.clock.now()

        def change(encounter: Encounter, uow: UnitOfWork | None) -> None:
            leg = encounter.current_leg()
            lines = [Charge.priced(c.line, leg.seq, now, order_item=c.order_item) for c in charges]
            encounter.replace_order_lines(order_id, lines, now)
            if uow is not None and with_order is not None:
                with_order(uow)

        encounter = self.get(encounter_id)
        change(encounter, None)  # every rule checked before the platform hears of it
        if encounter.insured and self.config.upload_at == UPLOAD_AT_SIGNING:
            self._upload_unpaid(op, encounter)
        return self._apply(encounter_id, change)

    def order_charges(self, encounter_id: str, order_id: str) -> list[Charge]:
        """The order's lines in force (withdrawn ones left out), paid or not."""
        return self.get(encounter_id).order_lines(order_id)
