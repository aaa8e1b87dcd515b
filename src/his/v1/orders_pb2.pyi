import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from his.v1 import registration_pb2 as _registration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExamMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXAM_METHOD_UNSPECIFIED: _ClassVar[ExamMethod]
    EXAM_METHOD_PLAIN: _ClassVar[ExamMethod]
    EXAM_METHOD_CONTRAST: _ClassVar[ExamMethod]
    EXAM_METHOD_PLAIN_AND_CONTRAST: _ClassVar[ExamMethod]

class ExamPartState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXAM_PART_STATE_UNSPECIFIED: _ClassVar[ExamPartState]
    EXAM_PART_STATE_REQUESTED: _ClassVar[ExamPartState]
    EXAM_PART_STATE_SCHEDULED: _ClassVar[ExamPartState]
    EXAM_PART_STATE_PERFORMED: _ClassVar[ExamPartState]
    EXAM_PART_STATE_REPORTED: _ClassVar[ExamPartState]
    EXAM_PART_STATE_CANCELLED: _ClassVar[ExamPartState]

class ExamUrgency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXAM_URGENCY_UNSPECIFIED: _ClassVar[ExamUrgency]
    EXAM_URGENCY_ROUTINE: _ClassVar[ExamUrgency]
    EXAM_URGENCY_URGENT: _ClassVar[ExamUrgency]
EXAM_METHOD_UNSPECIFIED: ExamMethod
EXAM_METHOD_PLAIN: ExamMethod
EXAM_METHOD_CONTRAST: ExamMethod
EXAM_METHOD_PLAIN_AND_CONTRAST: ExamMethod
EXAM_PART_STATE_UNSPECIFIED: ExamPartState
EXAM_PART_STATE_REQUESTED: ExamPartState
EXAM_PART_STATE_SCHEDULED: ExamPartState
EXAM_PART_STATE_PERFORMED: ExamPartState
EXAM_PART_STATE_REPORTED: ExamPartState
EXAM_PART_STATE_CANCELLED: ExamPartState
EXAM_URGENCY_UNSPECIFIED: ExamUrgency
EXAM_URGENCY_ROUTINE: ExamUrgency
EXAM_URGENCY_URGENT: ExamUrgency

class ExamTableItem(_message.Message):
    __slots__ = ("item_code", "item_name", "national_code", "unit_price")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    NATIONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    item_name: str
    national_code: str
    unit_price: str
    def __init__(self, item_code: _Optional[str] = ..., item_name: _Optional[str] = ..., national_code: _Optional[str] = ..., unit_price: _Optional[str] = ...) -> None: ...

class ExamTablePart(_message.Message):
    __slots__ = ("part_code", "part_name", "method", "items")
    PART_CODE_FIELD_NUMBER: _ClassVar[int]
    PART_NAME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    part_code: str
    part_name: str
    method: ExamMethod
    items: _containers.RepeatedCompositeFieldContainer[ExamTableItem]
    def __init__(self, part_code: _Optional[str] = ..., part_name: _Optional[str] = ..., method: _Optional[_Union[ExamMethod, str]] = ..., items: _Optional[_Iterable[_Union[ExamTableItem, _Mapping]]] = ...) -> None: ...

class ExamTable(_message.Message):
    __slots__ = ("exam_type", "name", "version", "parts", "additional_percent", "additional_item", "contrast_item", "once_per_request")
    EXAM_TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_PERCENT_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_ITEM_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_ITEM_FIELD_NUMBER: _ClassVar[int]
    ONCE_PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    exam_type: str
    name: str
    version: int
    parts: _containers.RepeatedCompositeFieldContainer[ExamTablePart]
    additional_percent: str
    additional_item: ExamTableItem
    contrast_item: ExamTableItem
    once_per_request: _containers.RepeatedCompositeFieldContainer[ExamTableItem]
    def __init__(self, exam_type: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[int] = ..., parts: _Optional[_Iterable[_Union[ExamTablePart, _Mapping]]] = ..., additional_percent: _Optional[str] = ..., additional_item: _Optional[_Union[ExamTableItem, _Mapping]] = ..., contrast_item: _Optional[_Union[ExamTableItem, _Mapping]] = ..., once_per_request: _Optional[_Iterable[_Union[ExamTableItem, _Mapping]]] = ...) -> None: ...

