"""his.v1.RegistrationService: proto in, one encounters use case, proto out. No rules live here."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.encounters import Charge, Encounter, Leg, Payment, Transfer
from domain.errors import FieldViolation, ValidationFailed
from his.v1 import admin_pb2 as admin_pb
from his.v1 import registration_pb2 as pb
from his.v1 import registration_pb2_grpc
from services.encounters import (ChargeInput, DiagnosisInput, EncounterService, PayEncounter, RefundPayment,
                                 RegisterEncounter, TransferEncounter)
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.grpc.inpatient_servicer import stay_summary
from services.grpc.page_tokens import PageTokens

DEFAULT_HISTORY_PAGE = 20
_UNIT_PRICE_SCALE, _QUANTITY_SCALE = 6, 4


def _named(enum_type, prefix: str, number: int, field: str, violations: list[FieldViolation]) -> str:
    """A proto enum's number -> the domain value (its name without the prefix); UNSPECIFIED or an
    unknown number is a violation of `field`."""
    try:
        name = enum_type.Name(number)
    except ValueError:
        name = ""
    if not name or number == 0:
        violations.append(FieldViolation(field, f"is required: one of {', '.join(n for n in enum_type.keys()[1:])}"))
        return ""
    return name[len(prefix) + 1:]


class RegistrationServicer(registration_pb2_grpc.RegistrationServiceServicer):
    def __init__(self, encounters: EncounterService, zone: str | ZoneInfo = m.DEFAULT_ZONE,
                 page_tokens: PageTokens | None = None,
                 stays_of: Callable[[list[str]], dict[str, list]] | None = None):
        """`stays_of`: encounter ids → the inpatient stays each led to (InpatientService.stays_of_encounters),
        shown in the history beside the encounters; None where no inpatient context is served."""
        self.encounters, self.zone = encounters, m.zone_of(zone)
        self.page_tokens = page_tokens or PageTokens()
        self.stays_of = stays_of

    def RegisterEncounter(self, request, context):
        violations = [FieldViolation(name, "is required") for name in ("patient_id", "clinic_code")
                      if not getattr(request, name)]
        reg_type = _named(admin_pb.RegistrationType, "REGISTRATION_TYPE", request.reg_type, "reg_type", violations)
        coverage = _named(pb.Coverage, "COVERAGE", request.coverage, "coverage", violations)
        if violations:
            raise ValidationFailed(violations)
        cmd = RegisterEncounter(patient_id=request.patient_id, clinic_code=request.clinic_code, reg_type=reg_type,
                                doctor_code=request.doctor_code, coverage=coverage, insutype=request.insutype,
                                med_type=request.med_type, mdtrt_cert_type=request.mdtrt_cert_type,
                                mdtrt_cert_no=request.mdtrt_cert_no,
                                returning_with_results=request.returning_with_results)
        with m.request_paths({"data": ""}):  # a 2201A refusal names its own fields, which are ours too
            encounter = self.encounters.register(current_operator(), cmd, request_key=request.request_id)
        return pb.RegisterEncounterResponse(encounter=self._encounter(encounter))

    def GetEncounter(self, request, context):
        current_operator()
        m.required(request, "encounter_id")
        return pb.GetEncounterResponse(encounter=self._encounter(self.encounters.get(request.encounter_id)))

    def ListEncounters(self, request, context):
        current_operator()
        m.required(request, "patient_id")
        violations: list[FieldViolation] = []
        size = min(request.page_size or DEFAULT_HISTORY_PAGE, listing.MAX_PAGE_SIZE)
        if request.page_size < 0:
            violations.append(FieldViolation("page_size", "must not be negative"))
        if violations:
            raise ValidationFailed(violations)
        position = self.page_tokens.read(request.page_token, request.patient_id)
        after = None
        if position is not None:
            try:
                after = (datetime.fromisoformat(position[0]), position[1])
            except (ValueError, IndexError):
                raise ValidationFailed([FieldViolation("page_token", "is not a page token of this server's "
                                                                     "version")]) from None
        history = self.encounters.history(request.patient_id, size, after)
        token = ""
        if history.next_after is not None:
            token = self.page_tokens.issue(request.patient_id, [history.next_after[0].isoformat(),
                                                                history.next_after[1]])
        stays = self.stays_of([r.encounter.id for r in history.records]) if self.stays_of else {}
        entries = [pb.EncounterHistoryEntry(
            encounter=self._encounter(r.encounter, r.clinic_names, r.doctor_names),
            settlements=[m.settlement_to_proto(s, self.zone) for s in r.settlements],
            stays=[stay_summary(s, self.zone) for s in stays.get(r.encounter.id, [])]) for r in history.records]
        return pb.ListEncountersResponse(entries=entries, next_page_token=token)

    def AddCharges(self, request, context):
        m.required(request, "encounter_id")
        violations: list[FieldViolation] = []
        lines = []
        for i, c in enumerate(request.charges):
            at = f"charges[{i}]"
            lines.append(ChargeInput(
                item_code=c.item_code, item_name=c.item_name, national_code=c.national_code,
                unit_price=_decimal(c.unit_price, f"{at}.unit_price", _UNIT_PRICE_SCALE, violations),
                quantity=_decimal(c.quantity, f"{at}.quantity", _QUANTITY_SCALE, violations),
                amount=_decimal(c.amount, f"{at}.amount", 2, violations)))
        if violations:
            raise ValidationFailed(violations)
        encounter = self.encounters.add_charges(current_operator(), request.encounter_id, lines)
        return pb.AddChargesResponse(encounter=self._encounter(encounter))

    def PayEncounter(self, request, context):
        m.required(request, "encounter_id")
        violations: list[FieldViolation] = []
        method = _named(pb.PaymentMethod, "PAYMENT_METHOD", request.method, "method", violations)
        amount = _decimal(request.amount, "amount", 2, violations) if request.amount else None
        if violations:
            raise ValidationFailed(violations)
        with m.request_paths({"data": ""}):
            payment = self.encounters.pay(current_operator(), PayEncounter(
                request.encounter_id, method, request.reference, amount, request.use_personal_account))
        return pb.PayEncounterResponse(payment=self._payment(payment),
                                       encounter=self._encounter(self.encounters.get(request.encounter_id)))

    def RefundPayment(self, request, context):
        m.required(request, "encounter_id", "payment_id")
        violations: list[FieldViolation] = []
        amount = _decimal(request.amount, "amount", 2, violations)
        method = _named(pb.PaymentMethod, "PAYMENT_METHOD", request.method, "method", violations) \
            if request.method else ""
        if violations:
            raise ValidationFailed(violations)
        refund = self.encounters.refund(current_operator(), RefundPayment(
            request.encounter_id, request.payment_id, amount, request.reason, method))
        return pb.RefundPaymentResponse(refund=self._payment(refund),
                                        encounter=self._encounter(self.encounters.get(request.encounter_id)))

    def CancelEncounter(self, request, context):
        m.required(request, "encounter_id")
        encounter = self.encounters.cancel(current_operator(), request.encounter_id)
        return pb.CancelEncounterResponse(encounter=self._encounter(encounter))

    def TransferEncounter(self, request, context):
        m.required(request, "encounter_id")
        with m.request_paths({"data": ""}):
            encounter = self.encounters.transfer(current_operator(), TransferEncounter(
                request.encounter_id, request.to_clinic_code, request.reason, request.to_doctor_code,
                request.med_type, request.returning_with_results))
        return pb.TransferEncounterResponse(encounter=self._encounter(encounter))

    def UndoTransfer(self, request, context):
        m.required(request, "encounter_id")
        encounter = self.encounters.undo_transfer(current_operator(), request.encounter_id)
        return pb.UndoTransferResponse(encounter=self._encounter(encounter))

    def GetEncounterPath(self, request, context):
        current_operator()
        m.required(request, "encounter_id")
        steps = self.encounters.path(request.encounter_id)
        return pb.GetEncounterPathResponse(encounter_id=request.encounter_id, steps=[
            pb.PathStep(leg=self._leg(s.leg, s.clinic_name, s.doctor_name),
                        arrived_by=self._transfer(s.arrived_by) if s.arrived_by else None) for s in steps])

    def RecordDiagnoses(self, request, context):
        m.required(request, "encounter_id")
        found = [DiagnosisInput(d.code, d.name, d.kind or "1", d.main) for d in request.diagnoses]
        with m.request_paths({"diseinfo": "diagnoses"}):
            encounter = self.encounters.record_diagnoses(current_operator(), request.encounter_id, found)
        return pb.RecordDiagnosesResponse(encounter=self._encounter(encounter))

    # ---- domain -> proto -------------------------------------------------------------------
    def _encounter(self, e: Encounter, clinic_names: dict | None = None, doctor_names: dict | None = None):
        z = self.zone
        msg = pb.Encounter(
            id=e.id, patient_id=e.patient_id, day=e.day.isoformat(), registered_by=e.registered_by,
            reg_type=admin_pb.RegistrationType.Value(f"REGISTRATION_TYPE_{e.reg_type}"),
            coverage=pb.Coverage.Value(f"COVERAGE_{e.coverage.value}"),
            state=pb.EncounterState.Value(f"ENCOUNTER_STATE_{e.state.value}"), psn_no=e.psn_no,
            insutype=e.insutype, med_type=e.med_type, mdtrt_cert_type=e.mdtrt_cert_type, visit_id=e.visit_id,
            mdtrt_id=e.mdtrt_id, ipt_otp_no=e.ipt_otp_no,
            legs=[self._leg(leg, (clinic_names or {}).get(leg.clinic_code, ""),
                            (doctor_names or {}).get(leg.doctor_code, "")) for leg in e.legs],
            transfers=[self._transfer(t) for t in e.transfers], payments=[self._payment(p) for p in e.payments],
            total_charged=m.money_to_str(e.total_charged()), total_paid=m.money_to_str(e.total_paid()),
            outstanding=m.money_to_str(e.outstanding()), version=e.version)
        m._set_time(msg, "registered_at", e.registered_at, z)
        m._set_time(msg, "cancelled_at", e.cancelled_at, z)
        msg.charges.extend(charge_to_proto(c, z) for c in e.charges)
        for d in e.diagnoses:
            row = msg.diagnoses.add(srt_no=d.srt_no, kind=d.kind, code=d.code, name=d.name, main=d.main,
                                    leg_seq=d.leg_seq, doctor_code=d.doctor_code)
            m._set_time(row, "at", d.at, z)
        return msg

    def _leg(self, leg: Leg, clinic_name: str = "", doctor_name: str = "") -> pb.Leg:
        msg = pb.Leg(seq=leg.seq, clinic_code=leg.clinic_code, clinic_name=clinic_name, dept_code=leg.dept_code,
                     doctor_code=leg.doctor_code, doctor_name=doctor_name, queue_entry_id=leg.queue_entry_id,
                     state=pb.LegState.Value(f"LEG_STATE_{leg.state.value}"), visit_id=leg.visit_id,
                     mdtrt_id=leg.mdtrt_id)
        m._set_time(msg, "started_at", leg.started_at, self.zone)
        m._set_time(msg, "ended_at", leg.ended_at, self.zone)
        return msg

    def _transfer(self, t: Transfer) -> pb.Transfer:
        msg = pb.Transfer(seq=t.seq, from_leg=t.from_leg, to_leg=t.to_leg, sent_by=t.sent_by,
                          sent_by_name=t.sent_by_name, reason=t.reason, new_registration=t.new_registration,
                          old_visit_id=t.old_visit_id,
                          old_registration=m._enum(pb.OldRegistration, "OLD_REGISTRATION", t.old_registration),
                          undone_by=t.undone_by)
        m._set_time(msg, "at", t.at, self.zone)
        m._set_time(msg, "undone_at", t.undone_at, self.zone)
        return msg

    def _payment(self, p: Payment) -> pb.Payment:
        msg = pb.Payment(id=p.id, receipt_no=p.receipt_no, kind=pb.PaymentKind.Value(f"PAYMENT_KIND_{p.kind.value}"),
                         method=pb.PaymentMethod.Value(f"PAYMENT_METHOD_{p.method.value}"), reference=p.reference,
                         amount=m.money_to_str(p.amount), operator_code=p.operator_code, refund_of=p.refund_of,
                         reason=p.reason, setl_id=p.setl_id, fund_amount=m.money_to_str(p.fund_amount),
                         chrg_bchno=p.chrg_bchno, visit_id=p.visit_id)
        m._set_time(msg, "at", p.at, self.zone)
        return msg


def charge_to_proto(c: Charge, zone: ZoneInfo) -> pb.Charge:
    """One line of an encounter's bill (every service that shows bill lines answers with this)."""
    row = pb.Charge(line_no=c.line_no, item_code=c.item_code, item_name=c.item_name, national_code=c.national_code,
                    unit_price=m.decimal_to_str(c.unit_price, _UNIT_PRICE_SCALE),
                    quantity=m.decimal_to_str(c.quantity, _QUANTITY_SCALE), amount=m.money_to_str(c.amount),
                    leg_seq=c.leg_seq, registration_fee=c.registration_fee, payment_id=c.payment_id,
                    order_id=c.order_id, order_item=c.order_item)
    m._set_time(row, "added_at", c.added_at, zone)
    m._set_time(row, "withdrawn_at", c.withdrawn_at, zone)
    return row


def _decimal(text: str, field: str, scale: int, violations: list[FieldViolation]) -> Decimal:
    found = m.decimal_violation(text, field, scale)
    if found:
        violations.append(found)
        return Decimal(0)
    return Decimal(text.strip())
