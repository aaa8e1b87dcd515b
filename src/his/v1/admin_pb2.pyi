import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecordKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECORD_KIND_UNSPECIFIED: _ClassVar[RecordKind]
    RECORD_KIND_DEPARTMENT: _ClassVar[RecordKind]
    RECORD_KIND_CLINIC: _ClassVar[RecordKind]
    RECORD_KIND_STAFF: _ClassVar[RecordKind]
    RECORD_KIND_PRICE_LINE: _ClassVar[RecordKind]
    RECORD_KIND_CHARGE_ITEM: _ClassVar[RecordKind]

class StaffKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAFF_KIND_UNSPECIFIED: _ClassVar[StaffKind]
    STAFF_KIND_DOCTOR: _ClassVar[StaffKind]
    STAFF_KIND_NURSE: _ClassVar[StaffKind]

class RegistrationType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRATION_TYPE_UNSPECIFIED: _ClassVar[RegistrationType]
    REGISTRATION_TYPE_ORDINARY: _ClassVar[RegistrationType]
    REGISTRATION_TYPE_EXPERT: _ClassVar[RegistrationType]
    REGISTRATION_TYPE_EMERGENCY: _ClassVar[RegistrationType]

class UploadAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UPLOAD_ACTION_AUTO: _ClassVar[UploadAction]
    UPLOAD_ACTION_UPLOAD: _ClassVar[UploadAction]
    UPLOAD_ACTION_CHANGE: _ClassVar[UploadAction]
    UPLOAD_ACTION_REVOKE: _ClassVar[UploadAction]
RECORD_KIND_UNSPECIFIED: RecordKind
RECORD_KIND_DEPARTMENT: RecordKind
RECORD_KIND_CLINIC: RecordKind
RECORD_KIND_STAFF: RecordKind
RECORD_KIND_PRICE_LINE: RecordKind
RECORD_KIND_CHARGE_ITEM: RecordKind
STAFF_KIND_UNSPECIFIED: StaffKind
STAFF_KIND_DOCTOR: StaffKind
STAFF_KIND_NURSE: StaffKind
REGISTRATION_TYPE_UNSPECIFIED: RegistrationType
REGISTRATION_TYPE_ORDINARY: RegistrationType
REGISTRATION_TYPE_EXPERT: RegistrationType
REGISTRATION_TYPE_EMERGENCY: RegistrationType
UPLOAD_ACTION_AUTO: UploadAction
UPLOAD_ACTION_UPLOAD: UploadAction
UPLOAD_ACTION_CHANGE: UploadAction
UPLOAD_ACTION_REVOKE: UploadAction

class Revision(_message.Message):
    __slots__ = ("version", "valid_from", "changed_by", "reason", "retired")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETIRED_FIELD_NUMBER: _ClassVar[int]
    version: int
    valid_from: _timestamp_pb2.Timestamp
    changed_by: str
    reason: str
    retired: bool
    def __init__(self, version: _Optional[int] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ..., reason: _Optional[str] = ..., retired: _Optional[bool] = ...) -> None: ...

