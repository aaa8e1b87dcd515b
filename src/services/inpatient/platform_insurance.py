"""The 医保 side of an insured stay, plugged into the inpatient use cases (the StayInsurance seam):
the stay and its 住院证 in the platform's terms, through InpatientInsuranceService (2401-2405,
2301-2305). The platform's record of the stay (InsuredAdmission) is the truth of what it holds; the
stay keeps its id (yb_admission_id).

The ward's charges go up (2301) at discharge, each as row `<住院号>-<line>`, billed by the attending
doctor of the 2401: uploading is idempotent by row number, so a discharge asked for again sends only
what the platform does not hold yet."""
from __future__ import annotations

from datetime import timedelta

from domain.admission import AdmissionState
from domain.errors import NotFound
from domain.hospital import StaffMember
from domain.inpatient import AdmissionDiagnosis, AdmissionOrder, InpatientStay
from domain.money import ZERO, money
from domain.operator import Operator
from domain.visit import Diagnosis, FeeItem
from ports.clock import Clock
from services.encounters import EncounterService
from services.hospital import HospitalDirectory
from services.patients import PatientRegistry
from domain.settlement import Settlement
from services.inpatient.insurance import InsuredSettlement, PlatformAttribute
from services.inpatient_insurance import AdmitPatient, ChangeAdmission, Discharge, InpatientInsuranceService


