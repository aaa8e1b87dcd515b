"""his.v1.PrescriptionService: proto in, one prescriptions use case, proto out. No rules live here."""
from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, ValidationFailed
from domain.prescriptions import Drug, DrugKind, LineInput, Prescription
from his.v1 import prescriptions_pb2 as pb
from his.v1 import prescriptions_pb2_grpc
from services.grpc import listing
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.prescriptions import Circulate, NewPrescription, PrescriptionService

DEFAULT_DRUG_PAGE = 50
_DOSE_SCALE = 4


class PrescriptionServicer(prescriptions_pb2_grpc.PrescriptionServiceServicer):
    def __init__(self, prescriptions: PrescriptionService, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        self.prescriptions, self.zone = prescriptions, m.zone_of(zone)

    def CreatePrescription(self, request, context):
        m.required(request, "encounter_id")
        violations: list[FieldViolation] = []
        category = ""
        if request.category == 0 or request.category not in pb.PrescriptionCategory.values():
            violations.append(FieldViolation("category", "is required: one of "
                                             + ", ".join(pb.PrescriptionCategory.keys()[1:])))
        else:
            category = pb.PrescriptionCategory.Name(request.category)[len("PRESCRIPTION_CATEGORY_"):]
        lines = []
        for i, line in enumerate(request.lines):
            found = m.decimal_violation(line.dose, f"lines[{i}].dose", _DOSE_SCALE)
            if found:
                violations.append(found)
            lines.append(LineInput(drug_code=line.drug_code, dose=Decimal(0) if found else Decimal(line.dose.strip()),
                                   frequency=line.frequency, days=line.days, route=line.route, note=line.note))
        if violations:
            raise ValidationFailed(violations)
        rx = self.prescriptions.create(current_operator(), NewPrescription(
            encounter_id=request.encounter_id, category=category, lines=lines, chronic=request.chronic,
            doctor_code=request.doctor_code, diagnosis=request.diagnosis))
        return pb.CreatePrescriptionResponse(prescription=self._prescription(rx))

    def SignPrescription(self, request, context):
        m.required(request, "prescription_id")
        rx = self.prescriptions.sign(current_operator(), request.prescription_id)
        return pb.SignPrescriptionResponse(prescription=self._prescription(rx))

    def CirculatePrescription(self, request, context):
        m.required(request, "prescription_id")
        with m.request_paths({"mdtrtinfo.phar_name": "pharmacist_name"}):
            rx = self.prescriptions.circulate(current_operator(), request.prescription_id,
                                              Circulate(request.pharmacist_name, request.pharmacist_cert_no))
        return pb.CirculatePrescriptionResponse(prescription=self._prescription(rx))

    def RevokePrescription(self, request, context):
        m.required(request, "prescription_id")
        with m.request_paths({"data.undo_rea": "reason"}):
            rx = self.prescriptions.revoke(current_operator(), request.prescription_id, request.reason)
        return pb.RevokePrescriptionResponse(prescription=self._prescription(rx))

    def GetPrescription(self, request, context):
        current_operator()
        m.required(request, "prescription_id")
        return pb.GetPrescriptionResponse(prescription=self._prescription(self.prescriptions.get(request.prescription_id)))

    def ListPrescriptions(self, request, context):
        current_operator()
        m.required(request, "encounter_id")
        found = self.prescriptions.for_encounter(request.encounter_id)
        return pb.ListPrescriptionsResponse(prescriptions=[self._prescription(rx) for rx in found])

    def SearchDrugs(self, request, context):
        current_operator()
        if request.page_size < 0:
            raise ValidationFailed([FieldViolation("page_size", "must not be negative")])
        if request.kind not in pb.DrugKind.values():
            raise ValidationFailed([FieldViolation("kind", "is not a DrugKind")])
        kind = DrugKind(pb.DrugKind.Name(request.kind)[len("DRUG_KIND_"):]) if request.kind else None
        size = min(request.page_size or DEFAULT_DRUG_PAGE, listing.MAX_PAGE_SIZE)
        drugs = self.prescriptions.formulary.search(request.text, kind, size)
        return pb.SearchDrugsResponse(drugs=[_drug(d) for d in drugs])

    # ---- mapping -------------------------------------------------------------------------------
    def _prescription(self, rx: Prescription) -> pb.Prescription:
        z = self.zone
        msg = pb.Prescription(
            id=rx.id, encounter_id=rx.encounter_id, patient_id=rx.patient_id, doctor_code=rx.doctor_code,
            dept_code=rx.dept_code, category=pb.PrescriptionCategory.Value(f"PRESCRIPTION_CATEGORY_{rx.category.value}"),
            kind=pb.DrugKind.Value(f"DRUG_KIND_{rx.kind.value}"), chronic=rx.chronic,
            lines=[pb.PrescriptionLine(line_no=x.line_no, drug=_drug(x.drug), dose=m.decimal_to_str(x.dose),
                                       frequency=x.frequency, frequency_name=x.frequency_name, days=x.days,
                                       route=x.route, quantity=m.decimal_to_str(x.quantity, 4),
                                       amount=m.money_to_str(x.amount), note=x.note) for x in rx.lines],
            total=m.money_to_str(rx.total), state=pb.PrescriptionState.Value(f"PRESCRIPTION_STATE_{rx.state.value}"),
            diagnosis=rx.diagnosis, hi_rxno=rx.hi_rxno, revoke_reason=rx.revoke_reason,
            reviews=[pb.PrescriptionReview(pharmacy_code=r.pharmacy_code, pharmacy_name=r.pharmacy_name,
                                           pharmacist=r.pharmacist, rechecked_by=r.rechecked_by,
                                           status_code=r.status_code, approved=r.approved, opinion=r.opinion,
                                           at=m.to_timestamp(r.at, z)) for r in rx.reviews])
        for name in ("created_at", "signed_at", "valid_until", "revoked_at"):
            value = m.to_timestamp(getattr(rx, name), z)
            if value is not None:
                getattr(msg, name).CopyFrom(value)
        if rx.purchase is not None:
            p = rx.purchase
            msg.purchase.CopyFrom(pb.PrescriptionPurchase(
                fund_pay_sumamt=m.money_to_str(p.fund_pay_sumamt), psn_part_amt=m.money_to_str(p.psn_part_amt),
                acct_pay=m.money_to_str(p.acct_pay), psn_cash_pay=m.money_to_str(p.psn_cash_pay),
                setl_time=m.to_timestamp(p.setl_time, z),
                drugs=[pb.PurchasedDrug(generic_name=d.generic_name, product_name=d.product_name,
                                        dosage_form=d.dosage_form, spec=d.spec, quantity=m.decimal_to_str(d.quantity, 4),
                                        unit=d.unit, price=m.decimal_to_str(d.price), amount=m.money_to_str(d.amount),
                                        manufacturer=d.manufacturer) for d in p.items]))
        return msg


def _drug(d: Drug) -> pb.Drug:
    return pb.Drug(code=d.code, national_code=d.national_code, generic_name=d.generic_name,
                   product_name=d.product_name, kind=pb.DrugKind.Value(f"DRUG_KIND_{d.kind.value}"),
                   dosage_form=d.dosage_form, spec=d.spec, dose_unit=d.dose_unit,
                   unit_dose=m.decimal_to_str(d.unit_dose), unit=d.unit, pack_size=m.decimal_to_str(d.pack_size),
                   pack_unit=d.pack_unit, price=m.decimal_to_str(d.price, 6), manufacturer=d.manufacturer,
                   default_route=d.default_route, controlled=d.controlled)
