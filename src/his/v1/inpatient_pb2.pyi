import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from his.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AdmissionCondition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ADMISSION_CONDITION_UNSPECIFIED: _ClassVar[AdmissionCondition]
    ADMISSION_CONDITION_CRITICAL: _ClassVar[AdmissionCondition]
    ADMISSION_CONDITION_URGENT: _ClassVar[AdmissionCondition]
    ADMISSION_CONDITION_ORDINARY: _ClassVar[AdmissionCondition]

class AdmissionOrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ADMISSION_ORDER_STATE_UNSPECIFIED: _ClassVar[AdmissionOrderState]
    ADMISSION_ORDER_STATE_ISSUED: _ClassVar[AdmissionOrderState]
    ADMISSION_ORDER_STATE_USED: _ClassVar[AdmissionOrderState]
    ADMISSION_ORDER_STATE_CANCELLED: _ClassVar[AdmissionOrderState]
    ADMISSION_ORDER_STATE_EXPIRED: _ClassVar[AdmissionOrderState]

class StayState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAY_STATE_UNSPECIFIED: _ClassVar[StayState]
    STAY_STATE_ADMITTING: _ClassVar[StayState]
    STAY_STATE_IN_HOSPITAL: _ClassVar[StayState]
    STAY_STATE_DISCHARGING: _ClassVar[StayState]
    STAY_STATE_DISCHARGED: _ClassVar[StayState]
    STAY_STATE_SETTLED: _ClassVar[StayState]
    STAY_STATE_CANCELLED: _ClassVar[StayState]

class BedState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BED_STATE_UNSPECIFIED: _ClassVar[BedState]
    BED_STATE_FREE: _ClassVar[BedState]
    BED_STATE_OCCUPIED: _ClassVar[BedState]
    BED_STATE_CLOSED: _ClassVar[BedState]
ADMISSION_CONDITION_UNSPECIFIED: AdmissionCondition
ADMISSION_CONDITION_CRITICAL: AdmissionCondition
ADMISSION_CONDITION_URGENT: AdmissionCondition
ADMISSION_CONDITION_ORDINARY: AdmissionCondition
ADMISSION_ORDER_STATE_UNSPECIFIED: AdmissionOrderState
ADMISSION_ORDER_STATE_ISSUED: AdmissionOrderState
ADMISSION_ORDER_STATE_USED: AdmissionOrderState
ADMISSION_ORDER_STATE_CANCELLED: AdmissionOrderState
ADMISSION_ORDER_STATE_EXPIRED: AdmissionOrderState
STAY_STATE_UNSPECIFIED: StayState
STAY_STATE_ADMITTING: StayState
STAY_STATE_IN_HOSPITAL: StayState
STAY_STATE_DISCHARGING: StayState
STAY_STATE_DISCHARGED: StayState
STAY_STATE_SETTLED: StayState
STAY_STATE_CANCELLED: StayState
BED_STATE_UNSPECIFIED: BedState
BED_STATE_FREE: BedState
BED_STATE_OCCUPIED: BedState
BED_STATE_CLOSED: BedState

class AdmissionDiagnosis(_message.Message):
    __slots__ = ("code", "name", "main", "kind")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MAIN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    main: bool
    kind: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., main: _Optional[bool] = ..., kind: _Optional[str] = ...) -> None: ...

