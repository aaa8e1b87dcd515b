"""检查申请单多部位: the doctor's exam request over several body parts, its charges on the encounter,
and each part's life (scheduled, performed, reported, or cancelled before it is performed).

The request and its charges are stored in one unit of work (encounters.set_order_charges runs the
request's own write inside its commit): a request without its charges, or charges without their
request, cannot be seen. For an insured encounter the charges reach the platform (2204) before that
commit; cancelling a part re-prices the parts that remain by the table version that priced the
request, and the encounter replaces the request's lines (2205 + a new 2204 of what remains).
Notices to the radiology system (HL7 ORM^O01) are written into the same commit by `notify`."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.operator import Operator
from domain.orders import ExamMethod, ExamRequest, PartState, RequestedPart, Urgency
from domain.text import excerpt
from ports.clock import Clock
from ports.unit_of_work import UnitOfWork
from services.encounters import EncounterService, OrderCharge
from services.orders.commands import RequestExam
from services.orders.exam_tables import ExamTables

NEW, CANCEL = "NEW", "CANCEL"
# (unit of work, the request as it will be stored, NEW or CANCEL, the part numbers concerned)
Notify = Callable[[UnitOfWork, ExamRequest, str, list[int]], None]


class ExamRequestService:
    def __init__(self, uow: Callable[[], UnitOfWork], encounters: EncounterService, tables: ExamTables,
                 clock: Clock, notify: Notify | None = None):
        self.uow, self.encounters, self.tables, self.clock = uow, encounters, tables, clock
        self.notify = notify

    # ---- requesting and cancelling (charges follow) ------------------------------------------
    def request_exam(self, op: Operator, cmd: RequestExam) -> ExamRequest:
        violations: list[FieldViolation] = []
        if not cmd.encounter_id:
            violations.append(FieldViolation("encounter_id", "is required"))
        table = None
        try:
            table = self.tables.current(cmd.exam_type)
        except NotFound:
            violations.append(FieldViolation("exam_type", f"no exam-item table for {excerpt(cmd.exam_type)!r}; "
                                                          f"known: {', '.join(t.exam_type for t in self.tables.all())}"))
        parts = []
        for i, p in enumerate(cmd.parts):
            try:
                parts.append(RequestedPart(p.part_code, ExamMethod(p.method)))
            except ValueError:
                violations.append(FieldViolation(f"parts[{i}].method", f"must be one of "
                                                                       f"{', '.join(m.value for m in ExamMethod)}"))
        try:
            urgency = Urgency(cmd.urgency or Urgency.ROUTINE.value)
        except ValueError:
            violations.append(FieldViolation("urgency", f"must be one of {', '.join(u.value for u in Urgency)}"))
        if violations:
            raise ValidationFailed(violations)
        encounter = self.encounters.get(cmd.encounter_id)
        encounter.require_open("request an exam")
        code, name = cmd.diagnosis_code, cmd.diagnosis_name
        main = next((d for d in encounter.diagnoses if d.main), encounter.diagnoses[0] if encounter.diagnoses else None)
        if not code and main is not None:  # the visit's main diagnosis, not typed again
            code, name = main.code, main.name
        elif code and not name:
            name = next((d.name for d in encounter.diagnoses if d.code == code), "")
        request = ExamRequest.create(
            str(uuid.uuid4()), encounter.id, table.table, parts, clinical_summary=cmd.clinical_summary,
            purpose=cmd.purpose, diagnosis_code=code, diagnosis_name=name, urgency=urgency, requested_by=op.code,
            requested_at=self.clock.now(), contrast=cmd.contrast, table_version=table.version)

        def store(uow: UnitOfWork) -> None:
            uow.exam_requests.add(request)
            if self.notify is not None:
                self.notify(uow, request, NEW, [p.no for p in request.parts])
        self.encounters.set_order_charges(op, encounter.id, request.id, self._charges(request), with_order=store)
        return request

    def cancel_parts(self, op: Operator, request_id: str, part_nos: list[int], reason: str = "") -> ExamRequest:
        """Cancel parts not yet performed; the request's charges become those of the parts that remain
        (insured: the old batch cancelled with 2205 and the rest uploaded again, in this call)."""
        if not part_nos:
            raise ValidationFailed([FieldViolation("part_nos", "at least one part is required")])
        if len(set(part_nos)) != len(part_nos):
            raise ValidationFailed([FieldViolation("part_nos", "a part is named twice")])
        request = self.get(request_id)
        for i, no in enumerate(part_nos):
            try:
                request.cancel(no)  # every part checked before anything is sent
            except NotFound as exc:
                raise ValidationFailed([FieldViolation(f"part_nos[{i}]", str(exc))]) from None

        def store(uow: UnitOfWork) -> None:
            stored = self._get(uow, request_id)
            for no in part_nos:
                stored.cancel(no)  # a part performed meanwhile refuses here: nothing is stored
            if self.notify is not None:
                self.notify(uow, stored, CANCEL, list(part_nos))
        self.encounters.set_order_charges(op, request.encounter_id, request.id, self._charges(request),
                                          with_order=store)
        return self.get(request_id)

    def _charges(self, request: ExamRequest) -> list[OrderCharge]:
        table = self.tables.version(request.exam_type, request.table_version).table
        return [OrderCharge("" if no is None else str(no), charge.line) for no, charge in request.charges(table)]

    # ---- the department's side: schedule, perform, report ------------------------------------
    def schedule_part(self, op: Operator, request_id: str, part_no: int, when: datetime) -> ExamRequest:
        return self._change(request_id, lambda r: r.schedule(part_no, when))

    def record_performed(self, op: Operator, request_id: str, part_no: int) -> ExamRequest:
        return self._change(request_id, lambda r: r.perform(part_no, self.clock.now()))

    def record_report(self, request_id: str, part_no: int, text: str, at: datetime | None = None) -> ExamRequest:
        """The report of a part (from the radiology system's ORU^R01, or typed in): a part still
        REQUESTED or SCHEDULED is taken as performed first, since the report proves it was."""
        def report(r: ExamRequest) -> None:
            if r.part(part_no).state in (PartState.REQUESTED, PartState.SCHEDULED):
                r.perform(part_no, at or self.clock.now())
            r.report(part_no, text, at or self.clock.now())
        return self._change(request_id, report)

    # ---- reads -------------------------------------------------------------------------------
    def get(self, request_id: str) -> ExamRequest:
        with self.uow() as uow:
            return self._get(uow, request_id)

    def for_encounter(self, encounter_id: str) -> list[ExamRequest]:
        with self.uow() as uow:
            return uow.exam_requests.for_encounter(encounter_id)

    # ---- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _get(uow: UnitOfWork, request_id: str) -> ExamRequest:
        found = uow.exam_requests.get(request_id)
        if found is None:
            raise NotFound(f"no exam request {excerpt(request_id)}")
        return found

    def _change(self, request_id: str, change: Callable[[ExamRequest], object]) -> ExamRequest:
        with self.uow() as uow:
            request = self._get(uow, request_id)
            change(request)
            uow.commit()
            return request
