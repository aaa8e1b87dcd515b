from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TransactionInfo(_message.Message):
    __slots__ = ("code", "name", "group", "call_mode", "reversible", "gateway", "file_based", "applicable", "replaced_by", "fields_source", "in_hubei_list", "description", "unconfirmed", "invocable")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    CALL_MODE_FIELD_NUMBER: _ClassVar[int]
    REVERSIBLE_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    FILE_BASED_FIELD_NUMBER: _ClassVar[int]
    APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    REPLACED_BY_FIELD_NUMBER: _ClassVar[int]
    FIELDS_SOURCE_FIELD_NUMBER: _ClassVar[int]
    IN_HUBEI_LIST_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UNCONFIRMED_FIELD_NUMBER: _ClassVar[int]
    INVOCABLE_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    group: str
    call_mode: str
    reversible: bool
    gateway: str
    file_based: bool
    applicable: bool
    replaced_by: str
    fields_source: str
    in_hubei_list: bool
    description: str
    unconfirmed: bool
    invocable: bool
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., group: _Optional[str] = ..., call_mode: _Optional[str] = ..., reversible: _Optional[bool] = ..., gateway: _Optional[str] = ..., file_based: _Optional[bool] = ..., applicable: _Optional[bool] = ..., replaced_by: _Optional[str] = ..., fields_source: _Optional[str] = ..., in_hubei_list: _Optional[bool] = ..., description: _Optional[str] = ..., unconfirmed: _Optional[bool] = ..., invocable: _Optional[bool] = ...) -> None: ...

class ListTransactionsRequest(_message.Message):
    __slots__ = ("group", "code_prefix", "gateway")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    CODE_PREFIX_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    group: str
    code_prefix: str
    gateway: str
    def __init__(self, group: _Optional[str] = ..., code_prefix: _Optional[str] = ..., gateway: _Optional[str] = ...) -> None: ...

class ListTransactionsResponse(_message.Message):
    __slots__ = ("transactions",)
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedCompositeFieldContainer[TransactionInfo]
    def __init__(self, transactions: _Optional[_Iterable[_Union[TransactionInfo, _Mapping]]] = ...) -> None: ...

class DescribeTransactionRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class DescribeTransactionResponse(_message.Message):
    __slots__ = ("transaction", "input", "output", "dictionaries")
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    DICTIONARIES_FIELD_NUMBER: _ClassVar[int]
    transaction: TransactionInfo
    input: _containers.RepeatedCompositeFieldContainer[TransactionNode]
    output: _containers.RepeatedCompositeFieldContainer[TransactionNode]
    dictionaries: _containers.RepeatedCompositeFieldContainer[CodeDictionary]
    def __init__(self, transaction: _Optional[_Union[TransactionInfo, _Mapping]] = ..., input: _Optional[_Iterable[_Union[TransactionNode, _Mapping]]] = ..., output: _Optional[_Iterable[_Union[TransactionNode, _Mapping]]] = ..., dictionaries: _Optional[_Iterable[_Union[CodeDictionary, _Mapping]]] = ...) -> None: ...

class TransactionNode(_message.Message):
    __slots__ = ("name", "kind", "open", "fields", "unconfirmed", "note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    UNCONFIRMED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    open: bool
    fields: _containers.RepeatedCompositeFieldContainer[TransactionField]
    unconfirmed: bool
    note: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., open: _Optional[bool] = ..., fields: _Optional[_Iterable[_Union[TransactionField, _Mapping]]] = ..., unconfirmed: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class TransactionField(_message.Message):
    __slots__ = ("name", "label", "type", "required", "length", "precision", "scale", "dictionary", "unconfirmed", "items")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    PRECISION_FIELD_NUMBER: _ClassVar[int]
    SCALE_FIELD_NUMBER: _ClassVar[int]
    DICTIONARY_FIELD_NUMBER: _ClassVar[int]
    UNCONFIRMED_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    type: str
    required: bool
    length: int
    precision: int
    scale: int
    dictionary: str
    unconfirmed: bool
    items: _containers.RepeatedCompositeFieldContainer[TransactionField]
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., type: _Optional[str] = ..., required: _Optional[bool] = ..., length: _Optional[int] = ..., precision: _Optional[int] = ..., scale: _Optional[int] = ..., dictionary: _Optional[str] = ..., unconfirmed: _Optional[bool] = ..., items: _Optional[_Iterable[_Union[TransactionField, _Mapping]]] = ...) -> None: ...

class CodeDictionary(_message.Message):
    __slots__ = ("name", "label", "closed", "codes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    closed: bool
    codes: _containers.RepeatedCompositeFieldContainer[DictionaryCode]
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., closed: _Optional[bool] = ..., codes: _Optional[_Iterable[_Union[DictionaryCode, _Mapping]]] = ...) -> None: ...

class DictionaryCode(_message.Message):
    __slots__ = ("code", "label")
    CODE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    code: str
    label: str
    def __init__(self, code: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class InvokeRequest(_message.Message):
    __slots__ = ("code", "input_json", "input", "psn_no", "mdtrt_id", "insuplc_admdvs", "request_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    INPUT_JSON_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    INSUPLC_ADMDVS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    input_json: str
    input: _struct_pb2.Struct
    psn_no: str
    mdtrt_id: str
    insuplc_admdvs: str
    request_id: str
    def __init__(self, code: _Optional[str] = ..., input_json: _Optional[str] = ..., input: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., psn_no: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., insuplc_admdvs: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class InvokeResponse(_message.Message):
    __slots__ = ("output_json", "output", "msgid", "journal_id", "platform_message", "discrepancies", "warnings")
    OUTPUT_JSON_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    MSGID_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCIES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    output_json: str
    output: _struct_pb2.Struct
    msgid: str
    journal_id: int
    platform_message: str
    discrepancies: _containers.RepeatedScalarFieldContainer[str]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, output_json: _Optional[str] = ..., output: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., msgid: _Optional[str] = ..., journal_id: _Optional[int] = ..., platform_message: _Optional[str] = ..., discrepancies: _Optional[_Iterable[str]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
