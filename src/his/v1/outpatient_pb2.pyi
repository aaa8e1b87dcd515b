import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from his.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReadInsuredPersonRequest(_message.Message):
    __slots__ = ("mdtrt_cert_type", "mdtrt_cert_no", "card_sn", "psn_name")
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    CARD_SN_FIELD_NUMBER: _ClassVar[int]
    PSN_NAME_FIELD_NUMBER: _ClassVar[int]
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    card_sn: str
    psn_name: str
    def __init__(self, mdtrt_cert_type: _Optional[str] = ..., mdtrt_cert_no: _Optional[str] = ..., card_sn: _Optional[str] = ..., psn_name: _Optional[str] = ...) -> None: ...

class ReadInsuredPersonResponse(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: _common_pb2.InsuredPerson
    def __init__(self, person: _Optional[_Union[_common_pb2.InsuredPerson, _Mapping]] = ...) -> None: ...

class RegisterVisitRequest(_message.Message):
    __slots__ = ("psn_no", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no", "dept_code", "dept_name", "caty", "atddr_no", "dr_name", "ipt_otp_no", "begntime", "insuplc_admdvs", "request_id")
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPT_NAME_FIELD_NUMBER: _ClassVar[int]
    CATY_FIELD_NUMBER: _ClassVar[int]
    ATDDR_NO_FIELD_NUMBER: _ClassVar[int]
    DR_NAME_FIELD_NUMBER: _ClassVar[int]
    IPT_OTP_NO_FIELD_NUMBER: _ClassVar[int]
    BEGNTIME_FIELD_NUMBER: _ClassVar[int]
    INSUPLC_ADMDVS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    psn_no: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    dept_code: str
    dept_name: str
    caty: str
    atddr_no: str
    dr_name: str
    ipt_otp_no: str
    begntime: _timestamp_pb2.Timestamp
    insuplc_admdvs: str
    request_id: str
    def __init__(self, psn_no: _Optional[str] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., mdtrt_cert_type: _Optional[str] = ..., mdtrt_cert_no: _Optional[str] = ..., dept_code: _Optional[str] = ..., dept_name: _Optional[str] = ..., caty: _Optional[str] = ..., atddr_no: _Optional[str] = ..., dr_name: _Optional[str] = ..., ipt_otp_no: _Optional[str] = ..., begntime: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., insuplc_admdvs: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RegisterVisitResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ...) -> None: ...

class UploadVisitInfoRequest(_message.Message):
    __slots__ = ("visit_id", "main_cond_dscr", "diagnoses", "dise_codg", "dise_name", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    MAIN_COND_DSCR_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    DISE_CODG_FIELD_NUMBER: _ClassVar[int]
    DISE_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    main_cond_dscr: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnosis]
    dise_codg: str
    dise_name: str
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., main_cond_dscr: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[_common_pb2.Diagnosis, _Mapping]]] = ..., dise_codg: _Optional[str] = ..., dise_name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadVisitInfoResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ...) -> None: ...

class FeeItemInput(_message.Message):
    __slots__ = ("feedetl_sn", "chrg_bchno", "med_list_codg", "medins_list_codg", "medins_list_name", "det_item_fee_sumamt", "cnt", "pric", "fee_ocur_time", "bilg_dept_codg", "bilg_dept_name", "bilg_dr_codg", "bilg_dr_name", "rx_circ_flag", "hosp_appr_flag")
    FEEDETL_SN_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    MED_LIST_CODG_FIELD_NUMBER: _ClassVar[int]
    MEDINS_LIST_CODG_FIELD_NUMBER: _ClassVar[int]
    MEDINS_LIST_NAME_FIELD_NUMBER: _ClassVar[int]
    DET_ITEM_FEE_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    CNT_FIELD_NUMBER: _ClassVar[int]
    PRIC_FIELD_NUMBER: _ClassVar[int]
    FEE_OCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    BILG_DEPT_CODG_FIELD_NUMBER: _ClassVar[int]
    BILG_DEPT_NAME_FIELD_NUMBER: _ClassVar[int]
    BILG_DR_CODG_FIELD_NUMBER: _ClassVar[int]
    BILG_DR_NAME_FIELD_NUMBER: _ClassVar[int]
    RX_CIRC_FLAG_FIELD_NUMBER: _ClassVar[int]
    HOSP_APPR_FLAG_FIELD_NUMBER: _ClassVar[int]
    feedetl_sn: str
    chrg_bchno: str
    med_list_codg: str
    medins_list_codg: str
    medins_list_name: str
    det_item_fee_sumamt: str
    cnt: str
    pric: str
    fee_ocur_time: _timestamp_pb2.Timestamp
    bilg_dept_codg: str
    bilg_dept_name: str
    bilg_dr_codg: str
    bilg_dr_name: str
    rx_circ_flag: str
    hosp_appr_flag: str
    def __init__(self, feedetl_sn: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., med_list_codg: _Optional[str] = ..., medins_list_codg: _Optional[str] = ..., medins_list_name: _Optional[str] = ..., det_item_fee_sumamt: _Optional[str] = ..., cnt: _Optional[str] = ..., pric: _Optional[str] = ..., fee_ocur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., bilg_dept_codg: _Optional[str] = ..., bilg_dept_name: _Optional[str] = ..., bilg_dr_codg: _Optional[str] = ..., bilg_dr_name: _Optional[str] = ..., rx_circ_flag: _Optional[str] = ..., hosp_appr_flag: _Optional[str] = ...) -> None: ...

