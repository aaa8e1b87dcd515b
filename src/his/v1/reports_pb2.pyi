import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SettlementStanding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_STANDING_UNSPECIFIED: _ClassVar[SettlementStanding]
    SETTLEMENT_STANDING_SETTLED: _ClassVar[SettlementStanding]
    SETTLEMENT_STANDING_CANCELLED: _ClassVar[SettlementStanding]
    SETTLEMENT_STANDING_CANCELLATION: _ClassVar[SettlementStanding]
    SETTLEMENT_STANDING_REVERSED: _ClassVar[SettlementStanding]

class ReportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_KIND_UNSPECIFIED: _ClassVar[ReportKind]
    REPORT_KIND_SUMMARY: _ClassVar[ReportKind]
    REPORT_KIND_DETAIL: _ClassVar[ReportKind]

class ReportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_FORMAT_UNSPECIFIED: _ClassVar[ReportFormat]
    REPORT_FORMAT_XLSX: _ClassVar[ReportFormat]
    REPORT_FORMAT_CSV: _ClassVar[ReportFormat]
SETTLEMENT_STANDING_UNSPECIFIED: SettlementStanding
SETTLEMENT_STANDING_SETTLED: SettlementStanding
SETTLEMENT_STANDING_CANCELLED: SettlementStanding
SETTLEMENT_STANDING_CANCELLATION: SettlementStanding
SETTLEMENT_STANDING_REVERSED: SettlementStanding
REPORT_KIND_UNSPECIFIED: ReportKind
REPORT_KIND_SUMMARY: ReportKind
REPORT_KIND_DETAIL: ReportKind
REPORT_FORMAT_UNSPECIFIED: ReportFormat
REPORT_FORMAT_XLSX: ReportFormat
REPORT_FORMAT_CSV: ReportFormat

class ReportFilter(_message.Message):
    __slots__ = ("day", "month", "start", "end", "insutype", "med_type", "clr_type", "clr_way", "place", "dept_code", "doctor_code", "service")
    DAY_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_WAY_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DOCTOR_CODE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    day: str
    month: str
    start: str
    end: str
    insutype: str
    med_type: str
    clr_type: str
    clr_way: str
    place: str
    dept_code: str
    doctor_code: str
    service: str
    def __init__(self, day: _Optional[str] = ..., month: _Optional[str] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., clr_type: _Optional[str] = ..., clr_way: _Optional[str] = ..., place: _Optional[str] = ..., dept_code: _Optional[str] = ..., doctor_code: _Optional[str] = ..., service: _Optional[str] = ...) -> None: ...

class GetSummaryRequest(_message.Message):
    __slots__ = ("filter", "group_by")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    filter: ReportFilter
    group_by: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, filter: _Optional[_Union[ReportFilter, _Mapping]] = ..., group_by: _Optional[_Iterable[str]] = ...) -> None: ...

class FundAmounts(_message.Message):
    __slots__ = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "hifob_pay", "cvlserv_pay", "maf_pay", "oth_pay", "acct_pay", "acct_mulaid_pay", "psn_cash_pay", "hosp_part_amt")
    MEDFEE_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    FUND_PAY_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    HIFP_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFMI_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFOB_PAY_FIELD_NUMBER: _ClassVar[int]
    CVLSERV_PAY_FIELD_NUMBER: _ClassVar[int]
    MAF_PAY_FIELD_NUMBER: _ClassVar[int]
    OTH_PAY_FIELD_NUMBER: _ClassVar[int]
    ACCT_PAY_FIELD_NUMBER: _ClassVar[int]
    ACCT_MULAID_PAY_FIELD_NUMBER: _ClassVar[int]
    PSN_CASH_PAY_FIELD_NUMBER: _ClassVar[int]
    HOSP_PART_AMT_FIELD_NUMBER: _ClassVar[int]
    medfee_sumamt: str
    fund_pay_sumamt: str
    hifp_pay: str
    hifmi_pay: str
    hifob_pay: str
    cvlserv_pay: str
    maf_pay: str
    oth_pay: str
    acct_pay: str
    acct_mulaid_pay: str
    psn_cash_pay: str
    hosp_part_amt: str
    def __init__(self, medfee_sumamt: _Optional[str] = ..., fund_pay_sumamt: _Optional[str] = ..., hifp_pay: _Optional[str] = ..., hifmi_pay: _Optional[str] = ..., hifob_pay: _Optional[str] = ..., cvlserv_pay: _Optional[str] = ..., maf_pay: _Optional[str] = ..., oth_pay: _Optional[str] = ..., acct_pay: _Optional[str] = ..., acct_mulaid_pay: _Optional[str] = ..., psn_cash_pay: _Optional[str] = ..., hosp_part_amt: _Optional[str] = ...) -> None: ...

class GroupKey(_message.Message):
    __slots__ = ("dimension", "code", "name")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    code: str
    name: str
    def __init__(self, dimension: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class SummaryRow(_message.Message):
    __slots__ = ("keys", "standing", "count", "amounts")
    KEYS_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[GroupKey]
    standing: SettlementStanding
    count: int
    amounts: FundAmounts
    def __init__(self, keys: _Optional[_Iterable[_Union[GroupKey, _Mapping]]] = ..., standing: _Optional[_Union[SettlementStanding, str]] = ..., count: _Optional[int] = ..., amounts: _Optional[_Union[FundAmounts, _Mapping]] = ...) -> None: ...

class SummaryTotal(_message.Message):
    __slots__ = ("label", "count", "amounts")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    label: str
    count: int
    amounts: FundAmounts
    def __init__(self, label: _Optional[str] = ..., count: _Optional[int] = ..., amounts: _Optional[_Union[FundAmounts, _Mapping]] = ...) -> None: ...

class GetSummaryResponse(_message.Message):
    __slots__ = ("title", "rows", "totals", "generated_at")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    title: str
    rows: _containers.RepeatedCompositeFieldContainer[SummaryRow]
    totals: _containers.RepeatedCompositeFieldContainer[SummaryTotal]
    generated_at: _timestamp_pb2.Timestamp
    def __init__(self, title: _Optional[str] = ..., rows: _Optional[_Iterable[_Union[SummaryRow, _Mapping]]] = ..., totals: _Optional[_Iterable[_Union[SummaryTotal, _Mapping]]] = ..., generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportReportRequest(_message.Message):
    __slots__ = ("filter", "group_by", "kind", "format")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    filter: ReportFilter
    group_by: _containers.RepeatedScalarFieldContainer[str]
    kind: ReportKind
    format: ReportFormat
    def __init__(self, filter: _Optional[_Union[ReportFilter, _Mapping]] = ..., group_by: _Optional[_Iterable[str]] = ..., kind: _Optional[_Union[ReportKind, str]] = ..., format: _Optional[_Union[ReportFormat, str]] = ...) -> None: ...

class ReportChunk(_message.Message):
    __slots__ = ("data", "file_name", "content_type")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    file_name: str
    content_type: str
    def __init__(self, data: _Optional[bytes] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...
