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

class ClearingKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLEARING_KIND_UNSPECIFIED: _ClassVar[ClearingKind]
    CLEARING_KIND_SUMMARY: _ClassVar[ClearingKind]
    CLEARING_KIND_DETAIL: _ClassVar[ClearingKind]
    CLEARING_KIND_REMOTE: _ClassVar[ClearingKind]

class ClearingApplicationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLEARING_APPLICATION_STATE_UNSPECIFIED: _ClassVar[ClearingApplicationState]
    CLEARING_APPLICATION_STATE_APPLYING: _ClassVar[ClearingApplicationState]
    CLEARING_APPLICATION_STATE_APPLIED: _ClassVar[ClearingApplicationState]
    CLEARING_APPLICATION_STATE_REFUSED: _ClassVar[ClearingApplicationState]
    CLEARING_APPLICATION_STATE_REVOKED: _ClassVar[ClearingApplicationState]
CLEARING_KIND_UNSPECIFIED: ClearingKind
CLEARING_KIND_SUMMARY: ClearingKind
CLEARING_KIND_DETAIL: ClearingKind
CLEARING_KIND_REMOTE: ClearingKind
CLEARING_APPLICATION_STATE_UNSPECIFIED: ClearingApplicationState
CLEARING_APPLICATION_STATE_APPLYING: ClearingApplicationState
CLEARING_APPLICATION_STATE_APPLIED: ClearingApplicationState
CLEARING_APPLICATION_STATE_REFUSED: ClearingApplicationState
CLEARING_APPLICATION_STATE_REVOKED: ClearingApplicationState

class ClearingPeriodRequest(_message.Message):
    __slots__ = ("kind", "clr_type", "clr_way", "clr_optins", "month", "first_day", "last_day", "request_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_WAY_FIELD_NUMBER: _ClassVar[int]
    CLR_OPTINS_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    kind: ClearingKind
    clr_type: str
    clr_way: str
    clr_optins: str
    month: str
    first_day: str
    last_day: str
    request_id: str
    def __init__(self, kind: _Optional[_Union[ClearingKind, str]] = ..., clr_type: _Optional[str] = ..., clr_way: _Optional[str] = ..., clr_optins: _Optional[str] = ..., month: _Optional[str] = ..., first_day: _Optional[str] = ..., last_day: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ClearingFigures(_message.Message):
    __slots__ = ("medfee_sumamt", "med_sumfee", "fund_appy_sum", "cash_payamt", "acct_pay", "psntime", "settlements", "refunds")
    MEDFEE_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    MED_SUMFEE_FIELD_NUMBER: _ClassVar[int]
    FUND_APPY_SUM_FIELD_NUMBER: _ClassVar[int]
    CASH_PAYAMT_FIELD_NUMBER: _ClassVar[int]
    ACCT_PAY_FIELD_NUMBER: _ClassVar[int]
    PSNTIME_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    medfee_sumamt: str
    med_sumfee: str
    fund_appy_sum: str
    cash_payamt: str
    acct_pay: str
    psntime: int
    settlements: int
    refunds: int
    def __init__(self, medfee_sumamt: _Optional[str] = ..., med_sumfee: _Optional[str] = ..., fund_appy_sum: _Optional[str] = ..., cash_payamt: _Optional[str] = ..., acct_pay: _Optional[str] = ..., psntime: _Optional[int] = ..., settlements: _Optional[int] = ..., refunds: _Optional[int] = ...) -> None: ...

class PreviewClearingResponse(_message.Message):
    __slots__ = ("kind", "clr_type", "clr_optins", "first_day", "last_day", "figures", "blockers", "standing")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_OPTINS_FIELD_NUMBER: _ClassVar[int]
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    BLOCKERS_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    kind: ClearingKind
    clr_type: str
    clr_optins: str
    first_day: str
    last_day: str
    figures: ClearingFigures
    blockers: _containers.RepeatedScalarFieldContainer[str]
    standing: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[_Union[ClearingKind, str]] = ..., clr_type: _Optional[str] = ..., clr_optins: _Optional[str] = ..., first_day: _Optional[str] = ..., last_day: _Optional[str] = ..., figures: _Optional[_Union[ClearingFigures, _Mapping]] = ..., blockers: _Optional[_Iterable[str]] = ..., standing: _Optional[_Iterable[str]] = ...) -> None: ...

class ClearingApplication(_message.Message):
    __slots__ = ("id", "kind", "state", "clr_type", "clr_way", "clr_optins", "first_day", "last_day", "figures", "clr_appy_evt_id", "operator_code", "created_at", "applied_at", "error", "in_doubt", "revoked_at", "revoked_by", "revoke_reason", "note", "infno")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_WAY_FIELD_NUMBER: _ClassVar[int]
    CLR_OPTINS_FIELD_NUMBER: _ClassVar[int]
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    CLR_APPY_EVT_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    IN_DOUBT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_BY_FIELD_NUMBER: _ClassVar[int]
    REVOKE_REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    INFNO_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: ClearingKind
    state: ClearingApplicationState
    clr_type: str
    clr_way: str
    clr_optins: str
    first_day: str
    last_day: str
    figures: ClearingFigures
    clr_appy_evt_id: str
    operator_code: str
    created_at: _timestamp_pb2.Timestamp
    applied_at: _timestamp_pb2.Timestamp
    error: str
    in_doubt: str
    revoked_at: _timestamp_pb2.Timestamp
    revoked_by: str
    revoke_reason: str
    note: str
    infno: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[ClearingKind, str]] = ..., state: _Optional[_Union[ClearingApplicationState, str]] = ..., clr_type: _Optional[str] = ..., clr_way: _Optional[str] = ..., clr_optins: _Optional[str] = ..., first_day: _Optional[str] = ..., last_day: _Optional[str] = ..., figures: _Optional[_Union[ClearingFigures, _Mapping]] = ..., clr_appy_evt_id: _Optional[str] = ..., operator_code: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., applied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ..., in_doubt: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_by: _Optional[str] = ..., revoke_reason: _Optional[str] = ..., note: _Optional[str] = ..., infno: _Optional[str] = ...) -> None: ...

class ClearingApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: ClearingApplication
    def __init__(self, application: _Optional[_Union[ClearingApplication, _Mapping]] = ...) -> None: ...

class RevokeClearingRequest(_message.Message):
    __slots__ = ("application_id", "reason", "request_id")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    reason: str
    request_id: str
    def __init__(self, application_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetClearingApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class ListClearingApplicationsRequest(_message.Message):
    __slots__ = ("state", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: ClearingApplicationState
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[ClearingApplicationState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClearingApplicationsResponse(_message.Message):
    __slots__ = ("applications", "next_page_token")
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[ClearingApplication]
    next_page_token: str
    def __init__(self, applications: _Optional[_Iterable[_Union[ClearingApplication, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
