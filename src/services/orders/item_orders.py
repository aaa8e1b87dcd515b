"""Orders of plain charge items (treatment, materials: 治疗, 材料): lines of the hospital's price list
(院内收费项目) put on the encounter's bill by the doctor. Such an order is nothing but its lines: they
live on the encounter, named by the order's id ("CI…"), and change or go as a whole. Drugs are
prescribed (the prescriptions context), exams requested (exam requests): their price-list items are
refused here, so every order keeps its own rules."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from domain.encounters import Charge, Encounter
from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.hospital import ChargeItem
from domain.operator import Operator
from domain.text import excerpt
from services.encounters import EncounterService, OrderCharge

PREFIX = "CI"
ORDERABLE = frozenset({"201", "301"})  # 医疗服务项目, 医用耗材 (list_type of 3301)
MAX_LINES = 50
MAX_QUANTITY = Decimal(10000)


@dataclass(frozen=True)
class ItemInput:
    item_code: str
    quantity: Decimal = Decimal(1)


class ItemOrders:
    def __init__(self, encounters: EncounterService, charge_item: Callable[[str], ChargeItem]):
        self.encounters, self.charge_item = encounters, charge_item

    def order(self, op: Operator, encounter_id: str, items: list[ItemInput],
              order_id: str = "") -> tuple[str, Encounter]:
        """A new order of these items (order_id ""), or an earlier one of this encounter changed to them;
        each line priced from the price list. Returns the order's id and the encounter."""
        if order_id:
            self._require_own(encounter_id, order_id)
        lines = [OrderCharge(str(i), item.fee_line(qty)) for i, (item, qty) in enumerate(self._priced(items), 1)]
        order_id = order_id or f"{PREFIX}{uuid.uuid4().hex[:24].upper()}"
        return order_id, self.encounters.set_order_charges(op, encounter_id, order_id, lines)

    def cancel(self, op: Operator, encounter_id: str, order_id: str) -> Encounter:
        """Withdraw the order's lines (none of them paid: a paid line is refunded or its settlement
        cancelled first)."""
        self._require_own(encounter_id, order_id)
        return self.encounters.set_order_charges(op, encounter_id, order_id, [])

    def lines(self, encounter_id: str, order_id: str) -> list[Charge]:
        return self.encounters.order_charges(encounter_id, order_id)

    def _priced(self, items: list[ItemInput]) -> list[tuple[ChargeItem, Decimal]]:
        violations: list[FieldViolation] = []
        if not items:
            violations.append(FieldViolation("items", "at least one item is required"))
        if len(items) > MAX_LINES:
            violations.append(FieldViolation("items", f"at most {MAX_LINES} items in one order"))
        found = []
        for i, asked in enumerate(items[:MAX_LINES]):
            try:
                item = self.charge_item(asked.item_code)
            except NotFound:
                violations.append(FieldViolation(f"items[{i}].item_code", f"{excerpt(asked.item_code)} is not in the "
                                                                          "hospital's price list (院内收费项目)"))
                continue
            if item.list_type not in ORDERABLE:
                violations.append(FieldViolation(f"items[{i}].item_code", f"{item.name} is a drug: prescribe it"))
            qty = asked.quantity
            if not qty.is_finite() or qty <= 0 or qty > MAX_QUANTITY or qty != qty.quantize(Decimal("0.0001")):
                violations.append(FieldViolation(f"items[{i}].quantity", "must be more than 0 and at most "
                                                                         f"{MAX_QUANTITY}, with up to 4 decimals"))
            found.append((item, qty))
        if violations:
            raise ValidationFailed(violations)
        return found

    def _require_own(self, encounter_id: str, order_id: str) -> None:
        if not order_id.startswith(PREFIX) or not self.encounters.order_charges(encounter_id, order_id):
            raise NotFound(f"encounter {excerpt(encounter_id)} has no charge-item order {excerpt(order_id)}")
