import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReconciliationRunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONCILIATION_RUN_STATE_UNSPECIFIED: _ClassVar[ReconciliationRunState]
    RECONCILIATION_RUN_STATE_RUNNING: _ClassVar[ReconciliationRunState]
    RECONCILIATION_RUN_STATE_BALANCED: _ClassVar[ReconciliationRunState]
    RECONCILIATION_RUN_STATE_UNBALANCED: _ClassVar[ReconciliationRunState]
    RECONCILIATION_RUN_STATE_FAILED: _ClassVar[ReconciliationRunState]

class OneSidedEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ONE_SIDED_ENTRY_KIND_UNSPECIFIED: _ClassVar[OneSidedEntryKind]
    ONE_SIDED_ENTRY_KIND_PLATFORM_ONLY: _ClassVar[OneSidedEntryKind]
    ONE_SIDED_ENTRY_KIND_HIS_ONLY: _ClassVar[OneSidedEntryKind]
    ONE_SIDED_ENTRY_KIND_AMOUNTS_DIFFER: _ClassVar[OneSidedEntryKind]
    ONE_SIDED_ENTRY_KIND_UNSETTLED: _ClassVar[OneSidedEntryKind]
    ONE_SIDED_ENTRY_KIND_ARITHMETIC: _ClassVar[OneSidedEntryKind]

class OneSidedEntryState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ONE_SIDED_ENTRY_STATE_UNSPECIFIED: _ClassVar[OneSidedEntryState]
    ONE_SIDED_ENTRY_STATE_OPEN: _ClassVar[OneSidedEntryState]
    ONE_SIDED_ENTRY_STATE_RESOLVED: _ClassVar[OneSidedEntryState]

class OneSidedAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ONE_SIDED_ACTION_UNSPECIFIED: _ClassVar[OneSidedAction]
    ONE_SIDED_ACTION_REVERSE: _ClassVar[OneSidedAction]
    ONE_SIDED_ACTION_RECORD: _ClassVar[OneSidedAction]
    ONE_SIDED_ACTION_RESETTLE: _ClassVar[OneSidedAction]
    ONE_SIDED_ACTION_CONFIRM: _ClassVar[OneSidedAction]
RECONCILIATION_RUN_STATE_UNSPECIFIED: ReconciliationRunState
RECONCILIATION_RUN_STATE_RUNNING: ReconciliationRunState
RECONCILIATION_RUN_STATE_BALANCED: ReconciliationRunState
RECONCILIATION_RUN_STATE_UNBALANCED: ReconciliationRunState
RECONCILIATION_RUN_STATE_FAILED: ReconciliationRunState
ONE_SIDED_ENTRY_KIND_UNSPECIFIED: OneSidedEntryKind
ONE_SIDED_ENTRY_KIND_PLATFORM_ONLY: OneSidedEntryKind
ONE_SIDED_ENTRY_KIND_HIS_ONLY: OneSidedEntryKind
ONE_SIDED_ENTRY_KIND_AMOUNTS_DIFFER: OneSidedEntryKind
ONE_SIDED_ENTRY_KIND_UNSETTLED: OneSidedEntryKind
ONE_SIDED_ENTRY_KIND_ARITHMETIC: OneSidedEntryKind
ONE_SIDED_ENTRY_STATE_UNSPECIFIED: OneSidedEntryState
ONE_SIDED_ENTRY_STATE_OPEN: OneSidedEntryState
ONE_SIDED_ENTRY_STATE_RESOLVED: OneSidedEntryState
ONE_SIDED_ACTION_UNSPECIFIED: OneSidedAction
ONE_SIDED_ACTION_REVERSE: OneSidedAction
ONE_SIDED_ACTION_RECORD: OneSidedAction
ONE_SIDED_ACTION_RESETTLE: OneSidedAction
ONE_SIDED_ACTION_CONFIRM: OneSidedAction

class ReconciliationAmounts(_message.Message):
    __slots__ = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")
    MEDFEE_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    FUND_PAY_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    ACCT_PAY_FIELD_NUMBER: _ClassVar[int]
    PSN_CASH_PAY_FIELD_NUMBER: _ClassVar[int]
    medfee_sumamt: str
    fund_pay_sumamt: str
    acct_pay: str
    psn_cash_pay: str
    def __init__(self, medfee_sumamt: _Optional[str] = ..., fund_pay_sumamt: _Optional[str] = ..., acct_pay: _Optional[str] = ..., psn_cash_pay: _Optional[str] = ...) -> None: ...

class ReconciliationTotalLine(_message.Message):
    __slots__ = ("insutype", "clr_type", "setl_optins", "ours", "ours_count", "stmt_rslt", "stmt_rslt_dscr", "balanced", "error")
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    SETL_OPTINS_FIELD_NUMBER: _ClassVar[int]
    OURS_FIELD_NUMBER: _ClassVar[int]
    OURS_COUNT_FIELD_NUMBER: _ClassVar[int]
    STMT_RSLT_FIELD_NUMBER: _ClassVar[int]
    STMT_RSLT_DSCR_FIELD_NUMBER: _ClassVar[int]
    BALANCED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    insutype: str
    clr_type: str
    setl_optins: str
    ours: ReconciliationAmounts
    ours_count: int
    stmt_rslt: str
    stmt_rslt_dscr: str
    balanced: bool
    error: str
    def __init__(self, insutype: _Optional[str] = ..., clr_type: _Optional[str] = ..., setl_optins: _Optional[str] = ..., ours: _Optional[_Union[ReconciliationAmounts, _Mapping]] = ..., ours_count: _Optional[int] = ..., stmt_rslt: _Optional[str] = ..., stmt_rslt_dscr: _Optional[str] = ..., balanced: _Optional[bool] = ..., error: _Optional[str] = ...) -> None: ...