class UploadFeesRequest(_message.Message):
    __slots__ = ("visit_id", "fees", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    fees: _containers.RepeatedCompositeFieldContainer[FeeItemInput]
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., fees: _Optional[_Iterable[_Union[FeeItemInput, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadFeesResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ...) -> None: ...

class CancelFeesRequest(_message.Message):
    __slots__ = ("visit_id", "chrg_bchno", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    chrg_bchno: str
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelFeesResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ...) -> None: ...

class PreSettleVisitRequest(_message.Message):
    __slots__ = ("visit_id", "chrg_bchno", "use_personal_account", "psn_setlway")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    USE_PERSONAL_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    PSN_SETLWAY_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    chrg_bchno: str
    use_personal_account: bool
    psn_setlway: str
    def __init__(self, visit_id: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., use_personal_account: _Optional[bool] = ..., psn_setlway: _Optional[str] = ...) -> None: ...

class PreSettleVisitResponse(_message.Message):
    __slots__ = ("settlement",)
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    settlement: _common_pb2.Settlement
    def __init__(self, settlement: _Optional[_Union[_common_pb2.Settlement, _Mapping]] = ...) -> None: ...

class SettleVisitRequest(_message.Message):
    __slots__ = ("visit_id", "chrg_bchno", "use_personal_account", "psn_setlway", "invono", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    USE_PERSONAL_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    PSN_SETLWAY_FIELD_NUMBER: _ClassVar[int]
    INVONO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    chrg_bchno: str
    use_personal_account: bool
    psn_setlway: str
    invono: str
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., use_personal_account: _Optional[bool] = ..., psn_setlway: _Optional[str] = ..., invono: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SettleVisitResponse(_message.Message):
    __slots__ = ("visit", "settlement")
    VISIT_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    settlement: _common_pb2.Settlement
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ..., settlement: _Optional[_Union[_common_pb2.Settlement, _Mapping]] = ...) -> None: ...

class CancelSettlementRequest(_message.Message):
    __slots__ = ("visit_id", "setl_id", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    setl_id: str
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., setl_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelSettlementResponse(_message.Message):
    __slots__ = ("visit", "settlement")
    VISIT_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    settlement: _common_pb2.Settlement
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ..., settlement: _Optional[_Union[_common_pb2.Settlement, _Mapping]] = ...) -> None: ...

class CancelRegistrationRequest(_message.Message):
    __slots__ = ("visit_id", "request_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    request_id: str
    def __init__(self, visit_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelRegistrationResponse(_message.Message):
    __slots__ = ("visit",)
    VISIT_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ...) -> None: ...

class PrintSettlementSlipRequest(_message.Message):
    __slots__ = ("visit_id", "setl_id")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    setl_id: str
    def __init__(self, visit_id: _Optional[str] = ..., setl_id: _Optional[str] = ...) -> None: ...

class GetVisitRequest(_message.Message):
    __slots__ = ("visit_id", "include_journal")
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_JOURNAL_FIELD_NUMBER: _ClassVar[int]
    visit_id: str
    include_journal: bool
    def __init__(self, visit_id: _Optional[str] = ..., include_journal: _Optional[bool] = ...) -> None: ...

class GetVisitResponse(_message.Message):
    __slots__ = ("visit", "journal_entries")
    VISIT_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    visit: _common_pb2.Visit
    journal_entries: _containers.RepeatedCompositeFieldContainer[_common_pb2.JournalEntry]
    def __init__(self, visit: _Optional[_Union[_common_pb2.Visit, _Mapping]] = ..., journal_entries: _Optional[_Iterable[_Union[_common_pb2.JournalEntry, _Mapping]]] = ...) -> None: ...

class ListVisitsRequest(_message.Message):
    __slots__ = ("psn_no", "page_size", "page_token", "begntime_from", "begntime_before", "dept_code", "states")
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BEGNTIME_FROM_FIELD_NUMBER: _ClassVar[int]
    BEGNTIME_BEFORE_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    psn_no: str
    page_size: int
    page_token: str
    begntime_from: _timestamp_pb2.Timestamp
    begntime_before: _timestamp_pb2.Timestamp
    dept_code: str
    states: _containers.RepeatedScalarFieldContainer[_common_pb2.VisitState]
    def __init__(self, psn_no: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., begntime_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., begntime_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dept_code: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_common_pb2.VisitState, str]]] = ...) -> None: ...

class ListVisitsResponse(_message.Message):
    __slots__ = ("visits", "next_page_token")
    VISITS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    visits: _containers.RepeatedCompositeFieldContainer[_common_pb2.Visit]
    next_page_token: str
    def __init__(self, visits: _Optional[_Iterable[_Union[_common_pb2.Visit, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
