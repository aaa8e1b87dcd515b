from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SearchDiagnosesRequest(_message.Message):
    __slots__ = ("query", "kinds", "limit")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    query: str
    kinds: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    def __init__(self, query: _Optional[str] = ..., kinds: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ...) -> None: ...

class DiagnosisHit(_message.Message):
    __slots__ = ("code", "name", "kind")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    kind: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class SearchDiagnosesResponse(_message.Message):
    __slots__ = ("diagnoses",)
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    diagnoses: _containers.RepeatedCompositeFieldContainer[DiagnosisHit]
    def __init__(self, diagnoses: _Optional[_Iterable[_Union[DiagnosisHit, _Mapping]]] = ...) -> None: ...
