import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VisitState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VISIT_STATE_UNSPECIFIED: _ClassVar[VisitState]
    VISIT_STATE_REGISTERED: _ClassVar[VisitState]
    VISIT_STATE_SETTLING: _ClassVar[VisitState]
    VISIT_STATE_SETTLED: _ClassVar[VisitState]
    VISIT_STATE_CANCELLED: _ClassVar[VisitState]
    VISIT_STATE_REGISTERING: _ClassVar[VisitState]

class FeeState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEE_STATE_UNSPECIFIED: _ClassVar[FeeState]
    FEE_STATE_UPLOADED: _ClassVar[FeeState]
    FEE_STATE_CANCELLED: _ClassVar[FeeState]
    FEE_STATE_SETTLED: _ClassVar[FeeState]

class SettlementState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_STATE_UNSPECIFIED: _ClassVar[SettlementState]
    SETTLEMENT_STATE_ACTIVE: _ClassVar[SettlementState]
    SETTLEMENT_STATE_CANCELLED: _ClassVar[SettlementState]
    SETTLEMENT_STATE_REVERSED: _ClassVar[SettlementState]

class JournalState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOURNAL_STATE_UNSPECIFIED: _ClassVar[JournalState]
    JOURNAL_STATE_PENDING: _ClassVar[JournalState]
    JOURNAL_STATE_OK: _ClassVar[JournalState]
    JOURNAL_STATE_FAILED: _ClassVar[JournalState]
    JOURNAL_STATE_UNCERTAIN: _ClassVar[JournalState]
    JOURNAL_STATE_REVERSED: _ClassVar[JournalState]
    JOURNAL_STATE_CONFIRMED: _ClassVar[JournalState]
VISIT_STATE_UNSPECIFIED: VisitState
VISIT_STATE_REGISTERED: VisitState
VISIT_STATE_SETTLING: VisitState
VISIT_STATE_SETTLED: VisitState
VISIT_STATE_CANCELLED: VisitState
VISIT_STATE_REGISTERING: VisitState
FEE_STATE_UNSPECIFIED: FeeState
FEE_STATE_UPLOADED: FeeState
FEE_STATE_CANCELLED: FeeState
FEE_STATE_SETTLED: FeeState
SETTLEMENT_STATE_UNSPECIFIED: SettlementState
SETTLEMENT_STATE_ACTIVE: SettlementState
SETTLEMENT_STATE_CANCELLED: SettlementState
SETTLEMENT_STATE_REVERSED: SettlementState
JOURNAL_STATE_UNSPECIFIED: JournalState
JOURNAL_STATE_PENDING: JournalState
JOURNAL_STATE_OK: JournalState
JOURNAL_STATE_FAILED: JournalState
JOURNAL_STATE_UNCERTAIN: JournalState
JOURNAL_STATE_REVERSED: JournalState
JOURNAL_STATE_CONFIRMED: JournalState

class InsuredPerson(_message.Message):
    __slots__ = ("psn_no", "psn_name", "psn_cert_type", "certno", "gend", "brdy", "age", "naty", "insurances")
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    PSN_NAME_FIELD_NUMBER: _ClassVar[int]
    PSN_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CERTNO_FIELD_NUMBER: _ClassVar[int]
    GEND_FIELD_NUMBER: _ClassVar[int]
    BRDY_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    NATY_FIELD_NUMBER: _ClassVar[int]
    INSURANCES_FIELD_NUMBER: _ClassVar[int]
    psn_no: str
    psn_name: str
    psn_cert_type: str
    certno: str
    gend: str
    brdy: str
    age: str
    naty: str
    insurances: _containers.RepeatedCompositeFieldContainer[Insurance]
    def __init__(self, psn_no: _Optional[str] = ..., psn_name: _Optional[str] = ..., psn_cert_type: _Optional[str] = ..., certno: _Optional[str] = ..., gend: _Optional[str] = ..., brdy: _Optional[str] = ..., age: _Optional[str] = ..., naty: _Optional[str] = ..., insurances: _Optional[_Iterable[_Union[Insurance, _Mapping]]] = ...) -> None: ...