class Department(_message.Message):
    __slots__ = ("code", "name", "caty", "yb_dept_code", "itro", "dept_resper_name", "dept_resper_tel", "dept_med_serv_scp", "begntime", "dept_estbdat", "aprv_bed_cnt", "hi_crtf_bed_cnt", "poolarea_no", "phar_psncnt", "tecn_psncnt", "memo", "revision")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATY_FIELD_NUMBER: _ClassVar[int]
    YB_DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    ITRO_FIELD_NUMBER: _ClassVar[int]
    DEPT_RESPER_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPT_RESPER_TEL_FIELD_NUMBER: _ClassVar[int]
    DEPT_MED_SERV_SCP_FIELD_NUMBER: _ClassVar[int]
    BEGNTIME_FIELD_NUMBER: _ClassVar[int]
    DEPT_ESTBDAT_FIELD_NUMBER: _ClassVar[int]
    APRV_BED_CNT_FIELD_NUMBER: _ClassVar[int]
    HI_CRTF_BED_CNT_FIELD_NUMBER: _ClassVar[int]
    POOLAREA_NO_FIELD_NUMBER: _ClassVar[int]
    PHAR_PSNCNT_FIELD_NUMBER: _ClassVar[int]
    TECN_PSNCNT_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    caty: str
    yb_dept_code: str
    itro: str
    dept_resper_name: str
    dept_resper_tel: str
    dept_med_serv_scp: str
    begntime: str
    dept_estbdat: str
    aprv_bed_cnt: int
    hi_crtf_bed_cnt: int
    poolarea_no: str
    phar_psncnt: int
    tecn_psncnt: int
    memo: str
    revision: Revision
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., caty: _Optional[str] = ..., yb_dept_code: _Optional[str] = ..., itro: _Optional[str] = ..., dept_resper_name: _Optional[str] = ..., dept_resper_tel: _Optional[str] = ..., dept_med_serv_scp: _Optional[str] = ..., begntime: _Optional[str] = ..., dept_estbdat: _Optional[str] = ..., aprv_bed_cnt: _Optional[int] = ..., hi_crtf_bed_cnt: _Optional[int] = ..., poolarea_no: _Optional[str] = ..., phar_psncnt: _Optional[int] = ..., tecn_psncnt: _Optional[int] = ..., memo: _Optional[str] = ..., revision: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class Clinic(_message.Message):
    __slots__ = ("code", "name", "dept_code", "registers_separately", "revision")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_SEPARATELY_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    dept_code: str
    registers_separately: bool
    revision: Revision
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., dept_code: _Optional[str] = ..., registers_separately: _Optional[bool] = ..., revision: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class StaffMember(_message.Message):
    __slots__ = ("code", "name", "kind", "title", "yb_code", "clinic_codes", "revision")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    YB_CODE_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    kind: StaffKind
    title: str
    yb_code: str
    clinic_codes: _containers.RepeatedScalarFieldContainer[str]
    revision: Revision
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[StaffKind, str]] = ..., title: _Optional[str] = ..., yb_code: _Optional[str] = ..., clinic_codes: _Optional[_Iterable[str]] = ..., revision: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class PriceLine(_message.Message):
    __slots__ = ("code", "registration_type", "item_code", "item_name", "national_code", "unit_price", "quantity", "clinic_code", "dept_code", "doctor_title", "seq", "revision")
    CODE_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_TITLE_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    code: str
    registration_type: RegistrationType
    item_code: str
    item_name: str
    national_code: str
    unit_price: str
    quantity: str
    clinic_code: str
    dept_code: str
    doctor_title: str
    seq: int
    revision: Revision
    def __init__(self, code: _Optional[str] = ..., registration_type: _Optional[_Union[RegistrationType, str]] = ..., item_code: _Optional[str] = ..., item_name: _Optional[str] = ..., national_code: _Optional[str] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[str] = ..., clinic_code: _Optional[str] = ..., dept_code: _Optional[str] = ..., doctor_title: _Optional[str] = ..., seq: _Optional[int] = ..., revision: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class ChargeItem(_message.Message):
    __slots__ = ("code", "name", "national_code", "list_type", "unit_price", "prcunt", "spec", "begndate", "mapping", "revision")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    LIST_TYPE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    PRCUNT_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    BEGNDATE_FIELD_NUMBER: _ClassVar[int]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    national_code: str
    list_type: str
    unit_price: str
    prcunt: str
    spec: str
    begndate: str
    mapping: ChargeItemMapping
    revision: Revision
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., national_code: _Optional[str] = ..., list_type: _Optional[str] = ..., unit_price: _Optional[str] = ..., prcunt: _Optional[str] = ..., spec: _Optional[str] = ..., begndate: _Optional[str] = ..., mapping: _Optional[_Union[ChargeItemMapping, _Mapping]] = ..., revision: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class ChargeItemMapping(_message.Message):
    __slots__ = ("state", "national_code", "list_type", "begndate", "at", "by", "msgid", "current")
    STATE_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    LIST_TYPE_FIELD_NUMBER: _ClassVar[int]
    BEGNDATE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    MSGID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    state: str
    national_code: str
    list_type: str
    begndate: str
    at: _timestamp_pb2.Timestamp
    by: str
    msgid: str
    current: bool
    def __init__(self, state: _Optional[str] = ..., national_code: _Optional[str] = ..., list_type: _Optional[str] = ..., begndate: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by: _Optional[str] = ..., msgid: _Optional[str] = ..., current: _Optional[bool] = ...) -> None: ...

class FeeLine(_message.Message):
    __slots__ = ("item_code", "item_name", "national_code", "unit_price", "quantity", "amount")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    item_name: str
    national_code: str
    unit_price: str
    quantity: str
    amount: str
    def __init__(self, item_code: _Optional[str] = ..., item_name: _Optional[str] = ..., national_code: _Optional[str] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class ListDepartmentsRequest(_message.Message):
    __slots__ = ("include_retired",)
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    include_retired: bool
    def __init__(self, include_retired: _Optional[bool] = ...) -> None: ...

class ListDepartmentsResponse(_message.Message):
    __slots__ = ("departments",)
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[Department]
    def __init__(self, departments: _Optional[_Iterable[_Union[Department, _Mapping]]] = ...) -> None: ...

class CreateDepartmentRequest(_message.Message):
    __slots__ = ("department", "reason", "request_id")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    department: Department
    reason: str
    request_id: str
    def __init__(self, department: _Optional[_Union[Department, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateDepartmentRequest(_message.Message):
    __slots__ = ("department", "reason", "expected_version", "request_id")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    department: Department
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, department: _Optional[_Union[Department, _Mapping]] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class DepartmentResponse(_message.Message):
    __slots__ = ("department",)
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    department: Department
    def __init__(self, department: _Optional[_Union[Department, _Mapping]] = ...) -> None: ...

class ListClinicsRequest(_message.Message):
    __slots__ = ("include_retired", "dept_code")
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    include_retired: bool
    dept_code: str
    def __init__(self, include_retired: _Optional[bool] = ..., dept_code: _Optional[str] = ...) -> None: ...

class ListClinicsResponse(_message.Message):
    __slots__ = ("clinics",)
    CLINICS_FIELD_NUMBER: _ClassVar[int]
    clinics: _containers.RepeatedCompositeFieldContainer[Clinic]
    def __init__(self, clinics: _Optional[_Iterable[_Union[Clinic, _Mapping]]] = ...) -> None: ...

class CreateClinicRequest(_message.Message):
    __slots__ = ("clinic", "reason", "request_id")
    CLINIC_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    clinic: Clinic
    reason: str
    request_id: str
    def __init__(self, clinic: _Optional[_Union[Clinic, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateClinicRequest(_message.Message):
    __slots__ = ("clinic", "reason", "expected_version", "request_id")
    CLINIC_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    clinic: Clinic
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, clinic: _Optional[_Union[Clinic, _Mapping]] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class ClinicResponse(_message.Message):
    __slots__ = ("clinic",)
    CLINIC_FIELD_NUMBER: _ClassVar[int]
    clinic: Clinic
    def __init__(self, clinic: _Optional[_Union[Clinic, _Mapping]] = ...) -> None: ...

class ListStaffRequest(_message.Message):
    __slots__ = ("include_retired", "clinic_code")
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    include_retired: bool
    clinic_code: str
    def __init__(self, include_retired: _Optional[bool] = ..., clinic_code: _Optional[str] = ...) -> None: ...

class ListStaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: _containers.RepeatedCompositeFieldContainer[StaffMember]
    def __init__(self, staff: _Optional[_Iterable[_Union[StaffMember, _Mapping]]] = ...) -> None: ...

class CreateStaffRequest(_message.Message):
    __slots__ = ("staff", "reason", "request_id")
    STAFF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    staff: StaffMember
    reason: str
    request_id: str
    def __init__(self, staff: _Optional[_Union[StaffMember, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateStaffRequest(_message.Message):
    __slots__ = ("staff", "reason", "expected_version", "request_id")
    STAFF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    staff: StaffMember
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, staff: _Optional[_Union[StaffMember, _Mapping]] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class StaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: StaffMember
    def __init__(self, staff: _Optional[_Union[StaffMember, _Mapping]] = ...) -> None: ...

class ListPriceLinesRequest(_message.Message):
    __slots__ = ("include_retired",)
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    include_retired: bool
    def __init__(self, include_retired: _Optional[bool] = ...) -> None: ...

class ListPriceLinesResponse(_message.Message):
    __slots__ = ("price_lines",)
    PRICE_LINES_FIELD_NUMBER: _ClassVar[int]
    price_lines: _containers.RepeatedCompositeFieldContainer[PriceLine]
    def __init__(self, price_lines: _Optional[_Iterable[_Union[PriceLine, _Mapping]]] = ...) -> None: ...

class CreatePriceLineRequest(_message.Message):
    __slots__ = ("price_line", "reason", "request_id")
    PRICE_LINE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    price_line: PriceLine
    reason: str
    request_id: str
    def __init__(self, price_line: _Optional[_Union[PriceLine, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdatePriceLineRequest(_message.Message):
    __slots__ = ("price_line", "reason", "expected_version", "request_id")
    PRICE_LINE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    price_line: PriceLine
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, price_line: _Optional[_Union[PriceLine, _Mapping]] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class PriceLineResponse(_message.Message):
    __slots__ = ("price_line",)
    PRICE_LINE_FIELD_NUMBER: _ClassVar[int]
    price_line: PriceLine
    def __init__(self, price_line: _Optional[_Union[PriceLine, _Mapping]] = ...) -> None: ...

class ListChargeItemsRequest(_message.Message):
    __slots__ = ("include_retired", "needs_upload")
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    NEEDS_UPLOAD_FIELD_NUMBER: _ClassVar[int]
    include_retired: bool
    needs_upload: bool
    def __init__(self, include_retired: _Optional[bool] = ..., needs_upload: _Optional[bool] = ...) -> None: ...

class ListChargeItemsResponse(_message.Message):
    __slots__ = ("charge_items",)
    CHARGE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    charge_items: _containers.RepeatedCompositeFieldContainer[ChargeItem]
    def __init__(self, charge_items: _Optional[_Iterable[_Union[ChargeItem, _Mapping]]] = ...) -> None: ...

class CreateChargeItemRequest(_message.Message):
    __slots__ = ("charge_item", "reason", "request_id")
    CHARGE_ITEM_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    charge_item: ChargeItem
    reason: str
    request_id: str
    def __init__(self, charge_item: _Optional[_Union[ChargeItem, _Mapping]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateChargeItemRequest(_message.Message):
    __slots__ = ("charge_item", "reason", "expected_version", "request_id")
    CHARGE_ITEM_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    charge_item: ChargeItem
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, charge_item: _Optional[_Union[ChargeItem, _Mapping]] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChargeItemResponse(_message.Message):
    __slots__ = ("charge_item",)
    CHARGE_ITEM_FIELD_NUMBER: _ClassVar[int]
    charge_item: ChargeItem
    def __init__(self, charge_item: _Optional[_Union[ChargeItem, _Mapping]] = ...) -> None: ...

class RetireRequest(_message.Message):
    __slots__ = ("code", "reason", "expected_version", "request_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    reason: str
    expected_version: int
    request_id: str
    def __init__(self, code: _Optional[str] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetHistoryRequest(_message.Message):
    __slots__ = ("kind", "code")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    kind: RecordKind
    code: str
    def __init__(self, kind: _Optional[_Union[RecordKind, str]] = ..., code: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("department", "clinic", "staff", "price_line", "charge_item")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    CLINIC_FIELD_NUMBER: _ClassVar[int]
    STAFF_FIELD_NUMBER: _ClassVar[int]
    PRICE_LINE_FIELD_NUMBER: _ClassVar[int]
    CHARGE_ITEM_FIELD_NUMBER: _ClassVar[int]
    department: Department
    clinic: Clinic
    staff: StaffMember
    price_line: PriceLine
    charge_item: ChargeItem
    def __init__(self, department: _Optional[_Union[Department, _Mapping]] = ..., clinic: _Optional[_Union[Clinic, _Mapping]] = ..., staff: _Optional[_Union[StaffMember, _Mapping]] = ..., price_line: _Optional[_Union[PriceLine, _Mapping]] = ..., charge_item: _Optional[_Union[ChargeItem, _Mapping]] = ...) -> None: ...

class GetHistoryResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    def __init__(self, versions: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ...) -> None: ...

class GetRegistrationFeeRequest(_message.Message):
    __slots__ = ("registration_type", "clinic_code", "doctor_code")
    REGISTRATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    registration_type: RegistrationType
    clinic_code: str
    doctor_code: str
    def __init__(self, registration_type: _Optional[_Union[RegistrationType, str]] = ..., clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ...) -> None: ...

class GetRegistrationFeeResponse(_message.Message):
    __slots__ = ("lines", "total")
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[FeeLine]
    total: str
    def __init__(self, lines: _Optional[_Iterable[_Union[FeeLine, _Mapping]]] = ..., total: _Optional[str] = ...) -> None: ...

class UploadDepartmentRequest(_message.Message):
    __slots__ = ("code", "action", "request_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    action: UploadAction
    request_id: str
    def __init__(self, code: _Optional[str] = ..., action: _Optional[_Union[UploadAction, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadDepartmentResponse(_message.Message):
    __slots__ = ("infno", "state", "msgid")
    INFNO_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MSGID_FIELD_NUMBER: _ClassVar[int]
    infno: str
    state: str
    msgid: str
    def __init__(self, infno: _Optional[str] = ..., state: _Optional[str] = ..., msgid: _Optional[str] = ...) -> None: ...

class UploadChargeItemMappingsRequest(_message.Message):
    __slots__ = ("codes", "request_id")
    CODES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, codes: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChargeItemMappingUpload(_message.Message):
    __slots__ = ("code", "infnos", "mapping")
    CODE_FIELD_NUMBER: _ClassVar[int]
    INFNOS_FIELD_NUMBER: _ClassVar[int]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    code: str
    infnos: _containers.RepeatedScalarFieldContainer[str]
    mapping: ChargeItemMapping
    def __init__(self, code: _Optional[str] = ..., infnos: _Optional[_Iterable[str]] = ..., mapping: _Optional[_Union[ChargeItemMapping, _Mapping]] = ...) -> None: ...

class UploadChargeItemMappingsResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ChargeItemMappingUpload]
    def __init__(self, items: _Optional[_Iterable[_Union[ChargeItemMappingUpload, _Mapping]]] = ...) -> None: ...

class RevokeChargeItemMappingRequest(_message.Message):
    __slots__ = ("code", "request_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    request_id: str
    def __init__(self, code: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeChargeItemMappingResponse(_message.Message):
    __slots__ = ("mapping",)
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    mapping: ChargeItemMapping
    def __init__(self, mapping: _Optional[_Union[ChargeItemMapping, _Mapping]] = ...) -> None: ...

class CheckNationalCodesRequest(_message.Message):
    __slots__ = ("problems_only",)
    PROBLEMS_ONLY_FIELD_NUMBER: _ClassVar[int]
    problems_only: bool
    def __init__(self, problems_only: _Optional[bool] = ...) -> None: ...

class NationalCodeFinding(_message.Message):
    __slots__ = ("source", "code", "name", "national_code", "list_type", "status", "hilist_name", "hilist_list_type")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    LIST_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HILIST_NAME_FIELD_NUMBER: _ClassVar[int]
    HILIST_LIST_TYPE_FIELD_NUMBER: _ClassVar[int]
    source: str
    code: str
    name: str
    national_code: str
    list_type: str
    status: str
    hilist_name: str
    hilist_list_type: str
    def __init__(self, source: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., national_code: _Optional[str] = ..., list_type: _Optional[str] = ..., status: _Optional[str] = ..., hilist_name: _Optional[str] = ..., hilist_list_type: _Optional[str] = ...) -> None: ...

class CheckNationalCodesResponse(_message.Message):
    __slots__ = ("findings", "checked")
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    findings: _containers.RepeatedCompositeFieldContainer[NationalCodeFinding]
    checked: int
    def __init__(self, findings: _Optional[_Iterable[_Union[NationalCodeFinding, _Mapping]]] = ..., checked: _Optional[int] = ...) -> None: ...