class ContrastAnswers(_message.Message):
    __slots__ = ("allergy_history", "previous_reaction", "consent_signed")
    ALLERGY_HISTORY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_REACTION_FIELD_NUMBER: _ClassVar[int]
    CONSENT_SIGNED_FIELD_NUMBER: _ClassVar[int]
    allergy_history: bool
    previous_reaction: bool
    consent_signed: bool
    def __init__(self, allergy_history: _Optional[bool] = ..., previous_reaction: _Optional[bool] = ..., consent_signed: _Optional[bool] = ...) -> None: ...

class ExamPart(_message.Message):
    __slots__ = ("no", "part_code", "part_name", "method", "state", "scheduled_for", "performed_at", "reported_at", "report_text", "amount")
    NO_FIELD_NUMBER: _ClassVar[int]
    PART_CODE_FIELD_NUMBER: _ClassVar[int]
    PART_NAME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_FIELD_NUMBER: _ClassVar[int]
    PERFORMED_AT_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    REPORT_TEXT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    no: int
    part_code: str
    part_name: str
    method: ExamMethod
    state: ExamPartState
    scheduled_for: _timestamp_pb2.Timestamp
    performed_at: _timestamp_pb2.Timestamp
    reported_at: _timestamp_pb2.Timestamp
    report_text: str
    amount: str
    def __init__(self, no: _Optional[int] = ..., part_code: _Optional[str] = ..., part_name: _Optional[str] = ..., method: _Optional[_Union[ExamMethod, str]] = ..., state: _Optional[_Union[ExamPartState, str]] = ..., scheduled_for: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., performed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., report_text: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class ExamRequest(_message.Message):
    __slots__ = ("id", "encounter_id", "exam_type", "exam_name", "parts", "clinical_summary", "purpose", "diagnosis_code", "diagnosis_name", "urgency", "requested_by", "requested_at", "contrast", "table_version", "charges", "total", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    EXAM_TYPE_FIELD_NUMBER: _ClassVar[int]
    EXAM_NAME_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CLINICAL_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_NAME_FIELD_NUMBER: _ClassVar[int]
    URGENCY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_FIELD_NUMBER: _ClassVar[int]
    TABLE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    encounter_id: str
    exam_type: str
    exam_name: str
    parts: _containers.RepeatedCompositeFieldContainer[ExamPart]
    clinical_summary: str
    purpose: str
    diagnosis_code: str
    diagnosis_name: str
    urgency: ExamUrgency
    requested_by: str
    requested_at: _timestamp_pb2.Timestamp
    contrast: ContrastAnswers
    table_version: int
    charges: _containers.RepeatedCompositeFieldContainer[_registration_pb2.Charge]
    total: str
    version: int
    def __init__(self, id: _Optional[str] = ..., encounter_id: _Optional[str] = ..., exam_type: _Optional[str] = ..., exam_name: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[ExamPart, _Mapping]]] = ..., clinical_summary: _Optional[str] = ..., purpose: _Optional[str] = ..., diagnosis_code: _Optional[str] = ..., diagnosis_name: _Optional[str] = ..., urgency: _Optional[_Union[ExamUrgency, str]] = ..., requested_by: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contrast: _Optional[_Union[ContrastAnswers, _Mapping]] = ..., table_version: _Optional[int] = ..., charges: _Optional[_Iterable[_Union[_registration_pb2.Charge, _Mapping]]] = ..., total: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListExamTablesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListExamTablesResponse(_message.Message):
    __slots__ = ("tables",)
    TABLES_FIELD_NUMBER: _ClassVar[int]
    tables: _containers.RepeatedCompositeFieldContainer[ExamTable]
    def __init__(self, tables: _Optional[_Iterable[_Union[ExamTable, _Mapping]]] = ...) -> None: ...

class RequestedPart(_message.Message):
    __slots__ = ("part_code", "method")
    PART_CODE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    part_code: str
    method: ExamMethod
    def __init__(self, part_code: _Optional[str] = ..., method: _Optional[_Union[ExamMethod, str]] = ...) -> None: ...

class RequestExamRequest(_message.Message):
    __slots__ = ("encounter_id", "exam_type", "parts", "clinical_summary", "purpose", "diagnosis_code", "diagnosis_name", "urgency", "contrast", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    EXAM_TYPE_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CLINICAL_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_NAME_FIELD_NUMBER: _ClassVar[int]
    URGENCY_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    exam_type: str
    parts: _containers.RepeatedCompositeFieldContainer[RequestedPart]
    clinical_summary: str
    purpose: str
    diagnosis_code: str
    diagnosis_name: str
    urgency: ExamUrgency
    contrast: ContrastAnswers
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., exam_type: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[RequestedPart, _Mapping]]] = ..., clinical_summary: _Optional[str] = ..., purpose: _Optional[str] = ..., diagnosis_code: _Optional[str] = ..., diagnosis_name: _Optional[str] = ..., urgency: _Optional[_Union[ExamUrgency, str]] = ..., contrast: _Optional[_Union[ContrastAnswers, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RequestExamResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class GetExamRequestRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class GetExamRequestResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class ListExamRequestsRequest(_message.Message):
    __slots__ = ("encounter_id",)
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    def __init__(self, encounter_id: _Optional[str] = ...) -> None: ...

class ListExamRequestsResponse(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[ExamRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[ExamRequest, _Mapping]]] = ...) -> None: ...

class CancelExamPartsRequest(_message.Message):
    __slots__ = ("exam_request_id", "part_nos", "reason", "request_id")
    EXAM_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PART_NOS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    exam_request_id: str
    part_nos: _containers.RepeatedScalarFieldContainer[int]
    reason: str
    request_id: str
    def __init__(self, exam_request_id: _Optional[str] = ..., part_nos: _Optional[_Iterable[int]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelExamPartsResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class ScheduleExamPartRequest(_message.Message):
    __slots__ = ("exam_request_id", "part_no", "scheduled_for", "request_id")
    EXAM_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PART_NO_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    exam_request_id: str
    part_no: int
    scheduled_for: _timestamp_pb2.Timestamp
    request_id: str
    def __init__(self, exam_request_id: _Optional[str] = ..., part_no: _Optional[int] = ..., scheduled_for: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ScheduleExamPartResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class RecordExamPerformedRequest(_message.Message):
    __slots__ = ("exam_request_id", "part_no", "request_id")
    EXAM_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PART_NO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    exam_request_id: str
    part_no: int
    request_id: str
    def __init__(self, exam_request_id: _Optional[str] = ..., part_no: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordExamPerformedResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class RecordExamReportRequest(_message.Message):
    __slots__ = ("exam_request_id", "part_no", "report_text", "request_id")
    EXAM_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PART_NO_FIELD_NUMBER: _ClassVar[int]
    REPORT_TEXT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    exam_request_id: str
    part_no: int
    report_text: str
    request_id: str
    def __init__(self, exam_request_id: _Optional[str] = ..., part_no: _Optional[int] = ..., report_text: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordExamReportResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExamRequest
    def __init__(self, request: _Optional[_Union[ExamRequest, _Mapping]] = ...) -> None: ...

class PrintExamRequestRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class PrintExamRequestResponse(_message.Message):
    __slots__ = ("pdf", "content_type", "file_name")
    PDF_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    pdf: bytes
    content_type: str
    file_name: str
    def __init__(self, pdf: _Optional[bytes] = ..., content_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class OrderedItem(_message.Message):
    __slots__ = ("item_code", "quantity")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    quantity: str
    def __init__(self, item_code: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...

class OrderChargeItemsRequest(_message.Message):
    __slots__ = ("encounter_id", "items", "order_id", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    items: _containers.RepeatedCompositeFieldContainer[OrderedItem]
    order_id: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[OrderedItem, _Mapping]]] = ..., order_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class OrderChargeItemsResponse(_message.Message):
    __slots__ = ("order_id", "charges", "total")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    charges: _containers.RepeatedCompositeFieldContainer[_registration_pb2.Charge]
    total: str
    def __init__(self, order_id: _Optional[str] = ..., charges: _Optional[_Iterable[_Union[_registration_pb2.Charge, _Mapping]]] = ..., total: _Optional[str] = ...) -> None: ...

class CancelChargeItemOrderRequest(_message.Message):
    __slots__ = ("encounter_id", "order_id", "request_id")
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    encounter_id: str
    order_id: str
    request_id: str
    def __init__(self, encounter_id: _Optional[str] = ..., order_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelChargeItemOrderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
