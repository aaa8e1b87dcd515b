import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SettlementListState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_LIST_STATE_UNSPECIFIED: _ClassVar[SettlementListState]
    SETTLEMENT_LIST_STATE_DRAFT: _ClassVar[SettlementListState]
    SETTLEMENT_LIST_STATE_READY: _ClassVar[SettlementListState]
    SETTLEMENT_LIST_STATE_UPLOADING: _ClassVar[SettlementListState]
    SETTLEMENT_LIST_STATE_UPLOADED: _ClassVar[SettlementListState]
    SETTLEMENT_LIST_STATE_VOID: _ClassVar[SettlementListState]
SETTLEMENT_LIST_STATE_UNSPECIFIED: SettlementListState
SETTLEMENT_LIST_STATE_DRAFT: SettlementListState
SETTLEMENT_LIST_STATE_READY: SettlementListState
SETTLEMENT_LIST_STATE_UPLOADING: SettlementListState
SETTLEMENT_LIST_STATE_UPLOADED: SettlementListState
SETTLEMENT_LIST_STATE_VOID: SettlementListState

class SettlementListGap(_message.Message):
    __slots__ = ("path", "label")
    PATH_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    path: str
    label: str
    def __init__(self, path: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class SettlementListValue(_message.Message):
    __slots__ = ("path", "label", "value", "locked")
    PATH_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    path: str
    label: str
    value: str
    locked: bool
    def __init__(self, path: _Optional[str] = ..., label: _Optional[str] = ..., value: _Optional[str] = ..., locked: _Optional[bool] = ...) -> None: ...

class SettlementListFundLine(_message.Message):
    __slots__ = ("fund_pay_type", "name", "amount")
    FUND_PAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    fund_pay_type: str
    name: str
    amount: str
    def __init__(self, fund_pay_type: _Optional[str] = ..., name: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class SettlementListChange(_message.Message):
    __slots__ = ("path", "old_value", "new_value", "at", "by", "request_id")
    PATH_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    path: str
    old_value: str
    new_value: str
    at: _timestamp_pb2.Timestamp
    by: str
    request_id: str
    def __init__(self, path: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SettlementList(_message.Message):
    __slots__ = ("id", "stay_id", "ipt_no", "patient_id", "psn_no", "mdtrt_id", "setl_id", "settled_at", "deadline", "overdue", "state", "gaps", "values", "fund_lines", "changes", "setl_list_id", "uploaded_at", "last_error", "in_doubt", "void_reason", "previous_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    IPT_NO_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    FUND_LINES_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    SETL_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    IN_DOUBT_FIELD_NUMBER: _ClassVar[int]
    VOID_REASON_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    stay_id: str
    ipt_no: str
    patient_id: str
    psn_no: str
    mdtrt_id: str
    setl_id: str
    settled_at: _timestamp_pb2.Timestamp
    deadline: str
    overdue: bool
    state: SettlementListState
    gaps: _containers.RepeatedCompositeFieldContainer[SettlementListGap]
    values: _containers.RepeatedCompositeFieldContainer[SettlementListValue]
    fund_lines: _containers.RepeatedCompositeFieldContainer[SettlementListFundLine]
    changes: _containers.RepeatedCompositeFieldContainer[SettlementListChange]
    setl_list_id: str
    uploaded_at: _timestamp_pb2.Timestamp
    last_error: str
    in_doubt: bool
    void_reason: str
    previous_id: str
    def __init__(self, id: _Optional[str] = ..., stay_id: _Optional[str] = ..., ipt_no: _Optional[str] = ..., patient_id: _Optional[str] = ..., psn_no: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., setl_id: _Optional[str] = ..., settled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline: _Optional[str] = ..., overdue: _Optional[bool] = ..., state: _Optional[_Union[SettlementListState, str]] = ..., gaps: _Optional[_Iterable[_Union[SettlementListGap, _Mapping]]] = ..., values: _Optional[_Iterable[_Union[SettlementListValue, _Mapping]]] = ..., fund_lines: _Optional[_Iterable[_Union[SettlementListFundLine, _Mapping]]] = ..., changes: _Optional[_Iterable[_Union[SettlementListChange, _Mapping]]] = ..., setl_list_id: _Optional[str] = ..., uploaded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_error: _Optional[str] = ..., in_doubt: _Optional[bool] = ..., void_reason: _Optional[str] = ..., previous_id: _Optional[str] = ...) -> None: ...

class ListSettlementListsRequest(_message.Message):
    __slots__ = ("states", "due_before", "limit")
    STATES_FIELD_NUMBER: _ClassVar[int]
    DUE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[SettlementListState]
    due_before: str
    limit: int
    def __init__(self, states: _Optional[_Iterable[_Union[SettlementListState, str]]] = ..., due_before: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListSettlementListsResponse(_message.Message):
    __slots__ = ("lists",)
    LISTS_FIELD_NUMBER: _ClassVar[int]
    lists: _containers.RepeatedCompositeFieldContainer[SettlementList]
    def __init__(self, lists: _Optional[_Iterable[_Union[SettlementList, _Mapping]]] = ...) -> None: ...

class GetSettlementListRequest(_message.Message):
    __slots__ = ("list_id",)
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    def __init__(self, list_id: _Optional[str] = ...) -> None: ...

class SettlementListResponse(_message.Message):
    __slots__ = ("list",)
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: SettlementList
    def __init__(self, list: _Optional[_Union[SettlementList, _Mapping]] = ...) -> None: ...

class FillSettlementListRequest(_message.Message):
    __slots__ = ("list_id", "values", "request_id")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    values: _containers.ScalarMap[str, str]
    request_id: str
    def __init__(self, list_id: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadSettlementListRequest(_message.Message):
    __slots__ = ("list_id", "request_id")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    request_id: str
    def __init__(self, list_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ResolveSettlementListUploadRequest(_message.Message):
    __slots__ = ("list_id", "uploaded", "setl_list_id", "reason", "request_id")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_FIELD_NUMBER: _ClassVar[int]
    SETL_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    uploaded: bool
    setl_list_id: str
    reason: str
    request_id: str
    def __init__(self, list_id: _Optional[str] = ..., uploaded: _Optional[bool] = ..., setl_list_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class BuildSettlementListsRequest(_message.Message):
    __slots__ = ("since", "until", "stay_id", "request_id")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    STAY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    since: str
    until: str
    stay_id: str
    request_id: str
    def __init__(self, since: _Optional[str] = ..., until: _Optional[str] = ..., stay_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class BuildSettlementListsResponse(_message.Message):
    __slots__ = ("built", "voided_ids", "skipped")
    BUILT_FIELD_NUMBER: _ClassVar[int]
    VOIDED_IDS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    built: _containers.RepeatedCompositeFieldContainer[SettlementList]
    voided_ids: _containers.RepeatedScalarFieldContainer[str]
    skipped: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, built: _Optional[_Iterable[_Union[SettlementList, _Mapping]]] = ..., voided_ids: _Optional[_Iterable[str]] = ..., skipped: _Optional[_Iterable[str]] = ...) -> None: ...