class PlatformStayInsurance:
    def __init__(self, insurance: InpatientInsuranceService, encounters: EncounterService,
                 hospital: HospitalDirectory, clock: Clock, patients: PatientRegistry | None = None,
                 read_max_age: timedelta = timedelta(hours=24)):
        self.insurance, self.encounters, self.hospital, self.clock = insurance, encounters, hospital, clock
        self.patients, self.read_max_age = patients, read_max_age

    def admit(self, op: Operator, stay: InpatientStay, order: AdmissionOrder) -> str:
        """2401 with the credential the patient was registered with at the clinic (the encounter's),
        after 1101 when the patient's insurance was last read longer ago than `read_max_age`."""
        encounter = self.encounters.get(stay.encounter_id)
        self._fresh_insurance(op, stay.patient_id, encounter.mdtrt_cert_type, encounter.mdtrt_cert_no)
        dept, doctor = self.hospital.department(stay.dept_code), self._staff(order.issued_by)
        admitted = self.insurance.admit(op, AdmitPatient(
            psn_no=stay.psn_no, insutype=stay.insutype, med_type=stay.med_type,
            mdtrt_cert_type=encounter.mdtrt_cert_type, mdtrt_cert_no=encounter.mdtrt_cert_no, ipt_no=stay.ipt_no,
            dept_code=dept.yb_dept_code, dept_name=dept.name, caty=dept.caty,
            atddr_no=doctor.yb_code if doctor else "", chfpdr_name=doctor.name if doctor else "",
            adm_bed=stay.bed_code or stay.ward_code, begntime=stay.admitted_at,
            diagnoses=_diagnoses(stay.diagnoses, dept.name, doctor.yb_code if doctor else "",
                                 doctor.name if doctor else "", stay),
            dise_codg=stay.dise_codg, dise_name=stay.dise_name))
        return admitted.id

    def _fresh_insurance(self, op: Operator, patient_id: str, cert_type: str, cert_no: str) -> None:
        if self.patients is None:
            return
        insurance = self.patients.get(patient_id).insurance
        if insurance is not None and self.clock.now() - insurance.read_at <= self.read_max_age:
            return
        self.patients.read_insurance(op, cert_type, cert_no, patient_id=patient_id)  # 1101: 参保 as of today

    def admission_outcome(self, stay: InpatientStay) -> str | None:
        held = self.insurance.by_ipt_no(stay.ipt_no)
        if held is None or held.state is AdmissionState.CANCELLED:
            return ""  # the claim was given back: the platform never took it (or it was taken back)
        if held.state is AdmissionState.REGISTERING:
            return None
        return held.id

    def cancel_admission(self, op: Operator, stay: InpatientStay) -> None:
        if stay.yb_admission_id and self.insurance.get(stay.yb_admission_id).state is not AdmissionState.CANCELLED:
            self.insurance.cancel_admission(op, stay.yb_admission_id)  # else: taken back already (a retry)

    def change(self, op: Operator, stay: InpatientStay) -> None:
        """2403 with where the stay lies now and its diagnoses as they stand."""
        dept = self.hospital.department(stay.dept_code)
        attending = self.insurance.get(stay.yb_admission_id)
        self.insurance.change_admission(op, stay.yb_admission_id, ChangeAdmission(
            dept_code=dept.yb_dept_code, dept_name=dept.name, caty=dept.caty,
            adm_bed=stay.bed_code or stay.ward_code,
            diagnoses=_diagnoses(stay.diagnoses, dept.name, attending.atddr_no, attending.chfpdr_name, stay)))

    def discharge(self, op: Operator, stay: InpatientStay) -> None:
        dept = self.hospital.department(stay.dept_code)
        attending = self.insurance.get(stay.yb_admission_id)  # the doctor the platform knows the stay by
        rows = [FeeItem(feedetl_sn=_row_number(stay, c.line_no), chrg_bchno=f"{stay.ipt_no}-{c.day:%Y%m%d}",
                        med_list_codg=c.national_code, medins_list_codg=c.item_code, medins_list_name=c.item_name,
                        det_item_fee_sumamt=c.amount, cnt=c.quantity, pric=c.unit_price, fee_ocur_time=c.added_at,
                        bilg_dept_codg=dept.yb_dept_code, bilg_dept_name=dept.name, bilg_dr_codg=attending.atddr_no,
                        bilg_dr_name=attending.chfpdr_name)
                for c in stay.live_charges()]
        if rows and attending.state in (AdmissionState.ADMITTED, AdmissionState.DISCHARGED):
            self.insurance.upload_fees(op, stay.yb_admission_id, rows)
        if attending.state is not AdmissionState.ADMITTED:
            return  # discharged already: a retry of a discharge whose hospital side failed after the 2402
        diagnoses = stay.discharge_diagnoses or stay.diagnoses
        self.insurance.discharge(op, stay.yb_admission_id, Discharge(
            dept_code=dept.yb_dept_code, dept_name=dept.name,
            diagnoses=_diagnoses(diagnoses, dept.name, attending.atddr_no, attending.chfpdr_name, stay)))

    def settle(self, op: Operator, stay: InpatientStay) -> InsuredSettlement:
        held = self.insurance.get(stay.yb_admission_id)
        if held.state is AdmissionState.SETTLED and held.active_settlement() is not None:
            return _split(held.active_settlement())  # a retry: the platform settled it already, once
        self.insurance.pre_settle(op, stay.yb_admission_id)
        _admission, settlement = self.insurance.settle(op, stay.yb_admission_id)
        return _split(settlement)

    def preview(self, op: Operator, stay: InpatientStay) -> InsuredSettlement:
        return _split(self.insurance.pre_settle(op, stay.yb_admission_id))

    def settlement(self, stay: InpatientStay) -> Settlement | None:
        if not stay.yb_admission_id:
            return None
        return self.insurance.get(stay.yb_admission_id).active_settlement()

    def cancel_settlement(self, op: Operator, stay: InpatientStay) -> None:
        held = self.settlement(stay)
        if held is not None:  # none: cancelled on the platform already (a retry after the 2305 went through)
            self.insurance.cancel_settlement(op, stay.yb_admission_id, held.setl_id)

    def recall(self, op: Operator, stay: InpatientStay) -> None:
        if self.insurance.get(stay.yb_admission_id).state is AdmissionState.DISCHARGED:
            self.insurance.cancel_discharge(op, stay.yb_admission_id)  # else: taken back already (a retry)

    def withdraw_charges(self, op: Operator, stay: InpatientStay, lines) -> None:
        held = {f.feedetl_sn for f in self.insurance.get(stay.yb_admission_id).unsettled_fees()}
        uploaded = [sn for sn in (_row_number(stay, c.line_no) for c in lines) if sn in held]
        if uploaded:
            self.insurance.cancel_fees(op, stay.yb_admission_id, uploaded)

    def mark_special(self, op: Operator, stay: InpatientStay, flag_type: str, flag: str, memo: str) -> str:
        return self.insurance.upload_special_attribute(op, stay.yb_admission_id, flag_type, flag, memo)

    def special_attributes(self, op: Operator, stay: InpatientStay) -> list[PlatformAttribute]:
        return [PlatformAttribute(str(r.get("ipt_psn_sp_flag_detl_id") or ""), str(r.get("ipt_psn_sp_flag_type") or ""),
                                  str(r.get("ipt_psn_sp_flag") or ""), str(r.get("memo") or ""))
                for r in self.insurance.special_attributes(op, stay.yb_admission_id)]

    def _staff(self, code: str) -> StaffMember | None:
        try:
            return self.hospital.staff(code)
        except NotFound:
            return None


def _row_number(stay: InpatientStay, line_no: int) -> str:
    """The fee row (feedetl_sn) a line of the stay's bill goes up as."""
    return f"{stay.ipt_no}-{line_no}"


def _split(settlement: Settlement) -> InsuredSettlement:
    total = money(settlement.medfee_sumamt or ZERO)
    cash = money(settlement.psn_cash_pay or ZERO)
    return InsuredSettlement(settlement.setl_id or "", total, money(total - cash), cash, settlement)


def _diagnoses(found: list[AdmissionDiagnosis], dept_name: str, dor_no: str, dor_name: str,
               stay: InpatientStay) -> tuple[Diagnosis, ...]:
    """diseinfo rows of the stay's diagnoses, the first main one (or the first) marked main."""
    main = next((d for d in found if d.main), found[0] if found else None)
    return tuple(Diagnosis(diag_type=d.kind or "1", diag_srt_no=n, diag_code=d.code, diag_name=d.name,
                           diag_dept=dept_name, dise_dor_no=dor_no, dise_dor_name=dor_name, diag_time=stay.admitted_at,
                           maindiag_flag="1" if d is main else "0")
                 for n, d in enumerate(found, 1))