class AdmissionOrder(_message.Message):
    __slots__ = ("id", "encounter_id", "patient_id", "dept_code", "ward_code", "diagnoses", "condition", "suggested_deposit", "planned_date", "state", "med_type", "dise_codg", "dise_name", "note", "issued_by", "issued_at", "stay_id", "cancel_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    PLANNED_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    DISE_CODG_FIELD_NUMBER: _ClassVar[int]
    DISE_NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    encounter_id: str
    patient_id: str
    dept_code: str
    ward_code: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    condition: AdmissionCondition
    suggested_deposit: str
    planned_date: str
    state: AdmissionOrderState
    med_type: str
    dise_codg: str
    dise_name: str
    note: str
    issued_by: str
    issued_at: _timestamp_pb2.Timestamp
    stay_id: str
    cancel_reason: str
    def __init__(self, id: _Optional[str] = ..., encounter_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., dept_code: _Optional[str] = ..., ward_code: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., condition: _Optional[_Union[AdmissionCondition, str]] = ..., suggested_deposit: _Optional[str] = ..., planned_date: _Optional[str] = ..., state: _Optional[_Union[AdmissionOrderState, str]] = ..., med_type: _Optional[str] = ..., dise_codg: _Optional[str] = ..., dise_name: _Optional[str] = ..., note: _Optional[str] = ..., issued_by: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stay_id: _Optional[str] = ..., cancel_reason: _Optional[str] = ...) -> None: ...

class IssueAdmissionOrderRequest(_message.Message):
    __slots__ = ("encounter_id", "ward_code", "condition", "suggested_deposit", "planned_date", "dept_code", "diagnoses", "med_type", "dise_codg", "dise_name", "note", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    PLANNED_DATE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    DISE_CODG_FIELD_NUMBER: _ClassVar[int]
    DISE_NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    ward_code: str
    condition: AdmissionCondition
    suggested_deposit: str
    planned_date: str
    dept_code: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    med_type: str
    dise_codg: str
    dise_name: str
    note: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., ward_code: _Optional[str] = ..., condition: _Optional[_Union[AdmissionCondition, str]] = ..., suggested_deposit: _Optional[str] = ..., planned_date: _Optional[str] = ..., dept_code: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., med_type: _Optional[str] = ..., dise_codg: _Optional[str] = ..., dise_name: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChangeAdmissionOrderRequest(_message.Message):
    __slots__ = ("order_id", "ward_code", "dept_code", "condition", "suggested_deposit", "planned_date", "diagnoses", "med_type", "dise_codg", "dise_name", "note", "request_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    PLANNED_DATE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    DISE_CODG_FIELD_NUMBER: _ClassVar[int]
    DISE_NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    ward_code: str
    dept_code: str
    condition: AdmissionCondition
    suggested_deposit: str
    planned_date: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    med_type: str
    dise_codg: str
    dise_name: str
    note: str
    request_id: str
    def __init__(self, order_id: _Optional[str] = ..., ward_code: _Optional[str] = ..., dept_code: _Optional[str] = ..., condition: _Optional[_Union[AdmissionCondition, str]] = ..., suggested_deposit: _Optional[str] = ..., planned_date: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., med_type: _Optional[str] = ..., dise_codg: _Optional[str] = ..., dise_name: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelAdmissionOrderRequest(_message.Message):
    __slots__ = ("order_id", "reason", "request_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    reason: str
    request_id: str
    def __init__(self, order_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetAdmissionOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class AdmissionOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: AdmissionOrder
    def __init__(self, order: _Optional[_Union[AdmissionOrder, _Mapping]] = ...) -> None: ...

class DepositInput(_message.Message):
    __slots__ = ("method", "amount", "reference")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    method: str
    amount: str
    reference: str
    def __init__(self, method: _Optional[str] = ..., amount: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class AdmitRequest(_message.Message):
    __slots__ = ("order_id", "bed_code", "deposit", "waive_rule", "request_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    BED_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    WAIVE_RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    bed_code: str
    deposit: DepositInput
    waive_rule: str
    request_id: str
    def __init__(self, order_id: _Optional[str] = ..., bed_code: _Optional[str] = ..., deposit: _Optional[_Union[DepositInput, _Mapping]] = ..., waive_rule: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class WardTransfer(_message.Message):
    __slots__ = ("seq", "from_dept", "from_ward", "from_bed", "to_dept", "to_ward", "to_bed", "at", "by", "reason")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    FROM_DEPT_FIELD_NUMBER: _ClassVar[int]
    FROM_WARD_FIELD_NUMBER: _ClassVar[int]
    FROM_BED_FIELD_NUMBER: _ClassVar[int]
    TO_DEPT_FIELD_NUMBER: _ClassVar[int]
    TO_WARD_FIELD_NUMBER: _ClassVar[int]
    TO_BED_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    seq: int
    from_dept: str
    from_ward: str
    from_bed: str
    to_dept: str
    to_ward: str
    to_bed: str
    at: _timestamp_pb2.Timestamp
    by: str
    reason: str
    def __init__(self, seq: _Optional[int] = ..., from_dept: _Optional[str] = ..., from_ward: _Optional[str] = ..., from_bed: _Optional[str] = ..., to_dept: _Optional[str] = ..., to_ward: _Optional[str] = ..., to_bed: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class StayCharge(_message.Message):
    __slots__ = ("line_no", "day", "ward_code", "item_code", "item_name", "national_code", "unit_price", "quantity", "amount", "added_at", "added_by", "upload_batch", "withdrawn_at", "withdrawn_by", "withdraw_reason")
    LINE_NO_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    ADDED_BY_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_BATCH_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_BY_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_REASON_FIELD_NUMBER: _ClassVar[int]
    line_no: int
    day: str
    ward_code: str
    item_code: str
    item_name: str
    national_code: str
    unit_price: str
    quantity: str
    amount: str
    added_at: _timestamp_pb2.Timestamp
    added_by: str
    upload_batch: str
    withdrawn_at: _timestamp_pb2.Timestamp
    withdrawn_by: str
    withdraw_reason: str
    def __init__(self, line_no: _Optional[int] = ..., day: _Optional[str] = ..., ward_code: _Optional[str] = ..., item_code: _Optional[str] = ..., item_name: _Optional[str] = ..., national_code: _Optional[str] = ..., unit_price: _Optional[str] = ..., quantity: _Optional[str] = ..., amount: _Optional[str] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., added_by: _Optional[str] = ..., upload_batch: _Optional[str] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdrawn_by: _Optional[str] = ..., withdraw_reason: _Optional[str] = ...) -> None: ...

class Deposit(_message.Message):
    __slots__ = ("id", "receipt_no", "kind", "method", "reference", "amount", "at", "operator_code", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_NO_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    receipt_no: str
    kind: str
    method: str
    reference: str
    amount: str
    at: _timestamp_pb2.Timestamp
    operator_code: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., receipt_no: _Optional[str] = ..., kind: _Optional[str] = ..., method: _Optional[str] = ..., reference: _Optional[str] = ..., amount: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., operator_code: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class StaySettlement(_message.Message):
    __slots__ = ("total", "deposited", "refund", "paid", "at", "by", "deposit_id", "setl_id", "fund_amount", "cancelled_at", "cancelled_by", "cancel_reason")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DEPOSITED_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    FUND_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_BY_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    total: str
    deposited: str
    refund: str
    paid: str
    at: _timestamp_pb2.Timestamp
    by: str
    deposit_id: str
    setl_id: str
    fund_amount: str
    cancelled_at: _timestamp_pb2.Timestamp
    cancelled_by: str
    cancel_reason: str
    def __init__(self, total: _Optional[str] = ..., deposited: _Optional[str] = ..., refund: _Optional[str] = ..., paid: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by: _Optional[str] = ..., deposit_id: _Optional[str] = ..., setl_id: _Optional[str] = ..., fund_amount: _Optional[str] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancelled_by: _Optional[str] = ..., cancel_reason: _Optional[str] = ...) -> None: ...

class SpecialAttribute(_message.Message):
    __slots__ = ("detl_id", "flag_type", "flag", "memo", "at", "by")
    DETL_ID_FIELD_NUMBER: _ClassVar[int]
    FLAG_TYPE_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    detl_id: str
    flag_type: str
    flag: str
    memo: str
    at: _timestamp_pb2.Timestamp
    by: str
    def __init__(self, detl_id: _Optional[str] = ..., flag_type: _Optional[str] = ..., flag: _Optional[str] = ..., memo: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by: _Optional[str] = ...) -> None: ...

class Stay(_message.Message):
    __slots__ = ("id", "ipt_no", "patient_id", "encounter_id", "admission_order_id", "dept_code", "ward_code", "bed_code", "state", "condition", "coverage", "diagnoses", "discharge_diagnoses", "admitted_at", "admitted_by", "discharged_at", "psn_no", "insutype", "med_type", "yb_admission_id", "deposit_waived", "transfers", "charges", "deposits", "total_charged", "total_deposited", "balance", "settlement", "cancel_reason", "past_settlements", "special_attributes", "recalls", "last_bed")
    ID_FIELD_NUMBER: _ClassVar[int]
    IPT_NO_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    ADMISSION_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    BED_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    DISCHARGE_DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    ADMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    ADMITTED_BY_FIELD_NUMBER: _ClassVar[int]
    DISCHARGED_AT_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    YB_ADMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_WAIVED_FIELD_NUMBER: _ClassVar[int]
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    DEPOSITS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CHARGED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DEPOSITED_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    PAST_SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    RECALLS_FIELD_NUMBER: _ClassVar[int]
    LAST_BED_FIELD_NUMBER: _ClassVar[int]
    id: str
    ipt_no: str
    patient_id: str
    encounter_id: str
    admission_order_id: str
    dept_code: str
    ward_code: str
    bed_code: str
    state: StayState
    condition: AdmissionCondition
    coverage: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    discharge_diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    admitted_at: _timestamp_pb2.Timestamp
    admitted_by: str
    discharged_at: _timestamp_pb2.Timestamp
    psn_no: str
    insutype: str
    med_type: str
    yb_admission_id: str
    deposit_waived: str
    transfers: _containers.RepeatedCompositeFieldContainer[WardTransfer]
    charges: _containers.RepeatedCompositeFieldContainer[StayCharge]
    deposits: _containers.RepeatedCompositeFieldContainer[Deposit]
    total_charged: str
    total_deposited: str
    balance: str
    settlement: StaySettlement
    cancel_reason: str
    past_settlements: _containers.RepeatedCompositeFieldContainer[StaySettlement]
    special_attributes: _containers.RepeatedCompositeFieldContainer[SpecialAttribute]
    recalls: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    last_bed: str
    def __init__(self, id: _Optional[str] = ..., ipt_no: _Optional[str] = ..., patient_id: _Optional[str] = ..., encounter_id: _Optional[str] = ..., admission_order_id: _Optional[str] = ..., dept_code: _Optional[str] = ..., ward_code: _Optional[str] = ..., bed_code: _Optional[str] = ..., state: _Optional[_Union[StayState, str]] = ..., condition: _Optional[_Union[AdmissionCondition, str]] = ..., coverage: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., discharge_diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., admitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., admitted_by: _Optional[str] = ..., discharged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., psn_no: _Optional[str] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., yb_admission_id: _Optional[str] = ..., deposit_waived: _Optional[str] = ..., transfers: _Optional[_Iterable[_Union[WardTransfer, _Mapping]]] = ..., charges: _Optional[_Iterable[_Union[StayCharge, _Mapping]]] = ..., deposits: _Optional[_Iterable[_Union[Deposit, _Mapping]]] = ..., total_charged: _Optional[str] = ..., total_deposited: _Optional[str] = ..., balance: _Optional[str] = ..., settlement: _Optional[_Union[StaySettlement, _Mapping]] = ..., cancel_reason: _Optional[str] = ..., past_settlements: _Optional[_Iterable[_Union[StaySettlement, _Mapping]]] = ..., special_attributes: _Optional[_Iterable[_Union[SpecialAttribute, _Mapping]]] = ..., recalls: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., last_bed: _Optional[str] = ...) -> None: ...

class StaySummary(_message.Message):
    __slots__ = ("id", "ipt_no", "state", "dept_code", "ward_code", "bed_code", "coverage", "admitted_at", "discharged_at", "total_charged", "balance")
    ID_FIELD_NUMBER: _ClassVar[int]
    IPT_NO_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    BED_CODE_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    ADMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    DISCHARGED_AT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CHARGED_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    ipt_no: str
    state: StayState
    dept_code: str
    ward_code: str
    bed_code: str
    coverage: str
    admitted_at: _timestamp_pb2.Timestamp
    discharged_at: _timestamp_pb2.Timestamp
    total_charged: str
    balance: str
    def __init__(self, id: _Optional[str] = ..., ipt_no: _Optional[str] = ..., state: _Optional[_Union[StayState, str]] = ..., dept_code: _Optional[str] = ..., ward_code: _Optional[str] = ..., bed_code: _Optional[str] = ..., coverage: _Optional[str] = ..., admitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., discharged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., total_charged: _Optional[str] = ..., balance: _Optional[str] = ...) -> None: ...

class StayResponse(_message.Message):
    __slots__ = ("stay",)
    STAY_FIELD_NUMBER: _ClassVar[int]
    stay: Stay
    def __init__(self, stay: _Optional[_Union[Stay, _Mapping]] = ...) -> None: ...

class WaitingEntry(_message.Message):
    __slots__ = ("stay_id", "patient_id", "condition", "added_at")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    patient_id: str
    condition: AdmissionCondition
    added_at: _timestamp_pb2.Timestamp
    def __init__(self, stay_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., condition: _Optional[_Union[AdmissionCondition, str]] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AdmitResponse(_message.Message):
    __slots__ = ("stay", "deposit", "waiting")
    STAY_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    stay: Stay
    deposit: Deposit
    waiting: WaitingEntry
    def __init__(self, stay: _Optional[_Union[Stay, _Mapping]] = ..., deposit: _Optional[_Union[Deposit, _Mapping]] = ..., waiting: _Optional[_Union[WaitingEntry, _Mapping]] = ...) -> None: ...

class AssignBedRequest(_message.Message):
    __slots__ = ("stay_id", "bed_code", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    BED_CODE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    bed_code: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., bed_code: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class TransferStayRequest(_message.Message):
    __slots__ = ("stay_id", "to_ward_code", "to_bed_code", "to_dept_code", "reason", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    TO_WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    TO_BED_CODE_FIELD_NUMBER: _ClassVar[int]
    TO_DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    to_ward_code: str
    to_bed_code: str
    to_dept_code: str
    reason: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., to_ward_code: _Optional[str] = ..., to_bed_code: _Optional[str] = ..., to_dept_code: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelStayRequest(_message.Message):
    __slots__ = ("stay_id", "reason", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    reason: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChargeLine(_message.Message):
    __slots__ = ("item_code", "quantity")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    quantity: str
    def __init__(self, item_code: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...

class RecordChargesRequest(_message.Message):
    __slots__ = ("stay_id", "lines", "day", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    lines: _containers.RepeatedCompositeFieldContainer[ChargeLine]
    day: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ChargeLine, _Mapping]]] = ..., day: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class TakeDepositRequest(_message.Message):
    __slots__ = ("stay_id", "deposit", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    deposit: DepositInput
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., deposit: _Optional[_Union[DepositInput, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RefundDepositRequest(_message.Message):
    __slots__ = ("stay_id", "amount", "method", "reason", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    amount: str
    method: str
    reason: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., amount: _Optional[str] = ..., method: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DepositResponse(_message.Message):
    __slots__ = ("deposit", "balance")
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    balance: str
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ..., balance: _Optional[str] = ...) -> None: ...

class WaiveDepositRequest(_message.Message):
    __slots__ = ("stay_id", "rule", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    rule: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., rule: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class OrderDischargeRequest(_message.Message):
    __slots__ = ("stay_id", "diagnoses", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class WithdrawChargesRequest(_message.Message):
    __slots__ = ("stay_id", "line_nos", "reason", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_NOS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    line_nos: _containers.RepeatedScalarFieldContainer[int]
    reason: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., line_nos: _Optional[_Iterable[int]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChangeStayDiagnosesRequest(_message.Message):
    __slots__ = ("stay_id", "diagnoses", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[AdmissionDiagnosis]
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[AdmissionDiagnosis, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecallStayRequest(_message.Message):
    __slots__ = ("stay_id", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelStaySettlementRequest(_message.Message):
    __slots__ = ("stay_id", "reason", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    reason: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSettlementSlipRequest(_message.Message):
    __slots__ = ("stay_id",)
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    def __init__(self, stay_id: _Optional[str] = ...) -> None: ...

class SettlementSlip(_message.Message):
    __slots__ = ("stay", "patient_name", "total", "deposited", "fund_amount", "refund", "paid", "days", "insured", "hospital_name")
    STAY_FIELD_NUMBER: _ClassVar[int]
    PATIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DEPOSITED_FIELD_NUMBER: _ClassVar[int]
    FUND_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    INSURED_FIELD_NUMBER: _ClassVar[int]
    HOSPITAL_NAME_FIELD_NUMBER: _ClassVar[int]
    stay: Stay
    patient_name: str
    total: str
    deposited: str
    fund_amount: str
    refund: str
    paid: str
    days: int
    insured: _common_pb2.Settlement
    hospital_name: str
    def __init__(self, stay: _Optional[_Union[Stay, _Mapping]] = ..., patient_name: _Optional[str] = ..., total: _Optional[str] = ..., deposited: _Optional[str] = ..., fund_amount: _Optional[str] = ..., refund: _Optional[str] = ..., paid: _Optional[str] = ..., days: _Optional[int] = ..., insured: _Optional[_Union[_common_pb2.Settlement, _Mapping]] = ..., hospital_name: _Optional[str] = ...) -> None: ...

class MarkSpecialAttributeRequest(_message.Message):
    __slots__ = ("stay_id", "flag_type", "flag", "memo", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    FLAG_TYPE_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    flag_type: str
    flag: str
    memo: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., flag_type: _Optional[str] = ..., flag: _Optional[str] = ..., memo: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListSpecialAttributesRequest(_message.Message):
    __slots__ = ("stay_id",)
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    def __init__(self, stay_id: _Optional[str] = ...) -> None: ...

class ListSpecialAttributesResponse(_message.Message):
    __slots__ = ("attributes",)
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attributes: _containers.RepeatedCompositeFieldContainer[SpecialAttribute]
    def __init__(self, attributes: _Optional[_Iterable[_Union[SpecialAttribute, _Mapping]]] = ...) -> None: ...

class DischargeRequest(_message.Message):
    __slots__ = ("stay_id", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class PreviewSettlementRequest(_message.Message):
    __slots__ = ("stay_id",)
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    def __init__(self, stay_id: _Optional[str] = ...) -> None: ...

class PreviewSettlementResponse(_message.Message):
    __slots__ = ("total", "deposited", "balance", "refund", "due", "fund_amount", "cash", "insured")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DEPOSITED_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    FUND_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    INSURED_FIELD_NUMBER: _ClassVar[int]
    total: str
    deposited: str
    balance: str
    refund: str
    due: str
    fund_amount: str
    cash: str
    insured: _common_pb2.Settlement
    def __init__(self, total: _Optional[str] = ..., deposited: _Optional[str] = ..., balance: _Optional[str] = ..., refund: _Optional[str] = ..., due: _Optional[str] = ..., fund_amount: _Optional[str] = ..., cash: _Optional[str] = ..., insured: _Optional[_Union[_common_pb2.Settlement, _Mapping]] = ...) -> None: ...

class SettleStayRequest(_message.Message):
    __slots__ = ("stay_id", "method", "reference", "amount", "request_id")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    method: str
    reference: str
    amount: str
    request_id: str
    def __init__(self, stay_id: _Optional[str] = ..., method: _Optional[str] = ..., reference: _Optional[str] = ..., amount: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetStayRequest(_message.Message):
    __slots__ = ("stay_id", "ipt_no")
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    IPT_NO_FIELD_NUMBER: _ClassVar[int]
    stay_id: str
    ipt_no: str
    def __init__(self, stay_id: _Optional[str] = ..., ipt_no: _Optional[str] = ...) -> None: ...

class ListStaysRequest(_message.Message):
    __slots__ = ("encounter_id", "patient_id", "ward_code")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    patient_id: str
    ward_code: str
    def __init__(self, encounter_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., ward_code: _Optional[str] = ...) -> None: ...

class ListStaysResponse(_message.Message):
    __slots__ = ("stays",)
    STAYS_FIELD_NUMBER: _ClassVar[int]
    stays: _containers.RepeatedCompositeFieldContainer[Stay]
    def __init__(self, stays: _Optional[_Iterable[_Union[Stay, _Mapping]]] = ...) -> None: ...

class GetWardRequest(_message.Message):
    __slots__ = ("ward_code",)
    WARD_CODE_FIELD_NUMBER: _ClassVar[int]
    ward_code: str
    def __init__(self, ward_code: _Optional[str] = ...) -> None: ...

class Bed(_message.Message):
    __slots__ = ("code", "state", "stay_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    state: BedState
    stay_id: str
    def __init__(self, code: _Optional[str] = ..., state: _Optional[_Union[BedState, str]] = ..., stay_id: _Optional[str] = ...) -> None: ...

class Ward(_message.Message):
    __slots__ = ("code", "name", "dept_code", "beds", "waiting")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    BEDS_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    dept_code: str
    beds: _containers.RepeatedCompositeFieldContainer[Bed]
    waiting: _containers.RepeatedCompositeFieldContainer[WaitingEntry]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., dept_code: _Optional[str] = ..., beds: _Optional[_Iterable[_Union[Bed, _Mapping]]] = ..., waiting: _Optional[_Iterable[_Union[WaitingEntry, _Mapping]]] = ...) -> None: ...

class GetWardResponse(_message.Message):
    __slots__ = ("ward",)
    WARD_FIELD_NUMBER: _ClassVar[int]
    ward: Ward
    def __init__(self, ward: _Optional[_Union[Ward, _Mapping]] = ...) -> None: ...