class Insurance(_message.Message):
    __slots__ = ("insutype", "balc", "psn_type", "insuplc_admdvs", "psn_insu_stas", "cvlserv_flag", "emp_name")
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    BALC_FIELD_NUMBER: _ClassVar[int]
    PSN_TYPE_FIELD_NUMBER: _ClassVar[int]
    INSUPLC_ADMDVS_FIELD_NUMBER: _ClassVar[int]
    PSN_INSU_STAS_FIELD_NUMBER: _ClassVar[int]
    CVLSERV_FLAG_FIELD_NUMBER: _ClassVar[int]
    EMP_NAME_FIELD_NUMBER: _ClassVar[int]
    insutype: str
    balc: str
    psn_type: str
    insuplc_admdvs: str
    psn_insu_stas: str
    cvlserv_flag: str
    emp_name: str
    def __init__(self, insutype: _Optional[str] = ..., balc: _Optional[str] = ..., psn_type: _Optional[str] = ..., insuplc_admdvs: _Optional[str] = ..., psn_insu_stas: _Optional[str] = ..., cvlserv_flag: _Optional[str] = ..., emp_name: _Optional[str] = ...) -> None: ...

class Visit(_message.Message):
    __slots__ = ("id", "mdtrt_id", "psn_no", "psn_name", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no", "ipt_otp_no", "begntime", "dept_code", "dept_name", "caty", "atddr_no", "dr_name", "insuplc_admdvs", "state", "settling_batch", "diagnoses", "fees", "settlements", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    PSN_NAME_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MDTRT_CERT_NO_FIELD_NUMBER: _ClassVar[int]
    IPT_OTP_NO_FIELD_NUMBER: _ClassVar[int]
    BEGNTIME_FIELD_NUMBER: _ClassVar[int]
    DEPT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPT_NAME_FIELD_NUMBER: _ClassVar[int]
    CATY_FIELD_NUMBER: _ClassVar[int]
    ATDDR_NO_FIELD_NUMBER: _ClassVar[int]
    DR_NAME_FIELD_NUMBER: _ClassVar[int]
    INSUPLC_ADMDVS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SETTLING_BATCH_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    mdtrt_id: str
    psn_no: str
    psn_name: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    ipt_otp_no: str
    begntime: _timestamp_pb2.Timestamp
    dept_code: str
    dept_name: str
    caty: str
    atddr_no: str
    dr_name: str
    insuplc_admdvs: str
    state: VisitState
    settling_batch: str
    diagnoses: _containers.RepeatedCompositeFieldContainer[Diagnosis]
    fees: _containers.RepeatedCompositeFieldContainer[FeeItem]
    settlements: _containers.RepeatedCompositeFieldContainer[Settlement]
    version: int
    def __init__(self, id: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., psn_no: _Optional[str] = ..., psn_name: _Optional[str] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., mdtrt_cert_type: _Optional[str] = ..., mdtrt_cert_no: _Optional[str] = ..., ipt_otp_no: _Optional[str] = ..., begntime: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dept_code: _Optional[str] = ..., dept_name: _Optional[str] = ..., caty: _Optional[str] = ..., atddr_no: _Optional[str] = ..., dr_name: _Optional[str] = ..., insuplc_admdvs: _Optional[str] = ..., state: _Optional[_Union[VisitState, str]] = ..., settling_batch: _Optional[str] = ..., diagnoses: _Optional[_Iterable[_Union[Diagnosis, _Mapping]]] = ..., fees: _Optional[_Iterable[_Union[FeeItem, _Mapping]]] = ..., settlements: _Optional[_Iterable[_Union[Settlement, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class Diagnosis(_message.Message):
    __slots__ = ("diag_type", "diag_srt_no", "diag_code", "diag_name", "diag_dept", "dise_dor_no", "dise_dor_name", "diag_time", "vali_flag", "maindiag_flag")
    DIAG_TYPE_FIELD_NUMBER: _ClassVar[int]
    DIAG_SRT_NO_FIELD_NUMBER: _ClassVar[int]
    DIAG_CODE_FIELD_NUMBER: _ClassVar[int]
    DIAG_NAME_FIELD_NUMBER: _ClassVar[int]
    DIAG_DEPT_FIELD_NUMBER: _ClassVar[int]
    DISE_DOR_NO_FIELD_NUMBER: _ClassVar[int]
    DISE_DOR_NAME_FIELD_NUMBER: _ClassVar[int]
    DIAG_TIME_FIELD_NUMBER: _ClassVar[int]
    VALI_FLAG_FIELD_NUMBER: _ClassVar[int]
    MAINDIAG_FLAG_FIELD_NUMBER: _ClassVar[int]
    diag_type: str
    diag_srt_no: int
    diag_code: str
    diag_name: str
    diag_dept: str
    dise_dor_no: str
    dise_dor_name: str
    diag_time: _timestamp_pb2.Timestamp
    vali_flag: str
    maindiag_flag: str
    def __init__(self, diag_type: _Optional[str] = ..., diag_srt_no: _Optional[int] = ..., diag_code: _Optional[str] = ..., diag_name: _Optional[str] = ..., diag_dept: _Optional[str] = ..., dise_dor_no: _Optional[str] = ..., dise_dor_name: _Optional[str] = ..., diag_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., vali_flag: _Optional[str] = ..., maindiag_flag: _Optional[str] = ...) -> None: ...

class FeeItem(_message.Message):
    __slots__ = ("feedetl_sn", "chrg_bchno", "med_list_codg", "medins_list_codg", "medins_list_name", "det_item_fee_sumamt", "cnt", "pric", "fee_ocur_time", "bilg_dept_codg", "bilg_dept_name", "bilg_dr_codg", "bilg_dr_name", "rx_circ_flag", "hosp_appr_flag", "state", "chrgitm_lv", "med_chrgitm_type", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")
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
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHRGITM_LV_FIELD_NUMBER: _ClassVar[int]
    MED_CHRGITM_TYPE_FIELD_NUMBER: _ClassVar[int]
    FULAMT_OWNPAY_AMT_FIELD_NUMBER: _ClassVar[int]
    OVERLMT_AMT_FIELD_NUMBER: _ClassVar[int]
    PRESELFPAY_AMT_FIELD_NUMBER: _ClassVar[int]
    INSCP_SCP_AMT_FIELD_NUMBER: _ClassVar[int]
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
    state: FeeState
    chrgitm_lv: str
    med_chrgitm_type: str
    fulamt_ownpay_amt: str
    overlmt_amt: str
    preselfpay_amt: str
    inscp_scp_amt: str
    def __init__(self, feedetl_sn: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., med_list_codg: _Optional[str] = ..., medins_list_codg: _Optional[str] = ..., medins_list_name: _Optional[str] = ..., det_item_fee_sumamt: _Optional[str] = ..., cnt: _Optional[str] = ..., pric: _Optional[str] = ..., fee_ocur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., bilg_dept_codg: _Optional[str] = ..., bilg_dept_name: _Optional[str] = ..., bilg_dr_codg: _Optional[str] = ..., bilg_dr_name: _Optional[str] = ..., rx_circ_flag: _Optional[str] = ..., hosp_appr_flag: _Optional[str] = ..., state: _Optional[_Union[FeeState, str]] = ..., chrgitm_lv: _Optional[str] = ..., med_chrgitm_type: _Optional[str] = ..., fulamt_ownpay_amt: _Optional[str] = ..., overlmt_amt: _Optional[str] = ..., preselfpay_amt: _Optional[str] = ..., inscp_scp_amt: _Optional[str] = ...) -> None: ...

class Settlement(_message.Message):
    __slots__ = ("setl_id", "medins_setl_id", "mdtrt_id", "psn_no", "chrg_bchno", "setl_time", "insutype", "med_type", "state", "cancel_setl_id", "clr_type", "clr_way", "clr_optins", "pool_prop_selfpay", "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay", "hifdm_pay", "fund_payments", "discrepancies")
    SETL_ID_FIELD_NUMBER: _ClassVar[int]
    MEDINS_SETL_ID_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    CHRG_BCHNO_FIELD_NUMBER: _ClassVar[int]
    SETL_TIME_FIELD_NUMBER: _ClassVar[int]
    INSUTYPE_FIELD_NUMBER: _ClassVar[int]
    MED_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CANCEL_SETL_ID_FIELD_NUMBER: _ClassVar[int]
    CLR_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLR_WAY_FIELD_NUMBER: _ClassVar[int]
    CLR_OPTINS_FIELD_NUMBER: _ClassVar[int]
    POOL_PROP_SELFPAY_FIELD_NUMBER: _ClassVar[int]
    MEDFEE_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    FULAMT_OWNPAY_AMT_FIELD_NUMBER: _ClassVar[int]
    OVERLMT_SELFPAY_FIELD_NUMBER: _ClassVar[int]
    PRESELFPAY_AMT_FIELD_NUMBER: _ClassVar[int]
    INSCP_SCP_AMT_FIELD_NUMBER: _ClassVar[int]
    ACT_PAY_DEDC_FIELD_NUMBER: _ClassVar[int]
    HIFP_PAY_FIELD_NUMBER: _ClassVar[int]
    CVLSERV_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFES_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFMI_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFOB_PAY_FIELD_NUMBER: _ClassVar[int]
    MAF_PAY_FIELD_NUMBER: _ClassVar[int]
    OTH_PAY_FIELD_NUMBER: _ClassVar[int]
    FUND_PAY_SUMAMT_FIELD_NUMBER: _ClassVar[int]
    PSN_PART_AMT_FIELD_NUMBER: _ClassVar[int]
    ACCT_PAY_FIELD_NUMBER: _ClassVar[int]
    PSN_CASH_PAY_FIELD_NUMBER: _ClassVar[int]
    HOSP_PART_AMT_FIELD_NUMBER: _ClassVar[int]
    BALC_FIELD_NUMBER: _ClassVar[int]
    ACCT_MULAID_PAY_FIELD_NUMBER: _ClassVar[int]
    HIFDM_PAY_FIELD_NUMBER: _ClassVar[int]
    FUND_PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCIES_FIELD_NUMBER: _ClassVar[int]
    setl_id: str
    medins_setl_id: str
    mdtrt_id: str
    psn_no: str
    chrg_bchno: str
    setl_time: _timestamp_pb2.Timestamp
    insutype: str
    med_type: str
    state: SettlementState
    cancel_setl_id: str
    clr_type: str
    clr_way: str
    clr_optins: str
    pool_prop_selfpay: str
    medfee_sumamt: str
    fulamt_ownpay_amt: str
    overlmt_selfpay: str
    preselfpay_amt: str
    inscp_scp_amt: str
    act_pay_dedc: str
    hifp_pay: str
    cvlserv_pay: str
    hifes_pay: str
    hifmi_pay: str
    hifob_pay: str
    maf_pay: str
    oth_pay: str
    fund_pay_sumamt: str
    psn_part_amt: str
    acct_pay: str
    psn_cash_pay: str
    hosp_part_amt: str
    balc: str
    acct_mulaid_pay: str
    hifdm_pay: str
    fund_payments: _containers.RepeatedCompositeFieldContainer[FundPayment]
    discrepancies: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, setl_id: _Optional[str] = ..., medins_setl_id: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., psn_no: _Optional[str] = ..., chrg_bchno: _Optional[str] = ..., setl_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., insutype: _Optional[str] = ..., med_type: _Optional[str] = ..., state: _Optional[_Union[SettlementState, str]] = ..., cancel_setl_id: _Optional[str] = ..., clr_type: _Optional[str] = ..., clr_way: _Optional[str] = ..., clr_optins: _Optional[str] = ..., pool_prop_selfpay: _Optional[str] = ..., medfee_sumamt: _Optional[str] = ..., fulamt_ownpay_amt: _Optional[str] = ..., overlmt_selfpay: _Optional[str] = ..., preselfpay_amt: _Optional[str] = ..., inscp_scp_amt: _Optional[str] = ..., act_pay_dedc: _Optional[str] = ..., hifp_pay: _Optional[str] = ..., cvlserv_pay: _Optional[str] = ..., hifes_pay: _Optional[str] = ..., hifmi_pay: _Optional[str] = ..., hifob_pay: _Optional[str] = ..., maf_pay: _Optional[str] = ..., oth_pay: _Optional[str] = ..., fund_pay_sumamt: _Optional[str] = ..., psn_part_amt: _Optional[str] = ..., acct_pay: _Optional[str] = ..., psn_cash_pay: _Optional[str] = ..., hosp_part_amt: _Optional[str] = ..., balc: _Optional[str] = ..., acct_mulaid_pay: _Optional[str] = ..., hifdm_pay: _Optional[str] = ..., fund_payments: _Optional[_Iterable[_Union[FundPayment, _Mapping]]] = ..., discrepancies: _Optional[_Iterable[str]] = ...) -> None: ...

class FundPayment(_message.Message):
    __slots__ = ("fund_pay_type", "fund_pay_type_name", "fund_payamt", "inscp_scp_amt", "crt_payb_lmt_amt", "setl_proc_info")
    FUND_PAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    FUND_PAY_TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    FUND_PAYAMT_FIELD_NUMBER: _ClassVar[int]
    INSCP_SCP_AMT_FIELD_NUMBER: _ClassVar[int]
    CRT_PAYB_LMT_AMT_FIELD_NUMBER: _ClassVar[int]
    SETL_PROC_INFO_FIELD_NUMBER: _ClassVar[int]
    fund_pay_type: str
    fund_pay_type_name: str
    fund_payamt: str
    inscp_scp_amt: str
    crt_payb_lmt_amt: str
    setl_proc_info: str
    def __init__(self, fund_pay_type: _Optional[str] = ..., fund_pay_type_name: _Optional[str] = ..., fund_payamt: _Optional[str] = ..., inscp_scp_amt: _Optional[str] = ..., crt_payb_lmt_amt: _Optional[str] = ..., setl_proc_info: _Optional[str] = ...) -> None: ...

class JournalEntry(_message.Message):
    __slots__ = ("id", "msgid", "infno", "state", "infcode", "err_msg", "operator_code", "psn_no", "mdtrt_id", "visit_id", "created_at", "finished_at", "resolution", "reversal_msgid", "request_json", "reply_json", "inf_refmsgid", "discrepancy", "owner", "in_flight_until", "retry_at", "attempts", "next_step")
    ID_FIELD_NUMBER: _ClassVar[int]
    MSGID_FIELD_NUMBER: _ClassVar[int]
    INFNO_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    INFCODE_FIELD_NUMBER: _ClassVar[int]
    ERR_MSG_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    PSN_NO_FIELD_NUMBER: _ClassVar[int]
    MDTRT_ID_FIELD_NUMBER: _ClassVar[int]
    VISIT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    REVERSAL_MSGID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_JSON_FIELD_NUMBER: _ClassVar[int]
    REPLY_JSON_FIELD_NUMBER: _ClassVar[int]
    INF_REFMSGID_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCY_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_UNTIL_FIELD_NUMBER: _ClassVar[int]
    RETRY_AT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    id: int
    msgid: str
    infno: str
    state: JournalState
    infcode: int
    err_msg: str
    operator_code: str
    psn_no: str
    mdtrt_id: str
    visit_id: str
    created_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    resolution: str
    reversal_msgid: str
    request_json: str
    reply_json: str
    inf_refmsgid: str
    discrepancy: str
    owner: str
    in_flight_until: _timestamp_pb2.Timestamp
    retry_at: _timestamp_pb2.Timestamp
    attempts: int
    next_step: str
    def __init__(self, id: _Optional[int] = ..., msgid: _Optional[str] = ..., infno: _Optional[str] = ..., state: _Optional[_Union[JournalState, str]] = ..., infcode: _Optional[int] = ..., err_msg: _Optional[str] = ..., operator_code: _Optional[str] = ..., psn_no: _Optional[str] = ..., mdtrt_id: _Optional[str] = ..., visit_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution: _Optional[str] = ..., reversal_msgid: _Optional[str] = ..., request_json: _Optional[str] = ..., reply_json: _Optional[str] = ..., inf_refmsgid: _Optional[str] = ..., discrepancy: _Optional[str] = ..., owner: _Optional[str] = ..., in_flight_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., retry_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempts: _Optional[int] = ..., next_step: _Optional[str] = ...) -> None: ...

class PrintedDocument(_message.Message):
    __slots__ = ("pdf", "content_type", "file_name")
    PDF_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    pdf: bytes
    content_type: str
    file_name: str
    def __init__(self, pdf: _Optional[bytes] = ..., content_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...
