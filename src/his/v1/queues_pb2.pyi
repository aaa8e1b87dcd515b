from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueueState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUEUE_STATE_UNSPECIFIED: _ClassVar[QueueState]
    QUEUE_STATE_WAITING: _ClassVar[QueueState]
    QUEUE_STATE_CALLED: _ClassVar[QueueState]
    QUEUE_STATE_IN_CONSULTATION: _ClassVar[QueueState]
    QUEUE_STATE_FINISHED: _ClassVar[QueueState]
    QUEUE_STATE_NO_SHOW: _ClassVar[QueueState]
    QUEUE_STATE_TRANSFERRED: _ClassVar[QueueState]
    QUEUE_STATE_WITHDRAWN: _ClassVar[QueueState]
QUEUE_STATE_UNSPECIFIED: QueueState
QUEUE_STATE_WAITING: QueueState
QUEUE_STATE_CALLED: QueueState
QUEUE_STATE_IN_CONSULTATION: QueueState
QUEUE_STATE_FINISHED: QueueState
QUEUE_STATE_NO_SHOW: QueueState
QUEUE_STATE_TRANSFERRED: QueueState
QUEUE_STATE_WITHDRAWN: QueueState

class GetQueueRequest(_message.Message):
    __slots__ = ("clinic_code", "doctor_code", "day")
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    clinic_code: str
    doctor_code: str
    day: str
    def __init__(self, clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., day: _Optional[str] = ...) -> None: ...

class CallNextRequest(_message.Message):
    __slots__ = ("clinic_code", "doctor_code", "day", "request_id")
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    clinic_code: str
    doctor_code: str
    day: str
    request_id: str
    def __init__(self, clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., day: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class QueueEntryRequest(_message.Message):
    __slots__ = ("entry_id", "request_id")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    request_id: str
    def __init__(self, entry_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class QueueEntry(_message.Message):
    __slots__ = ("id", "clinic_code", "doctor_code", "day", "number", "patient_label", "state", "emergency", "elderly", "returning_with_results", "priority_rank", "recalls", "skips", "called_by", "encounter_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PATIENT_LABEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EMERGENCY_FIELD_NUMBER: _ClassVar[int]
    ELDERLY_FIELD_NUMBER: _ClassVar[int]
    RETURNING_WITH_RESULTS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_RANK_FIELD_NUMBER: _ClassVar[int]
    RECALLS_FIELD_NUMBER: _ClassVar[int]
    SKIPS_FIELD_NUMBER: _ClassVar[int]
    CALLED_BY_FIELD_NUMBER: _ClassVar[int]
    ENCOUNTER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    clinic_code: str
    doctor_code: str
    day: str
    number: int
    patient_label: str
    state: QueueState
    emergency: bool
    elderly: bool
    returning_with_results: bool
    priority_rank: int
    recalls: int
    skips: int
    called_by: str
    encounter_id: str
    def __init__(self, id: _Optional[str] = ..., clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., day: _Optional[str] = ..., number: _Optional[int] = ..., patient_label: _Optional[str] = ..., state: _Optional[_Union[QueueState, str]] = ..., emergency: _Optional[bool] = ..., elderly: _Optional[bool] = ..., returning_with_results: _Optional[bool] = ..., priority_rank: _Optional[int] = ..., recalls: _Optional[int] = ..., skips: _Optional[int] = ..., called_by: _Optional[str] = ..., encounter_id: _Optional[str] = ...) -> None: ...

class QueueEntryReply(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: QueueEntry
    def __init__(self, entry: _Optional[_Union[QueueEntry, _Mapping]] = ...) -> None: ...

class QueueSnapshot(_message.Message):
    __slots__ = ("clinic_code", "doctor_code", "day", "seq", "entries")
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    clinic_code: str
    doctor_code: str
    day: str
    seq: int
    entries: _containers.RepeatedCompositeFieldContainer[QueueEntry]
    def __init__(self, clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., day: _Optional[str] = ..., seq: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[QueueEntry, _Mapping]]] = ...) -> None: ...

class QueueEvent(_message.Message):
    __slots__ = ("seq", "kind", "entry_id", "doctor_code", "number", "patient_label", "state", "called_by", "recalls", "priority_rank", "at")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PATIENT_LABEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CALLED_BY_FIELD_NUMBER: _ClassVar[int]
    RECALLS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_RANK_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    seq: int
    kind: str
    entry_id: str
    doctor_code: str
    number: int
    patient_label: str
    state: QueueState
    called_by: str
    recalls: int
    priority_rank: int
    at: str
    def __init__(self, seq: _Optional[int] = ..., kind: _Optional[str] = ..., entry_id: _Optional[str] = ..., doctor_code: _Optional[str] = ..., number: _Optional[int] = ..., patient_label: _Optional[str] = ..., state: _Optional[_Union[QueueState, str]] = ..., called_by: _Optional[str] = ..., recalls: _Optional[int] = ..., priority_rank: _Optional[int] = ..., at: _Optional[str] = ...) -> None: ...

class WatchQueueRequest(_message.Message):
    __slots__ = ("clinic_code", "doctor_code", "day", "resume_token")
    CLINIC_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clinic_code: str
    doctor_code: str
    day: str
    resume_token: str
    def __init__(self, clinic_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., day: _Optional[str] = ..., resume_token: _Optional[str] = ...) -> None: ...

class WatchQueueResponse(_message.Message):
    __slots__ = ("snapshot", "event", "resume_token")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    snapshot: QueueSnapshot
    event: QueueEvent
    resume_token: str
    def __init__(self, snapshot: _Optional[_Union[QueueSnapshot, _Mapping]] = ..., event: _Optional[_Union[QueueEvent, _Mapping]] = ..., resume_token: _Optional[str] = ...) -> None: ...
