"""his.v1.InpatientService: proto in, one inpatient use case, proto out. No rules live here."""
from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import grpc

from domain.errors import FieldViolation, ValidationFailed
from domain.inpatient import AdmissionOrder, Deposit, InpatientStay, StaySettlement, WaitingEntry, Ward
from his.v1 import common_pb2
from his.v1 import inpatient_pb2 as pb
from his.v1 import inpatient_pb2_grpc
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.inpatient import (Admit, ChangeAdmissionOrder, ChargeLineInput, DepositInput, DiagnosisInput,
                                InpatientService, IssueAdmissionOrder, RecordCharges, RefundDeposit, SettleStay,
                                TransferStay)

_CONDITION = "ADMISSION_CONDITION_"
_QUANTITY_SCALE = 4


class InpatientServicer(inpatient_pb2_grpc.InpatientServiceServicer):
    def __init__(self, inpatient: InpatientService, zone: str | ZoneInfo = m.DEFAULT_ZONE, slips=None):
        """`slips`: SettlementSlips (PrintSettlementSlip is UNIMPLEMENTED without)."""
        self.inpatient, self.zone, self.slips = inpatient, m.zone_of(zone), slips

    # ---- 住院证 ----------------------------------------------------------------------------------
    def IssueAdmissionOrder(self, request, context):
        m.required(request, "encounter_id", "ward_code")
        problems: list[FieldViolation] = []
        condition = _condition(request.condition, problems) or "ORDINARY"
        deposit = _money(request.suggested_deposit, "suggested_deposit", problems, empty=Decimal("0"))
        planned = _date(request.planned_date, "planned_date", problems)
        if problems:
            raise ValidationFailed(problems)
        order = self.inpatient.issue_order(current_operator(), IssueAdmissionOrder(
            encounter_id=request.encounter_id, ward_code=request.ward_code, condition=condition,
            suggested_deposit=deposit, planned_date=planned, dept_code=request.dept_code,
            diagnoses=_diagnoses(request.diagnoses), med_type=request.med_type, dise_codg=request.dise_codg,
            dise_name=request.dise_name, note=request.note))
        return pb.AdmissionOrderResponse(order=self._order(order))

    def ChangeAdmissionOrder(self, request, context):
        m.required(request, "order_id")
        problems: list[FieldViolation] = []
        condition = _condition(request.condition, problems)
        deposit = _money(request.suggested_deposit, "suggested_deposit", problems, empty=None)
        planned = _date(request.planned_date, "planned_date", problems)
        if problems:
            raise ValidationFailed(problems)
        order = self.inpatient.change_order(current_operator(), ChangeAdmissionOrder(
            order_id=request.order_id, ward_code=request.ward_code or None, dept_code=request.dept_code or None,
            condition=condition, suggested_deposit=deposit, planned_date=planned,
            diagnoses=_diagnoses(request.diagnoses), med_type=request.med_type or None,
            dise_codg=request.dise_codg or None, dise_name=request.dise_name or None, note=request.note or None))
        return pb.AdmissionOrderResponse(order=self._order(order))

    def CancelAdmissionOrder(self, request, context):
        m.required(request, "order_id")
        order = self.inpatient.cancel_order(current_operator(), request.order_id, request.reason)
        return pb.AdmissionOrderResponse(order=self._order(order))

    def GetAdmissionOrder(self, request, context):
        current_operator()
        m.required(request, "order_id")
        return pb.AdmissionOrderResponse(order=self._order(self.inpatient.get_order(request.order_id)))

    # ---- admission and beds ------------------------------------------------------------------
    def Admit(self, request, context):
        m.required(request, "order_id")
        deposit = _deposit(request.deposit, "deposit") if request.HasField("deposit") else None
        result = self.inpatient.admit(current_operator(), Admit(request.order_id, request.bed_code, deposit,
                                                                request.waive_rule))
        reply = pb.AdmitResponse(stay=self._stay(result.stay))
        if result.deposit is not None:
            reply.deposit.CopyFrom(self._deposit(result.deposit))
        if result.waiting is not None:
            reply.waiting.CopyFrom(self._waiting(result.waiting))
        return reply

    def AssignBed(self, request, context):
        m.required(request, "stay_id", "bed_code")
        return self._reply(self.inpatient.assign_bed(current_operator(), request.stay_id, request.bed_code))

    def TransferStay(self, request, context):
        m.required(request, "stay_id", "to_ward_code")
        return self._reply(self.inpatient.transfer(current_operator(), TransferStay(
            request.stay_id, request.to_ward_code, request.to_bed_code, request.to_dept_code, request.reason)))

    def CancelStay(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.cancel(current_operator(), request.stay_id, request.reason))

    # ---- charges, deposit, discharge, settlement ------------------------------------------------
    def RecordCharges(self, request, context):
        m.required(request, "stay_id")
        problems: list[FieldViolation] = []
        lines = []
        for i, line in enumerate(request.lines):
            quantity = Decimal("1")
            if line.quantity:
                found = m.decimal_violation(line.quantity, f"lines[{i}].quantity", _QUANTITY_SCALE)
                if found:
                    problems.append(found)
                else:
                    quantity = Decimal(line.quantity.strip())
            lines.append(ChargeLineInput(line.item_code, quantity))
        day = _date(request.day, "day", problems)
        if problems:
            raise ValidationFailed(problems)
        self.inpatient.record_charges(current_operator(), RecordCharges(request.stay_id, tuple(lines), day))
        return self._reply(self.inpatient.get(request.stay_id))

    def WithdrawCharges(self, request, context):
        m.required(request, "stay_id", "reason")
        return self._reply(self.inpatient.withdraw_charges(current_operator(), request.stay_id,
                                                           list(request.line_nos), request.reason))

    def ChangeStayDiagnoses(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.change_diagnoses(current_operator(), request.stay_id,
                                                           _diagnoses(request.diagnoses)))

    def TakeDeposit(self, request, context):
        m.required(request, "stay_id")
        deposit = self.inpatient.take_deposit(current_operator(), request.stay_id, _deposit(request.deposit, "deposit"))
        return self._deposit_reply(request.stay_id, deposit)

    def RefundDeposit(self, request, context):
        m.required(request, "stay_id")
        amount = m.parse_money(request.amount, "amount")
        deposit = self.inpatient.refund_deposit(current_operator(), RefundDeposit(
            request.stay_id, amount, request.method, request.reason))
        return self._deposit_reply(request.stay_id, deposit)

    def WaiveDeposit(self, request, context):
        m.required(request, "stay_id", "rule")
        return self._reply(self.inpatient.waive_deposit(current_operator(), request.stay_id, request.rule))

    def OrderDischarge(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.order_discharge(current_operator(), request.stay_id,
                                                          _diagnoses(request.diagnoses)))

    def Discharge(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.discharge(current_operator(), request.stay_id))

    def RecallStay(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.recall(current_operator(), request.stay_id))

    def PreviewSettlement(self, request, context):
        m.required(request, "stay_id")
        p = self.inpatient.preview_settlement(current_operator(), request.stay_id)
        reply = pb.PreviewSettlementResponse(
            total=m.money_to_str(p.total), deposited=m.money_to_str(p.deposited), balance=m.money_to_str(p.balance),
            refund=m.money_to_str(p.refund), due=m.money_to_str(p.due), fund_amount=m.money_to_str(p.fund_amount),
            cash=m.money_to_str(p.cash))
        if p.detail is not None:
            reply.insured.CopyFrom(m.settlement_to_proto(p.detail, self.zone, preview=True))
        return reply

    def SettleStay(self, request, context):
        m.required(request, "stay_id")
        amount = m.parse_money(request.amount, "amount") if request.amount else None
        return self._reply(self.inpatient.settle(current_operator(), SettleStay(
            request.stay_id, request.method, request.reference, amount)))

    def CancelStaySettlement(self, request, context):
        m.required(request, "stay_id", "reason")
        return self._reply(self.inpatient.cancel_settlement(current_operator(), request.stay_id, request.reason))

    def GetSettlementSlip(self, request, context):
        current_operator()
        m.required(request, "stay_id")
        slip = self.inpatient.settlement_slip(request.stay_id)
        reply = pb.SettlementSlip(
            stay=self._stay(slip.stay), patient_name=slip.patient_name, total=m.money_to_str(slip.total),
            deposited=m.money_to_str(slip.deposited), fund_amount=m.money_to_str(slip.fund_amount),
            refund=m.money_to_str(slip.refund), paid=m.money_to_str(slip.paid), days=slip.days,
            hospital_name=slip.hospital_name)
        if slip.detail is not None:
            reply.insured.CopyFrom(m.settlement_to_proto(slip.detail, self.zone))
        return reply

    def PrintSettlementSlip(self, request, context):
        current_operator()
        m.required(request, "stay_id")
        if self.slips is None:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "settlement slips are not served here")
        return common_pb2.PrintedDocument(pdf=self.slips.stay_pdf(request.stay_id), content_type="application/pdf",
                                          file_name=f"settlement-slip-{request.stay_id}.pdf")

    # ---- 就医特殊属性 ------------------------------------------------------------------------------
    def MarkSpecialAttribute(self, request, context):
        m.required(request, "stay_id")
        return self._reply(self.inpatient.mark_special(current_operator(), request.stay_id, request.flag_type,
                                                       request.flag, request.memo))

    def ListSpecialAttributes(self, request, context):
        m.required(request, "stay_id")
        found = self.inpatient.special_attributes(current_operator(), request.stay_id)
        return pb.ListSpecialAttributesResponse(attributes=[
            pb.SpecialAttribute(detl_id=a.detl_id, flag_type=a.flag_type, flag=a.flag, memo=a.memo) for a in found])

    # ---- reads -----------------------------------------------------------------------------
    def GetStay(self, request, context):
        current_operator()
        if not request.stay_id and not request.ipt_no:
            raise ValidationFailed([FieldViolation("stay_id", "is required (or ipt_no)")])
        stay = self.inpatient.get(request.stay_id) if request.stay_id else self.inpatient.by_ipt_no(request.ipt_no)
        return self._reply(stay)

    def ListStays(self, request, context):
        current_operator()
        if sum(map(bool, (request.encounter_id, request.patient_id, request.ward_code))) != 1:
            raise ValidationFailed([FieldViolation("encounter_id", "name the encounter, the patient or the ward "
                                                                   "(one)")])
        if request.encounter_id:
            found = self.inpatient.stays_of_encounter(request.encounter_id)
        elif request.patient_id:
            found = self.inpatient.stays_of_patient(request.patient_id)
        else:
            found = self.inpatient.ward_stays(request.ward_code)
        return pb.ListStaysResponse(stays=[self._stay(s) for s in found])

    def GetWard(self, request, context):
        current_operator()
        m.required(request, "ward_code")
        return pb.GetWardResponse(ward=self._ward(self.inpatient.ward(request.ward_code)))

    # ---- mapping -------------------------------------------------------------------------------
    def _reply(self, stay: InpatientStay) -> pb.StayResponse:
        return pb.StayResponse(stay=self._stay(stay))

    def _deposit_reply(self, stay_id: str, deposit: Deposit) -> pb.DepositResponse:
        return pb.DepositResponse(deposit=self._deposit(deposit),
                                  balance=m.money_to_str(self.inpatient.get(stay_id).balance()))

    def _order(self, o: AdmissionOrder) -> pb.AdmissionOrder:
        return pb.AdmissionOrder(
            id=o.id, encounter_id=o.encounter_id, patient_id=o.patient_id, dept_code=o.dept_code,
            ward_code=o.ward_code, diagnoses=[_diagnosis(d) for d in o.diagnoses],
            condition=pb.AdmissionCondition.Value(_CONDITION + o.condition.value),
            suggested_deposit=m.money_to_str(o.suggested_deposit), planned_date=o.planned_date.isoformat(),
            state=pb.AdmissionOrderState.Value(f"ADMISSION_ORDER_STATE_{o.state.value}"), med_type=o.med_type,
            dise_codg=o.dise_codg, dise_name=o.dise_name, note=o.note, issued_by=o.issued_by,
            issued_at=m.to_timestamp(o.issued_at, self.zone), stay_id=o.stay_id, cancel_reason=o.cancel_reason)

    def _deposit(self, d: Deposit) -> pb.Deposit:
        return pb.Deposit(id=d.id, receipt_no=d.receipt_no, kind=d.kind.value, method=d.method.value,
                          reference=d.reference, amount=m.money_to_str(d.amount), at=m.to_timestamp(d.at, self.zone),
                          operator_code=d.operator_code, reason=d.reason)

    def _waiting(self, w: WaitingEntry) -> pb.WaitingEntry:
        return pb.WaitingEntry(stay_id=w.stay_id, patient_id=w.patient_id,
                               condition=pb.AdmissionCondition.Value(_CONDITION + w.condition.value),
                               added_at=m.to_timestamp(w.added_at, self.zone))

    def _stay(self, s: InpatientStay) -> pb.Stay:
        z = self.zone
        msg = pb.Stay(
            id=s.id, ipt_no=s.ipt_no, patient_id=s.patient_id, encounter_id=s.encounter_id,
            admission_order_id=s.admission_order_id, dept_code=s.dept_code, ward_code=s.ward_code,
            bed_code=s.bed_code, state=pb.StayState.Value(f"STAY_STATE_{s.state.value}"),
            condition=pb.AdmissionCondition.Value(_CONDITION + s.condition.value), coverage=s.coverage.value,
            diagnoses=[_diagnosis(d) for d in s.diagnoses],
            discharge_diagnoses=[_diagnosis(d) for d in s.discharge_diagnoses],
            admitted_at=m.to_timestamp(s.admitted_at, z), admitted_by=s.admitted_by, psn_no=s.psn_no,
            insutype=s.insutype, med_type=s.med_type, yb_admission_id=s.yb_admission_id,
            deposit_waived=s.deposit_waived,
            transfers=[pb.WardTransfer(seq=t.seq, from_dept=t.from_dept, from_ward=t.from_ward, from_bed=t.from_bed,
                                       to_dept=t.to_dept, to_ward=t.to_ward, to_bed=t.to_bed,
                                       at=m.to_timestamp(t.at, z), by=t.by, reason=t.reason) for t in s.transfers],
            charges=[pb.StayCharge(line_no=c.line_no, day=c.day.isoformat(), ward_code=c.ward_code,
                                   item_code=c.item_code, item_name=c.item_name, national_code=c.national_code,
                                   unit_price=m.decimal_to_str(c.unit_price, 6),
                                   quantity=m.decimal_to_str(c.quantity, _QUANTITY_SCALE),
                                   amount=m.money_to_str(c.amount), added_at=m.to_timestamp(c.added_at, z),
                                   added_by=c.added_by, upload_batch=c.upload_batch, withdrawn_by=c.withdrawn_by,
                                   withdraw_reason=c.withdraw_reason) for c in s.charges],
            deposits=[self._deposit(d) for d in s.deposits], total_charged=m.money_to_str(s.total_charged()),
            total_deposited=m.money_to_str(s.total_deposited()), balance=m.money_to_str(s.balance()),
            cancel_reason=s.cancel_reason, past_settlements=[self._settlement(t) for t in s.past_settlements],
            special_attributes=[pb.SpecialAttribute(detl_id=a.detl_id, flag_type=a.flag_type, flag=a.flag,
                                                    memo=a.memo, at=m.to_timestamp(a.at, z), by=a.by)
                                for a in s.special_attributes],
            recalls=[m.to_timestamp(t, z) for t in s.recalls], last_bed=s.last_bed)
        for c, line in zip(s.charges, msg.charges):
            if c.withdrawn_at is not None:
                line.withdrawn_at.CopyFrom(m.to_timestamp(c.withdrawn_at, z))
        if s.discharged_at is not None:
            msg.discharged_at.CopyFrom(m.to_timestamp(s.discharged_at, z))
        if s.settlement is not None:
            msg.settlement.CopyFrom(self._settlement(s.settlement))
        return msg

    def _settlement(self, t: StaySettlement) -> pb.StaySettlement:
        msg = pb.StaySettlement(
            total=m.money_to_str(t.total), deposited=m.money_to_str(t.deposited), refund=m.money_to_str(t.refund),
            paid=m.money_to_str(t.paid), at=m.to_timestamp(t.at, self.zone), by=t.by, deposit_id=t.deposit_id,
            setl_id=t.setl_id, fund_amount=m.money_to_str(t.fund_amount), cancelled_by=t.cancelled_by,
            cancel_reason=t.cancel_reason)
        if t.cancelled_at is not None:
            msg.cancelled_at.CopyFrom(m.to_timestamp(t.cancelled_at, self.zone))
        return msg

    def _ward(self, w: Ward) -> pb.Ward:
        return pb.Ward(code=w.code, name=w.name, dept_code=w.dept_code,
                       beds=[pb.Bed(code=b.code, state=pb.BedState.Value(f"BED_STATE_{b.state.value}"),
                                    stay_id=b.stay_id) for b in w.beds],
                       waiting=[self._waiting(e) for e in w.queue()])


