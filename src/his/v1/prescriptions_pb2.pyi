import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PrescriptionCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRESCRIPTION_CATEGORY_UNSPECIFIED: _ClassVar[PrescriptionCategory]
    PRESCRIPTION_CATEGORY_ORDINARY: _ClassVar[PrescriptionCategory]
    PRESCRIPTION_CATEGORY_EMERGENCY: _ClassVar[PrescriptionCategory]
    PRESCRIPTION_CATEGORY_PEDIATRIC: _ClassVar[PrescriptionCategory]
    PRESCRIPTION_CATEGORY_NARCOTIC: _ClassVar[PrescriptionCategory]

class PrescriptionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRESCRIPTION_STATE_UNSPECIFIED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_DRAFT: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_SIGNED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_CANCELLED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_UPLOADED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_APPROVED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_REFUSED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_DISPENSED: _ClassVar[PrescriptionState]
    PRESCRIPTION_STATE_REVOKED: _ClassVar[PrescriptionState]

class DrugKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRUG_KIND_UNSPECIFIED: _ClassVar[DrugKind]
    DRUG_KIND_WESTERN: _ClassVar[DrugKind]
    DRUG_KIND_HERBAL: _ClassVar[DrugKind]
PRESCRIPTION_CATEGORY_UNSPECIFIED: PrescriptionCategory
PRESCRIPTION_CATEGORY_ORDINARY: PrescriptionCategory
PRESCRIPTION_CATEGORY_EMERGENCY: PrescriptionCategory
PRESCRIPTION_CATEGORY_PEDIATRIC: PrescriptionCategory
PRESCRIPTION_CATEGORY_NARCOTIC: PrescriptionCategory
PRESCRIPTION_STATE_UNSPECIFIED: PrescriptionState
PRESCRIPTION_STATE_DRAFT: PrescriptionState
PRESCRIPTION_STATE_SIGNED: PrescriptionState
PRESCRIPTION_STATE_CANCELLED: PrescriptionState
PRESCRIPTION_STATE_UPLOADED: PrescriptionState
PRESCRIPTION_STATE_APPROVED: PrescriptionState
PRESCRIPTION_STATE_REFUSED: PrescriptionState
PRESCRIPTION_STATE_DISPENSED: PrescriptionState
PRESCRIPTION_STATE_REVOKED: PrescriptionState
DRUG_KIND_UNSPECIFIED: DrugKind
DRUG_KIND_WESTERN: DrugKind
DRUG_KIND_HERBAL: DrugKind

class Drug(_message.Message):
    __slots__ = ("code", "national_code", "generic_name", "product_name", "kind", "dosage_form", "spec", "dose_unit", "unit_dose", "unit", "pack_size", "pack_unit", "price", "manufacturer", "default_route", "controlled")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    GENERIC_NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DOSAGE_FORM_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    DOSE_UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_DOSE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PACK_SIZE_FIELD_NUMBER: _ClassVar[int]
    PACK_UNIT_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_ROUTE_FIELD_NUMBER: _ClassVar[int]
    CONTROLLED_FIELD_NUMBER: _ClassVar[int]
    code: str
    national_code: str
    generic_name: str
    product_name: str
    kind: DrugKind
    dosage_form: str
    spec: str
    dose_unit: str
    unit_dose: str
    unit: str
    pack_size: str
    pack_unit: str
    price: str
    manufacturer: str
    default_route: str
    controlled: bool
    def __init__(self, code: _Optional[str] = ..., national_code: _Optional[str] = ..., generic_name: _Optional[str] = ..., product_name: _Optional[str] = ..., kind: _Optional[_Union[DrugKind, str]] = ..., dosage_form: _Optional[str] = ..., spec: _Optional[str] = ..., dose_unit: _Optional[str] = ..., unit_dose: _Optional[str] = ..., unit: _Optional[str] = ..., pack_size: _Optional[str] = ..., pack_unit: _Optional[str] = ..., price: _Optional[str] = ..., manufacturer: _Optional[str] = ..., default_route: _Optional[str] = ..., controlled: _Optional[bool] = ...) -> None: ...

