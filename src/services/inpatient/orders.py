"""住院证 from the doctor station: issued on an open encounter with its diagnoses carried over, changed or
cancelled while unused, lapsing after its last day."""
from __future__ import annotations

import uuid

from domain.encounters import Encounter, EncounterState
from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.inpatient import AdmissionDiagnosis, AdmissionOrder, Condition
from domain.money import money
from domain.operator import Operator
from domain.text import excerpt
from ports.unit_of_work import UnitOfWork
from services.inpatient.commands import ChangeAdmissionOrder, IssueAdmissionOrder, diagnoses_of
from services.inpatient.core import InpatientCore, parse_enum


class OrderUseCases(InpatientCore):
    def issue_order(self, op: Operator, cmd: IssueAdmissionOrder) -> AdmissionOrder:
        encounter = self.encounters.get(cmd.encounter_id)
        if encounter.state is not EncounterState.OPEN:
            raise IllegalTransition(f"cannot issue an admission order: encounter {encounter.id} is "
                                    f"{encounter.state.value} (needs OPEN)")
        now = self.clock.now()
        diagnoses = diagnoses_of(cmd.diagnoses) if cmd.diagnoses else _carried(encounter)
        with self.uow() as uow:
            ward = self._ward(uow, cmd.ward_code)
            order = AdmissionOrder(
                id=str(uuid.uuid4()), encounter_id=encounter.id, patient_id=encounter.patient_id,
                dept_code=cmd.dept_code or ward.dept_code, ward_code=ward.code, diagnoses=diagnoses,
                condition=parse_enum(Condition, cmd.condition, "condition"),
                suggested_deposit=money(cmd.suggested_deposit), planned_date=cmd.planned_date or now.date(),
                issued_by=op.code, issued_at=now,
                med_type=(cmd.med_type or self.config.default_med_type) if encounter.insured else "",
                dise_codg=cmd.dise_codg, dise_name=cmd.dise_name, note=cmd.note)
            self._check_order(order, now.date(), planned_given=cmd.planned_date is not None)
            uow.admission_orders.add(order)
            uow.commit()
        return order

    def change_order(self, op: Operator, cmd: ChangeAdmissionOrder) -> AdmissionOrder:
        now = self.clock.now()
        with self.uow() as uow:
            order = self._usable(uow, cmd.order_id, "change it")
            values = {k: getattr(cmd, k) for k in ("dept_code", "planned_date", "med_type", "dise_codg",
                                                   "dise_name", "note") if getattr(cmd, k) is not None}
            if cmd.ward_code is not None:
                ward = self._ward(uow, cmd.ward_code)
                values["ward_code"] = ward.code
                values.setdefault("dept_code", ward.dept_code)
            if cmd.condition is not None:
                values["condition"] = parse_enum(Condition, cmd.condition, "condition")
            if cmd.suggested_deposit is not None:
                values["suggested_deposit"] = money(cmd.suggested_deposit)
            if cmd.diagnoses:
                values["diagnoses"] = diagnoses_of(cmd.diagnoses)
            if "med_type" in values and not values["med_type"] and order.med_type:
                raise ValidationFailed([FieldViolation("med_type", "an insured stay needs its 医疗类别")])
            if "med_type" in values and values["med_type"] and not order.med_type:
                raise ValidationFailed([FieldViolation("med_type", "a self-pay encounter's order has no 医疗类别")])
            order.change(now, op.code, **values)
            self._check_order(order, now.date(), planned_given=cmd.planned_date is not None)
            uow.commit()
        return order

    def cancel_order(self, op: Operator, order_id: str, reason: str = "") -> AdmissionOrder:
        now = self.clock.now()
        with self.uow() as uow:
            order = self._usable(uow, order_id, "cancel it")
            order.cancel(now, reason)
            uow.commit()
        return order

    def get_order(self, order_id: str) -> AdmissionOrder:
        """The order; one past its last day is marked EXPIRED on this first read after it."""
        with self.uow() as uow:
            order = self._order(uow, order_id)
            if order.expire_if_due(self.clock.now().date(), self.config.orders.valid_days):
                uow.commit()
        return order

    def orders_of_encounter(self, encounter_id: str) -> list[AdmissionOrder]:
        with self.uow() as uow:
            return uow.admission_orders.for_encounter(encounter_id)

    # ---- helpers ---------------------------------------------------------------------------
    def _usable(self, uow: UnitOfWork, order_id: str, doing: str) -> AdmissionOrder:
        """The order, ISSUED and within its days. One found lapsed is marked EXPIRED (kept, even though
        the caller hears IllegalTransition)."""
        order = self._order(uow, order_id)
        if order.expire_if_due(self.clock.now().date(), self.config.orders.valid_days):
            uow.commit()
        order.require_issued(doing)
        return order

    def _check_order(self, order: AdmissionOrder, today, planned_given: bool) -> None:
        found = order.violations()
        if planned_given and order.planned_date < today:
            found.append(FieldViolation("planned_date", f"{order.planned_date.isoformat()} is in the past"))
        try:
            self.hospital.department(order.dept_code)
        except NotFound:
            found.append(FieldViolation("dept_code", f"no department {excerpt(order.dept_code)}"))
        if found:
            raise ValidationFailed(found)


def _carried(encounter: Encounter) -> list[AdmissionDiagnosis]:
    if not encounter.diagnoses:
        raise ValidationFailed([FieldViolation("diagnoses", f"encounter {encounter.id} has no diagnoses: the "
                                                            "doctor records them first, or names them here")])
    diagnoses = [AdmissionDiagnosis(d.code, d.name, d.main, d.kind) for d in encounter.diagnoses]
    if not any(d.main for d in diagnoses):  # the visit's first diagnosis leads when none was marked
        diagnoses[0].main = True
    return diagnoses
