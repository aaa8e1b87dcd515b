import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from his.v1 import admin_pb2 as _admin_pb2
from his.v1 import common_pb2 as _common_pb2
from his.v1 import inpatient_pb2 as _inpatient_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Coverage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COVERAGE_UNSPECIFIED: _ClassVar[Coverage]
    COVERAGE_SELF_PAY: _ClassVar[Coverage]
    COVERAGE_INSURED: _ClassVar[Coverage]

class EncounterState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENCOUNTER_STATE_UNSPECIFIED: _ClassVar[EncounterState]
    ENCOUNTER_STATE_REGISTERING: _ClassVar[EncounterState]
    ENCOUNTER_STATE_OPEN: _ClassVar[EncounterState]
    ENCOUNTER_STATE_CANCELLED: _ClassVar[EncounterState]

class LegState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEG_STATE_UNSPECIFIED: _ClassVar[LegState]
    LEG_STATE_ACTIVE: _ClassVar[LegState]
    LEG_STATE_TRANSFERRED: _ClassVar[LegState]
    LEG_STATE_UNDONE: _ClassVar[LegState]

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CASH: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_CARD: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_MOBILE_PAY: _ClassVar[PaymentMethod]

class PaymentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_KIND_UNSPECIFIED: _ClassVar[PaymentKind]
    PAYMENT_KIND_PAYMENT: _ClassVar[PaymentKind]
    PAYMENT_KIND_REFUND: _ClassVar[PaymentKind]

