"""his.v1.AdminService: the hospital master data (the permission is checked before).

Records cross as messages named like the model; a bad field comes back named by its request path
("department.caty", "staff.clinic_codes[1]"). Decimals are strings (unit_price six places,
quantity four, amounts two), dates "YYYY-MM-DD", valid_from a Timestamp in the hospital's zone.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, IllegalTransition, ValidationFailed
from domain.hospital import (ChargeItem, Clinic, Department, PriceLine, RegistrationType, StaffKind, StaffMember,
                             Versioned)
from domain.money import money
from his.v1 import admin_pb2 as pb
from his.v1 import admin_pb2_grpc
from services.code_check import CodeStatus, NationalCodeCheck
from services.grpc import mappers
from services.grpc.auth import current_operator
from services.hospital import HospitalAdmin, HospitalDirectory, mapping_is_current

_KINDS = {pb.RECORD_KIND_DEPARTMENT: "department", pb.RECORD_KIND_CLINIC: "clinic", pb.RECORD_KIND_STAFF: "staff",
          pb.RECORD_KIND_PRICE_LINE: "price_line", pb.RECORD_KIND_CHARGE_ITEM: "charge_item"}
_STAFF_KINDS = {pb.STAFF_KIND_DOCTOR: StaffKind.DOCTOR, pb.STAFF_KIND_NURSE: StaffKind.NURSE}
_REG_TYPES = {pb.REGISTRATION_TYPE_ORDINARY: RegistrationType.ORDINARY,
              pb.REGISTRATION_TYPE_EXPERT: RegistrationType.EXPERT,
              pb.REGISTRATION_TYPE_EMERGENCY: RegistrationType.EMERGENCY}
_ACTIONS = {pb.UPLOAD_ACTION_AUTO: "AUTO", pb.UPLOAD_ACTION_UPLOAD: "3401", pb.UPLOAD_ACTION_CHANGE: "3402",
            pb.UPLOAD_ACTION_REVOKE: "3403"}
# the fields of the record messages: a violation naming one of these is the record's, under its request field
_RECORD_FIELDS = {f.name for m in (pb.Department, pb.Clinic, pb.StaffMember, pb.PriceLine, pb.ChargeItem)
                  for f in m.DESCRIPTOR.fields} | {"reg_type"}


def _under(exc: ValidationFailed, at: str) -> ValidationFailed:
    """The record's own fields named under the request's field holding it (`reason` stays as it is)."""
    def path(field: str) -> str:
        head = field.split("[")[0].split(".")[0]
        if head == "reg_type":
            return at + "registration_type" + field[len(head):]
        return at + field if head in _RECORD_FIELDS else field
    return ValidationFailed([FieldViolation(path(v.field), v.description) for v in exc.violations], exc.subject)


def _date(text: str, field: str, bad: list) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        bad.append(FieldViolation(field, "is not a date YYYY-MM-DD"))
        return None


def _decimal(text: str, field: str, scale: int, bad: list, default: str = "") -> Decimal | None:
    found = mappers.decimal_violation(text or default, field, scale)
    if found:
        bad.append(found)
        return None
    return Decimal((text or default).strip())


class _Mapping:
    def __init__(self, zone: ZoneInfo):
        self.zone = zone

    def revision(self, v: Versioned) -> pb.Revision:
        r = v.revision
        return pb.Revision(version=r.version, valid_from=mappers.to_timestamp(r.valid_from, self.zone),
                           changed_by=r.changed_by, reason=r.reason, retired=r.retired)

    def department(self, v: Versioned) -> pb.Department:
        d: Department = v.value
        out = pb.Department(code=d.code, name=d.name, caty=d.caty, yb_dept_code=d.yb_dept_code, itro=d.itro,
                            dept_resper_name=d.dept_resper_name, dept_resper_tel=d.dept_resper_tel,
                            dept_med_serv_scp=d.dept_med_serv_scp,
                            begntime=d.begntime.isoformat() if d.begntime else "",
                            dept_estbdat=d.dept_estbdat.isoformat() if d.dept_estbdat else "",
                            aprv_bed_cnt=d.aprv_bed_cnt, poolarea_no=d.poolarea_no, phar_psncnt=d.phar_psncnt,
                            tecn_psncnt=d.tecn_psncnt, memo=d.memo, revision=self.revision(v))
        if d.hi_crtf_bed_cnt is not None:
            out.hi_crtf_bed_cnt = d.hi_crtf_bed_cnt
        return out

    def clinic(self, v: Versioned) -> pb.Clinic:
        c: Clinic = v.value
        return pb.Clinic(code=c.code, name=c.name, dept_code=c.dept_code, registers_separately=c.registers_separately,
                         revision=self.revision(v))

    def staff(self, v: Versioned) -> pb.StaffMember:
        s: StaffMember = v.value
        kind = next(k for k, value in _STAFF_KINDS.items() if value is s.kind)
        return pb.StaffMember(code=s.code, name=s.name, kind=kind, title=s.title, yb_code=s.yb_code,
                              clinic_codes=list(s.clinic_codes), revision=self.revision(v))

    def price_line(self, v: Versioned) -> pb.PriceLine:
        p: PriceLine = v.value
        reg = next(k for k, value in _REG_TYPES.items() if value is p.reg_type)
        return pb.PriceLine(code=p.code, registration_type=reg, item_code=p.item_code, item_name=p.item_name,
                            national_code=p.national_code,
                            unit_price=mappers.decimal_to_str(p.unit_price, mappers.PRIC_SCALE),
                            quantity=mappers.decimal_to_str(p.quantity, mappers.CNT_SCALE), clinic_code=p.clinic_code,
                            dept_code=p.dept_code, doctor_title=p.doctor_title, seq=p.seq, revision=self.revision(v))

    def charge_item(self, v: Versioned, mapping=None, listed: bool = False) -> pb.ChargeItem:
        """`listed`: with where its mapping stands (`mapping`: the store's, None when never sent)."""
        c: ChargeItem = v.value
        out = pb.ChargeItem(code=c.code, name=c.name, national_code=c.national_code, list_type=c.list_type,
                            unit_price=mappers.decimal_to_str(c.unit_price, mappers.PRIC_SCALE), prcunt=c.prcunt,
                            spec=c.spec, begndate=c.begndate.isoformat() if c.begndate else "",
                            revision=self.revision(v))
        if listed:
            out.mapping.CopyFrom(self.mapping(mapping, mapping_is_current(c, mapping)))
        return out

    def mapping(self, m, current: bool) -> pb.ChargeItemMapping:
        if m is None:
            return pb.ChargeItemMapping(state="NOT_UPLOADED")
        return pb.ChargeItemMapping(state=m.state, national_code=m.national_code, list_type=m.list_type,
                                    begndate=m.begndate, at=mappers.to_timestamp(m.at, self.zone), by=m.by,
                                    msgid=m.msgid, current=current)


def department_from(m: pb.Department, at: str) -> Department:
    bad: list[FieldViolation] = []
    begntime, estb = _date(m.begntime, at + "begntime", bad), _date(m.dept_estbdat, at + "dept_estbdat", bad)
    if bad:
        raise ValidationFailed(bad)
    return Department(code=m.code, name=m.name, caty=m.caty, yb_dept_code=m.yb_dept_code, itro=m.itro,
                      dept_resper_name=m.dept_resper_name, dept_resper_tel=m.dept_resper_tel,
                      dept_med_serv_scp=m.dept_med_serv_scp, begntime=begntime, dept_estbdat=estb,
                      aprv_bed_cnt=m.aprv_bed_cnt,
                      hi_crtf_bed_cnt=m.hi_crtf_bed_cnt if m.HasField("hi_crtf_bed_cnt") else None,
                      poolarea_no=m.poolarea_no, phar_psncnt=m.phar_psncnt, tecn_psncnt=m.tecn_psncnt, memo=m.memo)


def clinic_from(m: pb.Clinic, at: str) -> Clinic:
    return Clinic(code=m.code, name=m.name, dept_code=m.dept_code, registers_separately=m.registers_separately)


def staff_from(m: pb.StaffMember, at: str) -> StaffMember:
    if m.kind not in _STAFF_KINDS:
        raise ValidationFailed([FieldViolation(at + "kind", "is required: STAFF_KIND_DOCTOR or STAFF_KIND_NURSE")])
    return StaffMember(code=m.code, name=m.name, kind=_STAFF_KINDS[m.kind], title=m.title, yb_code=m.yb_code,
                       clinic_codes=tuple(m.clinic_codes))


def price_line_from(m: pb.PriceLine, at: str) -> PriceLine:
    bad: list[FieldViolation] = []
    if m.registration_type not in _REG_TYPES:
        bad.append(FieldViolation(at + "registration_type", "is required: ORDINARY, EXPERT or EMERGENCY"))
    price = _decimal(m.unit_price, at + "unit_price", mappers.PRIC_SCALE, bad)
    quantity = _decimal(m.quantity, at + "quantity", mappers.CNT_SCALE, bad, default="1")
    if bad:
        raise ValidationFailed(bad)
    return PriceLine(code=m.code, reg_type=_REG_TYPES[m.registration_type], item_code=m.item_code,
                     item_name=m.item_name, national_code=m.national_code, unit_price=price, quantity=quantity,
                     clinic_code=m.clinic_code, dept_code=m.dept_code, doctor_title=m.doctor_title, seq=m.seq)


def charge_item_from(m: pb.ChargeItem, at: str) -> ChargeItem:
    bad: list[FieldViolation] = []
    price = _decimal(m.unit_price, at + "unit_price", mappers.PRIC_SCALE, bad)
    begndate = _date(m.begndate, at + "begndate", bad)
    if bad:
        raise ValidationFailed(bad)
    return ChargeItem(code=m.code, name=m.name, national_code=m.national_code, list_type=m.list_type,
                      unit_price=price, prcunt=m.prcunt, spec=m.spec, begndate=begndate)


class AdminServicer(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, admin: HospitalAdmin, directory: HospitalDirectory, zone: ZoneInfo,
                 code_check: NationalCodeCheck | None = None):
        self.admin, self.directory, self.out, self.code_check = admin, directory, _Mapping(zone), code_check

    def CheckNationalCodes(self, request, context):
        op = current_operator()
        if self.code_check is None:
            raise IllegalTransition("no platform is configured for checking national codes (1312)")
        found = self.code_check.check(op)
        return pb.CheckNationalCodesResponse(checked=len(found), findings=[
            pb.NationalCodeFinding(source=f.listed.source, code=f.listed.code, name=f.listed.name,
                                   national_code=f.listed.national_code, list_type=f.listed.list_type,
                                   status=f.status.value, hilist_name=f.hilist_name,
                                   hilist_list_type=f.hilist_list_type)
            for f in found if not (request.problems_only and f.status is CodeStatus.OK)])

    # the same four calls for each kind of record
    def _create(self, request, field: str, parse, kind: str):
        record = parse(getattr(request, field), field + ".")
        try:
            done = self.admin.create(record, current_operator(), request.reason)
        except ValidationFailed as exc:
            raise _under(exc, field + ".") from exc
        return getattr(self.out, kind)(done)

    def _update(self, request, field: str, parse, kind: str):
        record = parse(getattr(request, field), field + ".")
        try:
            done = self.admin.update(record, current_operator(), request.reason, request.expected_version)
        except ValidationFailed as exc:
            raise _under(exc, field + ".") from exc
        return getattr(self.out, kind)(done)

    def _retire(self, request, kind: str):
        mappers.required(request, "code")
        done = self.admin.retire(kind, request.code, current_operator(), request.reason, request.expected_version)
        return getattr(self.out, kind)(done)

    def ListDepartments(self, request, context):
        return pb.ListDepartmentsResponse(departments=[
            self.out.department(v) for v in self.admin.list("department", request.include_retired)])

    def CreateDepartment(self, request, context):
        return pb.DepartmentResponse(department=self._create(request, "department", department_from, "department"))

    def UpdateDepartment(self, request, context):
        return pb.DepartmentResponse(department=self._update(request, "department", department_from, "department"))

    def RetireDepartment(self, request, context):
        return pb.DepartmentResponse(department=self._retire(request, "department"))

    def ListClinics(self, request, context):
        return pb.ListClinicsResponse(clinics=[
            self.out.clinic(v) for v in self.admin.list("clinic", request.include_retired)
            if not request.dept_code or v.value.dept_code == request.dept_code])

    def CreateClinic(self, request, context):
        return pb.ClinicResponse(clinic=self._create(request, "clinic", clinic_from, "clinic"))

    def UpdateClinic(self, request, context):
        return pb.ClinicResponse(clinic=self._update(request, "clinic", clinic_from, "clinic"))

    def RetireClinic(self, request, context):
        return pb.ClinicResponse(clinic=self._retire(request, "clinic"))

    def ListStaff(self, request, context):
        return pb.ListStaffResponse(staff=[
            self.out.staff(v) for v in self.admin.list("staff", request.include_retired)
            if not request.clinic_code or request.clinic_code in v.value.clinic_codes])

    def CreateStaff(self, request, context):
        return pb.StaffResponse(staff=self._create(request, "staff", staff_from, "staff"))

    def UpdateStaff(self, request, context):
        return pb.StaffResponse(staff=self._update(request, "staff", staff_from, "staff"))

    def RetireStaff(self, request, context):
        return pb.StaffResponse(staff=self._retire(request, "staff"))

    def ListPriceLines(self, request, context):
        return pb.ListPriceLinesResponse(price_lines=[
            self.out.price_line(v) for v in self.admin.list("price_line", request.include_retired)])

    def CreatePriceLine(self, request, context):
        return pb.PriceLineResponse(price_line=self._create(request, "price_line", price_line_from, "price_line"))

    def UpdatePriceLine(self, request, context):
        return pb.PriceLineResponse(price_line=self._update(request, "price_line", price_line_from, "price_line"))

    def RetirePriceLine(self, request, context):
        return pb.PriceLineResponse(price_line=self._retire(request, "price_line"))

    def ListChargeItems(self, request, context):
        items = self.admin.list("charge_item", request.include_retired)
        mappings = self.admin.charge_item_mappings()
        if request.needs_upload:
            items = [v for v in items
                     if not v.revision.retired and not mapping_is_current(v.value, mappings.get(v.value.code))]
        return pb.ListChargeItemsResponse(charge_items=[
            self.out.charge_item(v, mappings.get(v.value.code), listed=True) for v in items])

    def CreateChargeItem(self, request, context):
        return pb.ChargeItemResponse(charge_item=self._create(request, "charge_item", charge_item_from, "charge_item"))

    def UpdateChargeItem(self, request, context):
        return pb.ChargeItemResponse(charge_item=self._update(request, "charge_item", charge_item_from, "charge_item"))

    def RetireChargeItem(self, request, context):
        return pb.ChargeItemResponse(charge_item=self._retire(request, "charge_item"))

    def GetHistory(self, request, context):
        bad = [] if request.kind in _KINDS else [FieldViolation("kind", "is required: a RECORD_KIND")]
        bad += [] if request.code else [FieldViolation("code", "is required")]
        if bad:
            raise ValidationFailed(bad)
        kind = _KINDS[request.kind]
        return pb.GetHistoryResponse(versions=[pb.HistoryEntry(**{kind: getattr(self.out, kind)(v)})
                                               for v in self.admin.history(kind, request.code)])

    def GetRegistrationFee(self, request, context):
        bad = [] if request.registration_type in _REG_TYPES else [
            FieldViolation("registration_type", "is required: ORDINARY, EXPERT or EMERGENCY")]
        bad += [] if request.clinic_code else [FieldViolation("clinic_code", "is required")]
        if bad:
            raise ValidationFailed(bad)
        lines = self.directory.registration_fee(_REG_TYPES[request.registration_type], request.clinic_code,
                                                request.doctor_code)
        return pb.GetRegistrationFeeResponse(
            lines=[pb.FeeLine(item_code=f.item_code, item_name=f.item_name, national_code=f.national_code,
                              unit_price=mappers.decimal_to_str(f.unit_price, mappers.PRIC_SCALE),
                              quantity=mappers.decimal_to_str(f.quantity, mappers.CNT_SCALE),
                              amount=mappers.money_to_str(f.amount)) for f in lines],
            total=mappers.money_to_str(money(sum((f.amount for f in lines), Decimal(0)))))

    def UploadDepartment(self, request, context):
        mappers.required(request, "code")
        if request.action not in _ACTIONS:
            raise ValidationFailed([FieldViolation("action", "is not an UploadAction")])
        done = self.admin.upload_department(current_operator(), request.code, _ACTIONS[request.action])
        return pb.UploadDepartmentResponse(infno=done.infno, state=done.state, msgid=done.msgid)

    def UploadChargeItemMappings(self, request, context):
        done = self.admin.upload_charge_item_mappings(current_operator(), list(request.codes))
        return pb.UploadChargeItemMappingsResponse(items=[
            pb.ChargeItemMappingUpload(code=d.code, infnos=list(d.infnos),
                                       mapping=self.out.mapping(d.mapping, d.mapping is not None and
                                                                d.mapping.state == "UPLOADED"))
            for d in done])

    def RevokeChargeItemMapping(self, request, context):
        mappers.required(request, "code")
        done = self.admin.revoke_charge_item_mapping(current_operator(), request.code)
        return pb.RevokeChargeItemMappingResponse(mapping=self.out.mapping(done, False))