class ReconciliationRun(_message.Message):
    __slots__ = ("id", "first_day", "last_day", "scheduled", "state", "operator_code", "started_at", "finished_at", "lines", "entries_found", "details_compared", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FOUND_FIELD_NUMBER: _ClassVar[int]
    DETAILS_COMPARED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    first_day: str
    last_day: str
    scheduled: bool
    state: ReconciliationRunState
    operator_code: str
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    lines: _containers.RepeatedCompositeFieldContainer[ReconciliationTotalLine]
    entries_found: int
    details_compared: _containers.RepeatedScalarFieldContainer[str]
    error: str
    def __init__(self, id: _Optional[str] = ..., first_day: _Optional[str] = ..., last_day: _Optional[str] = ..., scheduled: _Optional[bool] = ..., state: _Optional[_Union[ReconciliationRunState, str]] = ..., operator_code: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lines: _Optional[_Iterable[_Union[ReconciliationTotalLine, _Mapping]]] = ..., entries_found: _Optional[int] = ..., details_compared: _Optional[_Iterable[str]] = ..., error: _Optional[str] = ...) -> None: ...

class OneSidedEntry(_message.Message):
    __slots__ = ("id", "kind", "setl_id", "mdtrt_id", "psn_no", "msgid", "setl_time", "insutype", "clr_type", "clr_optins", "record_kind", "record_id", "ours", "theirs", "memo", "sources", "state", "actions", "action", "reason", "resolved_by", "resolved_at", "outcome", "first_run_id", "last_run_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    MSGID_FIELD_NUMBER: _ClassVar[int]
    SETL_TIME_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_OPTINS_FIELD_NUMBER: _ClassVar[int]
    RECORD_KIND_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    OURS_FIELD_NUMBER: _ClassVar[int]
    THEIRS_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: OneSidedEntryKind
    setl_id: str
    mdtrt_id: str
    psn_no: str
    msgid: str
    setl_time: _timestamp_pb2.Timestamp
    insutype: str
    clr_type: str
    clr_optins: str
    record_kind: str
    record_id: str
    ours: ReconciliationAmounts
    theirs: ReconciliationAmounts
    memo: str
    sources: _containers.RepeatedScalarFieldContainer[str]
    state: OneSidedEntryState
    actions: _containers.RepeatedScalarFieldContainer[OneSidedAction]
    action: OneSidedAction
    reason: str
    resolved_by: str
    resolved_at: _timestamp_pb2.Timestamp
    outcome: str
    first_run_id: str
    last_run_id: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[OneSidedEntryKind, str]] = ..., setl_id: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., psn_no: _Optional[str] = ..., msgid: _Optional[str] = ..., setl_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., insutype: _Optional[str] = ..., clr_type: _Optional[str] = ..., clr_optins: _Optional[str] = ..., record_kind: _Optional[str] = ..., record_id: _Optional[str] = ..., ours: _Optional[_Union[ReconciliationAmounts, _Mapping]] = ..., theirs: _Optional[_Union[ReconciliationAmounts, _Mapping]] = ..., memo: _Optional[str] = ..., sources: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[OneSidedEntryState, str]] = ..., actions: _Optional[_Iterable[_Union[OneSidedAction, str]]] = ..., action: _Optional[_Union[OneSidedAction, str]] = ..., reason: _Optional[str] = ..., resolved_by: _Optional[str] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ..., first_run_id: _Optional[str] = ..., last_run_id: _Optional[str] = ...) -> None: ...

class RunReconciliationRequest(_message.Message):
    __slots__ = ("first_day", "last_day", "request_id")
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    first_day: str
    last_day: str
    request_id: str
    def __init__(self, first_day: _Optional[str] = ..., last_day: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetReconciliationRunRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class ReconciliationRunResponse(_message.Message):
    __slots__ = ("run", "entries")
    RUN_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    run: ReconciliationRun
    entries: _containers.RepeatedCompositeFieldContainer[OneSidedEntry]
    def __init__(self, run: _Optional[_Union[ReconciliationRun, _Mapping]] = ..., entries: _Optional[_Iterable[_Union[OneSidedEntry, _Mapping]]] = ...) -> None: ...

class ListReconciliationRunsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReconciliationRunsResponse(_message.Message):
    __slots__ = ("runs", "next_page_token")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[ReconciliationRun]
    next_page_token: str
    def __init__(self, runs: _Optional[_Iterable[_Union[ReconciliationRun, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListOneSidedEntriesRequest(_message.Message):
    __slots__ = ("state", "include_resolved", "kind", "run_id", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: OneSidedEntryState
    include_resolved: bool
    kind: OneSidedEntryKind
    run_id: str
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[OneSidedEntryState, str]] = ..., include_resolved: _Optional[bool] = ..., kind: _Optional[_Union[OneSidedEntryKind, str]] = ..., run_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOneSidedEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[OneSidedEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[OneSidedEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResolveOneSidedEntryRequest(_message.Message):
    __slots__ = ("entry_id", "action", "reason", "request_id")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    action: OneSidedAction
    reason: str
    request_id: str
    def __init__(self, entry_id: _Optional[str] = ..., action: _Optional[_Union[OneSidedAction, str]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class OneSidedEntryResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: OneSidedEntry
    def __init__(self, entry: _Optional[_Union[OneSidedEntry, _Mapping]] = ...) -> None: ...