def stay_summary(s: InpatientStay, zone: ZoneInfo) -> pb.StaySummary:
    msg = pb.StaySummary(id=s.id, ipt_no=s.ipt_no, state=pb.StayState.Value(f"STAY_STATE_{s.state.value}"),
                         dept_code=s.dept_code, ward_code=s.ward_code, bed_code=s.bed_code, coverage=s.coverage.value,
                         admitted_at=m.to_timestamp(s.admitted_at, zone),
                         total_charged=m.money_to_str(s.total_charged()), balance=m.money_to_str(s.balance()))
    if s.discharged_at is not None:
        msg.discharged_at.CopyFrom(m.to_timestamp(s.discharged_at, zone))
    return msg


def _diagnosis(d) -> pb.AdmissionDiagnosis:
    return pb.AdmissionDiagnosis(code=d.code, name=d.name, main=d.main, kind=d.kind)


def _diagnoses(rows) -> tuple[DiagnosisInput, ...]:
    return tuple(DiagnosisInput(d.code, d.name, d.main, d.kind or "1") for d in rows)


def _condition(value: int, problems: list) -> str | None:
    if value == 0:
        return None
    if value not in pb.AdmissionCondition.values():
        problems.append(FieldViolation("condition", "is not an AdmissionCondition"))
        return None
    return pb.AdmissionCondition.Name(value)[len(_CONDITION):]


def _money(text: str, field: str, problems: list, empty):
    if not text:
        return empty
    found = m.decimal_violation(text, field, 2)
    if found:
        problems.append(found)
        return empty
    return Decimal(text.strip())


_date = m.optional_date


def _deposit(d, field: str) -> DepositInput:
    return DepositInput(d.method, m.parse_money(d.amount, f"{field}.amount"), d.reference)
