import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IdentifierKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IDENTIFIER_KIND_UNSPECIFIED: _ClassVar[IdentifierKind]
    ID_CARD: _ClassVar[IdentifierKind]
    YB_ECERT: _ClassVar[IdentifierKind]
    SOCIAL_SECURITY_CARD: _ClassVar[IdentifierKind]
    VISIT_CARD: _ClassVar[IdentifierKind]
IDENTIFIER_KIND_UNSPECIFIED: IdentifierKind
ID_CARD: IdentifierKind
YB_ECERT: IdentifierKind
SOCIAL_SECURITY_CARD: IdentifierKind
VISIT_CARD: IdentifierKind

class PatientIdentifier(_message.Message):
    __slots__ = ("kind", "value")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    kind: IdentifierKind
    value: str
    def __init__(self, kind: _Optional[_Union[IdentifierKind, str]] = ..., value: _Optional[str] = ...) -> None: ...

class PatientInput(_message.Message):
    __slots__ = ("name", "gender", "birth_date", "phone", "address", "identifiers")
    NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    gender: str
    birth_date: str
    phone: str
    address: str
    identifiers: _containers.RepeatedCompositeFieldContainer[PatientIdentifier]
    def __init__(self, name: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[str] = ..., identifiers: _Optional[_Iterable[_Union[PatientIdentifier, _Mapping]]] = ...) -> None: ...

class InsuranceSnapshot(_message.Message):
    __slots__ = ("psn_no", "insutypes", "insuplc_admdvs", "read_at")
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    INSUTYPES_FIELD_NUMBER: _ClassVar[int]
    INSUPLC_ADMDVS_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    psn_no: str
    insutypes: _containers.RepeatedScalarFieldContainer[str]
    insuplc_admdvs: str
    read_at: _timestamp_pb2.Timestamp
    def __init__(self, psn_no: _Optional[str] = ..., insutypes: _Optional[_Iterable[str]] = ..., insuplc_admdvs: _Optional[str] = ..., read_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Patient(_message.Message):
    __slots__ = ("id", "name", "gender", "birth_date", "phone", "address", "identifiers", "insurance", "self_pay", "merged_into", "version", "identity_masked")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FIELD_NUMBER: _ClassVar[int]
    SELF_PAY_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_MASKED_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    gender: str
    birth_date: str
    phone: str
    address: str
    identifiers: _containers.RepeatedCompositeFieldContainer[PatientIdentifier]
    insurance: InsuranceSnapshot
    self_pay: bool
    merged_into: str
    version: int
    identity_masked: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[str] = ..., phone: _Optional[str] = ..., address: _Optional[str] = ..., identifiers: _Optional[_Iterable[_Union[PatientIdentifier, _Mapping]]] = ..., insurance: _Optional[_Union[InsuranceSnapshot, _Mapping]] = ..., self_pay: _Optional[bool] = ..., merged_into: _Optional[str] = ..., version: _Optional[int] = ..., identity_masked: _Optional[bool] = ...) -> None: ...

class PatientReply(_message.Message):
    __slots__ = ("patient",)
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    patient: Patient
    def __init__(self, patient: _Optional[_Union[Patient, _Mapping]] = ...) -> None: ...

class RegisterPatientRequest(_message.Message):
    __slots__ = ("request_id", "patient", "reveal_identity")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    patient: PatientInput
    reveal_identity: bool
    def __init__(self, request_id: _Optional[str] = ..., patient: _Optional[_Union[PatientInput, _Mapping]] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class UpdatePatientRequest(_message.Message):
    __slots__ = ("request_id", "patient_id", "patient", "update_mask", "expected_version", "reveal_identity")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    patient_id: str
    patient: PatientInput
    update_mask: _field_mask_pb2.FieldMask
    expected_version: int
    reveal_identity: bool
    def __init__(self, request_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., patient: _Optional[_Union[PatientInput, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class GetPatientRequest(_message.Message):
    __slots__ = ("patient_id", "reveal_identity")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    reveal_identity: bool
    def __init__(self, patient_id: _Optional[str] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class FindPatientsRequest(_message.Message):
    __slots__ = ("identifier", "name", "birth_date", "phone", "page_size", "page_token", "reveal_identity")
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    identifier: PatientIdentifier
    name: str
    birth_date: str
    phone: str
    page_size: int
    page_token: str
    reveal_identity: bool
    def __init__(self, identifier: _Optional[_Union[PatientIdentifier, _Mapping]] = ..., name: _Optional[str] = ..., birth_date: _Optional[str] = ..., phone: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class FindPatientsResponse(_message.Message):
    __slots__ = ("patients", "next_page_token")
    PATIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    patients: _containers.RepeatedCompositeFieldContainer[Patient]
    next_page_token: str
    def __init__(self, patients: _Optional[_Iterable[_Union[Patient, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MergePatientsRequest(_message.Message):
    __slots__ = ("request_id", "survivor_id", "merged_id", "reason", "reveal_identity")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    survivor_id: str
    merged_id: str
    reason: str
    reveal_identity: bool
    def __init__(self, request_id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., merged_id: _Optional[str] = ..., reason: _Optional[str] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class ReadInsuranceRequest(_message.Message):
    __slots__ = ("request_id", "patient_id", "mdtrt_cert_type", "mdtrt_cert_no", "card_sn", "psn_name", "reveal_identity")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    CARD_SN_FIELD_NUMBER: _ClassVar[int]
    PSN_NAME_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    patient_id: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    card_sn: str
    psn_name: str
    reveal_identity: bool
    def __init__(self, request_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., mdtrt_cert_type: _Optional[str] = ..., mdtrt_cert_no: _Optional[str] = ..., card_sn: _Optional[str] = ..., psn_name: _Optional[str] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class GetPatientHistoryRequest(_message.Message):
    __slots__ = ("patient_id", "reveal_identity")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    reveal_identity: bool
    def __init__(self, patient_id: _Optional[str] = ..., reveal_identity: _Optional[bool] = ...) -> None: ...

class PatientRevision(_message.Message):
    __slots__ = ("version", "at", "operator_code", "action", "detail", "changed", "patient")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    version: int
    at: _timestamp_pb2.Timestamp
    operator_code: str
    action: str
    detail: str
    changed: _containers.RepeatedScalarFieldContainer[str]
    patient: Patient
    def __init__(self, version: _Optional[int] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., operator_code: _Optional[str] = ..., action: _Optional[str] = ..., detail: _Optional[str] = ..., changed: _Optional[_Iterable[str]] = ..., patient: _Optional[_Union[Patient, _Mapping]] = ...) -> None: ...

class GetPatientHistoryResponse(_message.Message):
    __slots__ = ("revisions",)
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    revisions: _containers.RepeatedCompositeFieldContainer[PatientRevision]
    def __init__(self, revisions: _Optional[_Iterable[_Union[PatientRevision, _Mapping]]] = ...) -> None: ...