class OldRegistration(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OLD_REGISTRATION_NONE: _ClassVar[OldRegistration]
    OLD_REGISTRATION_CANCELLED: _ClassVar[OldRegistration]
    OLD_REGISTRATION_KEPT: _ClassVar[OldRegistration]
COVERAGE_UNSPECIFIED: Coverage
COVERAGE_SELF_PAY: Coverage
COVERAGE_INSURED: Coverage
ENCOUNTER_STATE_UNSPECIFIED: EncounterState
ENCOUNTER_STATE_REGISTERING: EncounterState
ENCOUNTER_STATE_OPEN: EncounterState
ENCOUNTER_STATE_CANCELLED: EncounterState
LEG_STATE_UNSPECIFIED: LegState
LEG_STATE_ACTIVE: LegState
LEG_STATE_TRANSFERRED: LegState
LEG_STATE_UNDONE: LegState
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_CASH: PaymentMethod
PAYMENT_METHOD_BANK_CARD: PaymentMethod
PAYMENT_METHOD_MOBILE_PAY: PaymentMethod
PAYMENT_KIND_UNSPECIFIED: PaymentKind
PAYMENT_KIND_PAYMENT: PaymentKind
PAYMENT_KIND_REFUND: PaymentKind
OLD_REGISTRATION_NONE: OldRegistration
OLD_REGISTRATION_CANCELLED: OldRegistration
OLD_REGISTRATION_KEPT: OldRegistration

class Leg(_message.Message):
    __slots__ = ("seq", "clinic_code", "clinic_name", "dept_code", "doctor_code", "doctor_name", "queue_entry_id", "state", "started_at", "ended_at", "visit_id", "mdtrt_id")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    CLINIC_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    QUEUE_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    seq: int
    clinic_code: str
    clinic_name: str
    dept_code: str
    doctor_code: str
    doctor_name: str
    queue_entry_id: str
    state: LegState
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    visit_id: str
    mdtrt_id: str
    def __init__(self, seq: _Optional[int] = ..., clinic_code: _Optional[str] = ..., clinic_name: _Optional[str] = ..., dept_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., doctor_name: _Optional[str] = ..., queue_entry_id: _Optional[str] = ..., state: _Optional[_Union[LegState, str]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., visit_id: _Optional[str] = ..., mdtrt_id: _Optional[str] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("seq", "from_leg", "to_leg", "sent_by", "sent_by_name", "reason", "at", "new_registration", "old_visit_id", "old_registration", "undone_at", "undone_by")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    FROM_LEG_FIELD_NUMBER: _ClassVar[int]
    TO_LEG_FIELD_NUMBER: _ClassVar[int]
    SENT_BY_FIELD_NUMBER: _ClassVar[int]
    SENT_BY_NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    NEW_REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    OLD_VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    OLD_REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    UNDONE_AT_FIELD_NUMBER: _ClassVar[int]
    UNDONE_BY_FIELD_NUMBER: _ClassVar[int]
    seq: int
    from_leg: int
    to_leg: int
    sent_by: str
    sent_by_name: str
    reason: str
    at: _timestamp_pb2.Timestamp
    new_registration: bool
    old_visit_id: str
    old_registration: OldRegistration
    undone_at: _timestamp_pb2.Timestamp
    undone_by: str
    def __init__(self, seq: _Optional[int] = ..., from_leg: _Optional[int] = ..., to_leg: _Optional[int] = ..., sent_by: _Optional[str] = ..., sent_by_name: _Optional[str] = ..., reason: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., new_registration: _Optional[bool] = ..., old_visit_id: _Optional[str] = ..., old_registration: _Optional[_Union[OldRegistration, str]] = ..., undone_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., undone_by: _Optional[str] = ...) -> None: ...

class Charge(_message.Message):
    __slots__ = ("line_no", "item_code", "item_name", "national_code", "unit_price", "quantity", "amount", "leg_seq", "added_at", "registration_fee", "payment_id", "order_id", "order_item", "withdrawn_at")
    LINE_NO_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LEG_SEQ_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_FEE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ITEM_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    line_no: int
    item_code: str
    item_name: str
    national_code: str
    unit_price: str
    quantity: str
    amount: str
    leg_seq: int
    added_at: _timestamp_pb2.Timestamp
    registration_fee: bool
    payment_id: str
    order_id: str
    order_item: str
    withdrawn_at: _timestamp_pb2.Timestamp
    def __init__(self, line_no: _Optional[int] = ..., item_code: _Optional[str] = ..., item_name: _Optional[str] = ..., national_code: _Optional[str] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[str] = ..., amount: _Optional[str] = ..., leg_seq: _Optional[int] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registration_fee: _Optional[bool] = ..., payment_id: _Optional[str] = ..., order_id: _Optional[str] = ..., order_item: _Optional[str] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("id", "receipt_no", "kind", "method", "reference", "amount", "at", "operator_code", "refund_of", "reason", "setl_id", "fund_amount", "chrg_bchno", "visit_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NO_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    REFUND_OF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    FUND_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    receipt_no: str
    kind: PaymentKind
    method: PaymentMethod
    reference: str
    amount: str
    at: _timestamp_pb2.Timestamp
    operator_code: str
    refund_of: str
    reason: str
    setl_id: str
    fund_amount: str
    chrg_bchno: str
    visit_id: str
    def __init__(self, id: _Optional[str] = ..., receipt_no: _Optional[str] = ..., kind: _Optional[_Union[PaymentKind, str]] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., reference: _Optional[str] = ..., amount: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., operator_code: _Optional[str] = ..., refund_of: _Optional[str] = ..., reason: _Optional[str] = ..., setl_id: _Optional[str] = ..., fund_amount: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., visit_id: _Optional[str] = ...) -> None: ...

class EncounterDiagnosis(_message.Message):
    __slots__ = ("srt_no", "kind", "code", "name", "main", "leg_seq", "doctor_code", "at")
    SRT_NO_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MAIN_FIELD_NUMBER: _ClassVar[int]
    LEG_SEQ_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    srt_no: int
    kind: str
    code: str
    name: str
    main: bool
    leg_seq: int
    doctor_code: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, srt_no: _Optional[int] = ..., kind: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., main: _Optional[bool] = ..., leg_seq: _Optional[int] = ..., doctor_code: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Encounter(_message.Message):
    __slots__ = ("id", "patient_id", "day", "registered_at", "registered_by", "reg_type", "coverage", "state", "psn_no", "insutype", "med_type", "mdtrt_cert_type", "visit_id", "mdtrt_id", "ipt_otp_no", "cancelled_at", "legs", "transfers", "charges", "payments", "diagnoses", "total_charged", "total_paid", "outstanding", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BY_FIELD_NUMBER: _ClassVar[int]
    REG_TYPE_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    IPT_OTP_NO_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    LEGS_FIELD_NUMBER: _ClassVar[int]
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CHARGED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    patient_id: str
    day: str
    registered_at: _timestamp_pb2.Timestamp
    registered_by: str
    reg_type: _admin_pb2.RegistrationType
    coverage: Coverage
    state: EncounterState
    psn_no: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    visit_id: str
    mdtrt_id: str
    ipt_otp_no: str
    cancelled_at: _timestamp_pb2.Timestamp
    legs: _containers.RepeatedCompositeFieldContainer[Leg]
    transfers: _containers.RepeatedCompositeFieldContainer[Transfer]
    charges: _containers.RepeatedCompositeFieldContainer[Charge]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    diagnoses: _containers.RepeatedCompositeFieldContainer[EncounterDiagnosis]
    total_charged: str
    total_paid: str
    outstanding: str
    version: int
    def __init__(self, id: _Optional[str] = ..., patient_id: _Optional[str] = ..., day: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_by: _Optional[str] = ..., reg_type: _Optional[_Union[_admin_pb2.RegistrationType, str]] = ..., coverage: _Optional[_Union[Coverage, str]] = ..., state: _Optional[_Union[EncounterState, str]] = ..., psn_no: _Optional[str] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., mdtrt_cert_type: _Optional[str] = ..., visit_id: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., ipt_otp_no: _Optional[str] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., legs: _Optional[_Iterable[_Union[Leg, _Mapping]]] = ..., transfers: _Optional[_Iterable[_Union[Transfer, _Mapping]]] = ..., charges: _Optional[_Iterable[_Union[Charge, _Mapping]]] = ..., payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ..., diagnoses: _Optional[_Iterable[_Union[EncounterDiagnosis, _Mapping]]] = ..., total_charged: _Optional[str] = ..., total_paid: _Optional[str] = ..., outstanding: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class RegisterEncounterRequest(_message.Message):
    __slots__ = ("patient_id", "clinic_code", "doctor_code", "reg_type", "coverage", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no", "returning_with_results", "request_id")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    REG_TYPE_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    RETURNING_WITH_RESULTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    clinic_code: str
    doctor_code: str
    reg_type: _admin_pb2.RegistrationType
    coverage: Coverage
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    returning_with_results: bool
    request_id: str
    def __init__(self, patient_id: _Optional[str] = ..., clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., reg_type: _Optional[_Union[_admin_pb2.RegistrationType, str]] = ..., coverage: _Optional[_Union[Coverage, str]] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., mdtrt_cert_type: _Optional[str] = ..., mdtrt_cert_no: _Optional[str] = ..., returning_with_results: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class RegisterEncounterResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class GetEncounterRequest(_message.Message):
    __slots__ = ("encounter_id",)
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    def __init__(self, encounter_id: _Optional[str] = ...) -> None: ...

class GetEncounterResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class ListEncountersRequest(_message.Message):
    __slots__ = ("patient_id", "page_size", "page_token")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    page_size: int
    page_token: str
    def __init__(self, patient_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class EncounterHistoryEntry(_message.Message):
    __slots__ = ("encounter", "settlements", "stays")
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    STAYS_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    settlements: _containers.RepeatedCompositeFieldContainer[_common_pb2.Settlement]
    stays: _containers.RepeatedCompositeFieldContainer[_inpatient_pb2.StaySummary]
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ..., settlements: _Optional[_Iterable[_Union[_common_pb2.Settlement, _Mapping]]] = ..., stays: _Optional[_Iterable[_Union[_inpatient_pb2.StaySummary, _Mapping]]] = ...) -> None: ...

class ListEncountersResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[EncounterHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[EncounterHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ChargeInput(_message.Message):
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

class AddChargesRequest(_message.Message):
    __slots__ = ("encounter_id", "charges", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    charges: _containers.RepeatedCompositeFieldContainer[ChargeInput]
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., charges: _Optional[_Iterable[_Union[ChargeInput, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class AddChargesResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class PayEncounterRequest(_message.Message):
    __slots__ = ("encounter_id", "method", "reference", "amount", "use_personal_account", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    USE_PERSONAL_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    method: PaymentMethod
    reference: str
    amount: str
    use_personal_account: bool
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., reference: _Optional[str] = ..., amount: _Optional[str] = ..., use_personal_account: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class PayEncounterResponse(_message.Message):
    __slots__ = ("payment", "encounter")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    encounter: Encounter
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class RefundPaymentRequest(_message.Message):
    __slots__ = ("encounter_id", "payment_id", "amount", "reason", "method", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    payment_id: str
    amount: str
    reason: str
    method: PaymentMethod
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., amount: _Optional[str] = ..., reason: _Optional[str] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RefundPaymentResponse(_message.Message):
    __slots__ = ("refund", "encounter")
    REFUND_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    refund: Payment
    encounter: Encounter
    def __init__(self, refund: _Optional[_Union[Payment, _Mapping]] = ..., encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class CancelEncounterRequest(_message.Message):
    __slots__ = ("encounter_id", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelEncounterResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class TransferEncounterRequest(_message.Message):
    __slots__ = ("encounter_id", "to_clinic_code", "to_doctor_code", "reason", "med_type", "returning_with_results", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    TO_DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    RETURNING_WITH_RESULTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    to_clinic_code: str
    to_doctor_code: str
    reason: str
    med_type: str
    returning_with_results: bool
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., to_clinic_code: _Optional[str] = ..., to_doctor_code: _Optional[str] = ..., reason: _Optional[str] = ..., med_type: _Optional[str] = ..., returning_with_results: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class TransferEncounterResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class UndoTransferRequest(_message.Message):
    __slots__ = ("encounter_id", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UndoTransferResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...

class GetEncounterPathRequest(_message.Message):
    __slots__ = ("encounter_id",)
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    def __init__(self, encounter_id: _Optional[str] = ...) -> None: ...

class PathStep(_message.Message):
    __slots__ = ("leg", "arrived_by")
    LEG_FIELD_NUMBER: _ClassVar[int]
    ARRIVED_BY_FIELD_NUMBER: _ClassVar[int]
    leg: Leg
    arrived_by: Transfer
    def __init__(self, leg: _Optional[_Union[Leg, _Mapping]] = ..., arrived_by: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...

class GetEncounterPathResponse(_message.Message):
    __slots__ = ("encounter_id", "steps")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    steps: _containers.RepeatedCompositeFieldContainer[PathStep]
    def __init__(self, encounter_id: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[PathStep, _Mapping]]] = ...) -> None: ...

class DiagnosisInput(_message.Message):
    __slots__ = ("code", "name", "kind", "main")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MAIN_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    kind: str
    main: bool
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ..., main: _Optional[bool] = ...) -> None: ...

class RecordDiagnosesRequest(_message.Message):
    __slots__ = ("encounter_id", "diagnoses", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[DiagnosisInput]
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[DiagnosisInput, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordDiagnosesResponse(_message.Message):
    __slots__ = ("encounter",)
    ENCOUNTER_FIELD_NUMBER: _ClassVar[int]
    encounter: Encounter
    def __init__(self, encounter: _Optional[_Union[Encounter, _Mapping]] = ...) -> None: ...