class PrescriptionLineInput(_message.Message):
    __slots__ = ("drug_code", "dose", "frequency", "days", "route", "note")
    DRUG_CODE_FIELD_NUMBER: _ClassVar[int]
    DOSE_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    drug_code: str
    dose: str
    frequency: str
    days: int
    route: str
    note: str
    def __init__(self, drug_code: _Optional[str] = ..., dose: _Optional[str] = ..., frequency: _Optional[str] = ..., days: _Optional[int] = ..., route: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class PrescriptionLine(_message.Message):
    __slots__ = ("line_no", "drug", "dose", "frequency", "frequency_name", "days", "route", "quantity", "amount", "note")
    LINE_NO_FIELD_NUMBER: _ClassVar[int]
    DRUG_FIELD_NUMBER: _ClassVar[int]
    DOSE_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_NAME_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    line_no: int
    drug: Drug
    dose: str
    frequency: str
    frequency_name: str
    days: int
    route: str
    quantity: str
    amount: str
    note: str
    def __init__(self, line_no: _Optional[int] = ..., drug: _Optional[_Union[Drug, _Mapping]] = ..., dose: _Optional[str] = ..., frequency: _Optional[str] = ..., frequency_name: _Optional[str] = ..., days: _Optional[int] = ..., route: _Optional[str] = ..., quantity: _Optional[str] = ..., amount: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class PrescriptionReview(_message.Message):
    __slots__ = ("pharmacy_code", "pharmacy_name", "pharmacist", "rechecked_by", "status_code", "approved", "opinion", "at")
    PHARMACY_CODE_FIELD_NUMBER: _ClassVar[int]
    PHARMACY_NAME_FIELD_NUMBER: _ClassVar[int]
    PHARMACIST_FIELD_NUMBER: _ClassVar[int]
    RECHECKED_BY_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    pharmacy_code: str
    pharmacy_name: str
    pharmacist: str
    rechecked_by: str
    status_code: str
    approved: bool
    opinion: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, pharmacy_code: _Optional[str] = ..., pharmacy_name: _Optional[str] = ..., pharmacist: _Optional[str] = ..., rechecked_by: _Optional[str] = ..., status_code: _Optional[str] = ..., approved: _Optional[bool] = ..., opinion: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PurchasedDrug(_message.Message):
    __slots__ = ("generic_name", "product_name", "dosage_form", "spec", "quantity", "unit", "price", "amount", "manufacturer")
    GENERIC_NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_NAME_FIELD_NUMBER: _ClassVar[int]
    DOSAGE_FORM_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MANUFACTURER_FIELD_NUMBER: _ClassVar[int]
    generic_name: str
    product_name: str
    dosage_form: str
    spec: str
    quantity: str
    unit: str
    price: str
    amount: str
    manufacturer: str
    def __init__(self, generic_name: _Optional[str] = ..., product_name: _Optional[str] = ..., dosage_form: _Optional[str] = ..., spec: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., price: _Optional[str] = ..., amount: _Optional[str] = ..., manufacturer: _Optional[str] = ...) -> None: ...

class PrescriptionPurchase(_message.Message):
    __slots__ = ("fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "setl_time", "drugs")
    FUND_PAY_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    PSN_PART_AMT_FIELD_NUMBER: _ClassVar[int]
    ACCT_PAY_FIELD_NUMBER: _ClassVar[int]
    PSN_CASH_PAY_FIELD_NUMBER: _ClassVar[int]
    SETL_TIME_FIELD_NUMBER: _ClassVar[int]
    DRUGS_FIELD_NUMBER: _ClassVar[int]
    fund_pay_sumamt: str
    psn_part_amt: str
    acct_pay: str
    psn_cash_pay: str
    setl_time: _timestamp_pb2.Timestamp
    drugs: _containers.RepeatedCompositeFieldContainer[PurchasedDrug]
    def __init__(self, fund_pay_sumamt: _Optional[str] = ..., psn_part_amt: _Optional[str] = ..., acct_pay: _Optional[str] = ..., psn_cash_pay: _Optional[str] = ..., setl_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., drugs: _Optional[_Iterable[_Union[PurchasedDrug, _Mapping]]] = ...) -> None: ...

class Prescription(_message.Message):
    __slots__ = ("id", "encounter_id", "patient_id", "doctor_code", "dept_code", "category", "kind", "chronic", "lines", "total", "state", "diagnosis", "created_at", "signed_at", "hi_rxno", "valid_until", "reviews", "purchase", "revoked_at", "revoke_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHRONIC_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    HI_RXNO_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKE_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    encounter_id: str
    patient_id: str
    doctor_code: str
    dept_code: str
    category: PrescriptionCategory
    kind: DrugKind
    chronic: bool
    lines: _containers.RepeatedCompositeFieldContainer[PrescriptionLine]
    total: str
    state: PrescriptionState
    diagnosis: str
    created_at: _timestamp_pb2.Timestamp
    signed_at: _timestamp_pb2.Timestamp
    hi_rxno: str
    valid_until: _timestamp_pb2.Timestamp
    reviews: _containers.RepeatedCompositeFieldContainer[PrescriptionReview]
    purchase: PrescriptionPurchase
    revoked_at: _timestamp_pb2.Timestamp
    revoke_reason: str
    def __init__(self, id: _Optional[str] = ..., encounter_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., doctor_code: _Optional[str] = ..., dept_code: _Optional[str] = ..., category: _Optional[_Union[PrescriptionCategory, str]] = ..., kind: _Optional[_Union[DrugKind, str]] = ..., chronic: _Optional[bool] = ..., lines: _Optional[_Iterable[_Union[PrescriptionLine, _Mapping]]] = ..., total: _Optional[str] = ..., state: _Optional[_Union[PrescriptionState, str]] = ..., diagnosis: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hi_rxno: _Optional[str] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reviews: _Optional[_Iterable[_Union[PrescriptionReview, _Mapping]]] = ..., purchase: _Optional[_Union[PrescriptionPurchase, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_reason: _Optional[str] = ...) -> None: ...

class CreatePrescriptionRequest(_message.Message):
    __slots__ = ("encounter_id", "category", "lines", "chronic", "doctor_code", "diagnosis", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    CHRONIC_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    category: PrescriptionCategory
    lines: _containers.RepeatedCompositeFieldContainer[PrescriptionLineInput]
    chronic: bool
    doctor_code: str
    diagnosis: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., category: _Optional[_Union[PrescriptionCategory, str]] = ..., lines: _Optional[_Iterable[_Union[PrescriptionLineInput, _Mapping]]] = ..., chronic: _Optional[bool] = ..., doctor_code: _Optional[str] = ..., diagnosis: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreatePrescriptionResponse(_message.Message):
    __slots__ = ("prescription",)
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    prescription: Prescription
    def __init__(self, prescription: _Optional[_Union[Prescription, _Mapping]] = ...) -> None: ...

class SignPrescriptionRequest(_message.Message):
    __slots__ = ("prescription_id", "request_id")
    PRESCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    prescription_id: str
    request_id: str
    def __init__(self, prescription_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SignPrescriptionResponse(_message.Message):
    __slots__ = ("prescription",)
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    prescription: Prescription
    def __init__(self, prescription: _Optional[_Union[Prescription, _Mapping]] = ...) -> None: ...

class CirculatePrescriptionRequest(_message.Message):
    __slots__ = ("prescription_id", "pharmacist_name", "pharmacist_cert_no", "request_id")
    PRESCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    PHARMACIST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHARMACIST_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    prescription_id: str
    pharmacist_name: str
    pharmacist_cert_no: str
    request_id: str
    def __init__(self, prescription_id: _Optional[str] = ..., pharmacist_name: _Optional[str] = ..., pharmacist_cert_no: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CirculatePrescriptionResponse(_message.Message):
    __slots__ = ("prescription",)
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    prescription: Prescription
    def __init__(self, prescription: _Optional[_Union[Prescription, _Mapping]] = ...) -> None: ...

class RevokePrescriptionRequest(_message.Message):
    __slots__ = ("prescription_id", "reason", "request_id")
    PRESCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    prescription_id: str
    reason: str
    request_id: str
    def __init__(self, prescription_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokePrescriptionResponse(_message.Message):
    __slots__ = ("prescription",)
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    prescription: Prescription
    def __init__(self, prescription: _Optional[_Union[Prescription, _Mapping]] = ...) -> None: ...

class GetPrescriptionRequest(_message.Message):
    __slots__ = ("prescription_id",)
    PRESCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    prescription_id: str
    def __init__(self, prescription_id: _Optional[str] = ...) -> None: ...

class GetPrescriptionResponse(_message.Message):
    __slots__ = ("prescription",)
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    prescription: Prescription
    def __init__(self, prescription: _Optional[_Union[Prescription, _Mapping]] = ...) -> None: ...

class ListPrescriptionsRequest(_message.Message):
    __slots__ = ("encounter_id",)
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    def __init__(self, encounter_id: _Optional[str] = ...) -> None: ...

class ListPrescriptionsResponse(_message.Message):
    __slots__ = ("prescriptions",)
    PRESCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    prescriptions: _containers.RepeatedCompositeFieldContainer[Prescription]
    def __init__(self, prescriptions: _Optional[_Iterable[_Union[Prescription, _Mapping]]] = ...) -> None: ...

class SearchDrugsRequest(_message.Message):
    __slots__ = ("text", "kind", "page_size")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    text: str
    kind: DrugKind
    page_size: int
    def __init__(self, text: _Optional[str] = ..., kind: _Optional[_Union[DrugKind, str]] = ..., page_size: _Optional[int] = ...) -> None: ...

class SearchDrugsResponse(_message.Message):
    __slots__ = ("drugs",)
    DRUGS_FIELD_NUMBER: _ClassVar[int]
    drugs: _containers.RepeatedCompositeFieldContainer[Drug]
    def __init__(self, drugs: _Optional[_Iterable[_Union[Drug, _Mapping]]] = ...) -> None: ...
