"""his.v1.OrderService: proto in, one orders use case, proto out. No rules live here."""
from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.encounters import Charge
from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.orders import ContrastAnswers, ExamRequest, PricedItem
from his.v1 import orders_pb2 as pb
from his.v1 import orders_pb2_grpc
from services.encounters import EncounterService
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.grpc.registration_servicer import charge_to_proto
from services.orders import (ExamForms, ExamRequestService, ExamTables, ItemInput, ItemOrders, PartInput,
                             RequestExam)

_QUANTITY_SCALE = 4


class OrderServicer(orders_pb2_grpc.OrderServiceServicer):
    def __init__(self, exams: ExamRequestService, tables: ExamTables, forms: ExamForms, items: ItemOrders,
                 encounters: EncounterService, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        self.exams, self.tables, self.forms, self.items, self.encounters = exams, tables, forms, items, encounters
        self.zone = m.zone_of(zone)

    def ListExamTables(self, request, context):
        current_operator()
        return pb.ListExamTablesResponse(tables=[_table(t) for t in self.tables.all()])

    def RequestExam(self, request, context):
        violations: list[FieldViolation] = []
        parts = [PartInput(p.part_code, _method_name(p.method, f"parts[{i}].method", violations))
                 for i, p in enumerate(request.parts)]
        if violations:
            raise ValidationFailed(violations)
        contrast = ContrastAnswers(request.contrast.allergy_history, request.contrast.previous_reaction,
                                   request.contrast.consent_signed) if request.HasField("contrast") else None
        cmd = RequestExam(encounter_id=request.encounter_id, exam_type=request.exam_type, parts=parts,
                          clinical_summary=request.clinical_summary, purpose=request.purpose,
                          diagnosis_code=request.diagnosis_code, diagnosis_name=request.diagnosis_name,
                          urgency=_urgency_name(request.urgency), contrast=contrast)
        return pb.RequestExamResponse(request=self._request(self.exams.request_exam(current_operator(), cmd)))

    def GetExamRequest(self, request, context):
        current_operator()
        m.required(request, "request_id")
        return pb.GetExamRequestResponse(request=self._request(self.exams.get(request.request_id)))

    def ListExamRequests(self, request, context):
        current_operator()
        m.required(request, "encounter_id")
        encounter = self.encounters.get(request.encounter_id)  # NOT_FOUND for an unknown encounter
        return pb.ListExamRequestsResponse(requests=[self._request(r, encounter.order_lines(r.id))
                                                     for r in self.exams.for_encounter(encounter.id)])

    def CancelExamParts(self, request, context):
        op = current_operator()
        m.required(request, "exam_request_id")
        done = self.exams.cancel_parts(op, request.exam_request_id, list(request.part_nos), request.reason)
        return pb.CancelExamPartsResponse(request=self._request(done))

    def ScheduleExamPart(self, request, context):
        op = current_operator()
        m.required(request, "exam_request_id", "part_no")
        when = m.optional_time(request, "scheduled_for", self.zone)
        if when is None:
            raise ValidationFailed([FieldViolation("scheduled_for", "is required")])
        done = self.exams.schedule_part(op, request.exam_request_id, request.part_no, when)
        return pb.ScheduleExamPartResponse(request=self._request(done))

    def RecordExamPerformed(self, request, context):
        op = current_operator()
        m.required(request, "exam_request_id", "part_no")
        done = self.exams.record_performed(op, request.exam_request_id, request.part_no)
        return pb.RecordExamPerformedResponse(request=self._request(done))

    def RecordExamReport(self, request, context):
        current_operator()
        m.required(request, "exam_request_id", "part_no")
        done = self.exams.record_report(request.exam_request_id, request.part_no, request.report_text)
        return pb.RecordExamReportResponse(request=self._request(done))

    def PrintExamRequest(self, request, context):
        current_operator()
        m.required(request, "request_id")
        return pb.PrintExamRequestResponse(pdf=self.forms.pdf(request.request_id), content_type="application/pdf",
                                           file_name=f"exam-request-{request.request_id}.pdf")

    def OrderChargeItems(self, request, context):
        op = current_operator()
        m.required(request, "encounter_id")
        violations: list[FieldViolation] = []
        items = [ItemInput(i.item_code, _quantity(i.quantity, f"items[{n}].quantity", violations))
                 for n, i in enumerate(request.items)]
        if violations:
            raise ValidationFailed(violations)
        order_id, encounter = self.items.order(op, request.encounter_id, items, request.order_id)
        lines = encounter.order_lines(order_id)
        return pb.OrderChargeItemsResponse(order_id=order_id, charges=[charge_to_proto(c, self.zone) for c in lines],
                                           total=m.money_to_str(sum((c.amount for c in lines), Decimal(0))))

    def CancelChargeItemOrder(self, request, context):
        op = current_operator()
        m.required(request, "encounter_id", "order_id")
        self.items.cancel(op, request.encounter_id, request.order_id)
        return pb.CancelChargeItemOrderResponse()

    # ---- domain -> proto -----------------------------------------------------------------------
    def _request(self, r: ExamRequest, lines: list[Charge] | None = None) -> pb.ExamRequest:
        z = self.zone
        if lines is None:
            lines = self.encounters.order_charges(r.encounter_id, r.id)
        try:
            table = self.tables.version(r.exam_type, r.table_version).table
            names, exam_name = {p.part_code: p.part_name for p in table.parts}, table.name
        except NotFound:
            names, exam_name = {}, ""
        msg = pb.ExamRequest(
            id=r.id, encounter_id=r.encounter_id, exam_type=r.exam_type, exam_name=exam_name,
            clinical_summary=r.clinical_summary, purpose=r.purpose, diagnosis_code=r.diagnosis_code,
            diagnosis_name=r.diagnosis_name, urgency=m._enum(pb.ExamUrgency, "EXAM_URGENCY", r.urgency),
            requested_by=r.requested_by, table_version=r.table_version, version=r.version,
            total=m.money_to_str(sum((c.amount for c in lines), Decimal(0))))
        m._set_time(msg, "requested_at", r.requested_at, z)
        if r.contrast is not None:
            msg.contrast.CopyFrom(pb.ContrastAnswers(allergy_history=r.contrast.allergy_history,
                                                     previous_reaction=r.contrast.previous_reaction,
                                                     consent_signed=r.contrast.consent_signed))
        for p in r.parts:
            own = [c.amount for c in lines if c.order_item == str(p.no)]
            part = msg.parts.add(no=p.no, part_code=p.part_code, part_name=names.get(p.part_code, ""),
                                 method=m._enum(pb.ExamMethod, "EXAM_METHOD", p.method),
                                 state=m._enum(pb.ExamPartState, "EXAM_PART_STATE", p.state),
                                 report_text=p.report_text, amount=m.money_to_str(sum(own, Decimal(0))))
            m._set_time(part, "scheduled_for", p.scheduled_for, z)
            m._set_time(part, "performed_at", p.performed_at, z)
            m._set_time(part, "reported_at", p.reported_at, z)
        msg.charges.extend(charge_to_proto(c, self.zone) for c in lines)
        return msg


def _method_name(number: int, field: str, violations: list[FieldViolation]) -> str:
    try:
        name = pb.ExamMethod.Name(number)
    except ValueError:
        name = ""
    if not number or not name:
        violations.append(FieldViolation(field, "is required: one of PLAIN, CONTRAST, PLAIN_AND_CONTRAST"))
        return ""
    return name[len("EXAM_METHOD_"):]


def _quantity(text: str, field: str, violations: list[FieldViolation]) -> Decimal:
    if not text.strip():
        return Decimal(1)
    found = m.decimal_violation(text, field, _QUANTITY_SCALE)
    if found:
        violations.append(found)
        return Decimal(1)
    return Decimal(text.strip())


def _urgency_name(number: int) -> str:
    """UNSPECIFIED reads as ROUTINE; an unknown number passes on as itself, for the use case to refuse."""
    if number == pb.EXAM_URGENCY_UNSPECIFIED:
        return "ROUTINE"
    try:
        return pb.ExamUrgency.Name(number)[len("EXAM_URGENCY_"):]
    except ValueError:
        return str(number)


def _item(item: PricedItem | None) -> pb.ExamTableItem | None:
    if item is None:
        return None
    return pb.ExamTableItem(item_code=item.item_code, item_name=item.item_name, national_code=item.national_code,
                            unit_price=m.decimal_to_str(item.unit_price))


def _table(v) -> pb.ExamTable:
    t = v.table
    msg = pb.ExamTable(exam_type=t.exam_type, name=t.name, version=v.version,
                       additional_percent=m.decimal_to_str(t.additional.percent) if t.additional.percent is not None
                       else "", once_per_request=[_item(i) for i in t.once_per_request])
    for p in t.parts:
        msg.parts.add(part_code=p.part_code, part_name=p.part_name, method=m._enum(pb.ExamMethod, "EXAM_METHOD",
                                                                                   p.method),
                      items=[_item(i) for i in p.items])
    if t.additional.fixed_item is not None:
        msg.additional_item.CopyFrom(_item(t.additional.fixed_item))
    if t.contrast_item is not None:
        msg.contrast_item.CopyFrom(_item(t.contrast_item))
    return msg

