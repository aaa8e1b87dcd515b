"""Printed documents: what goes on a page, as plain text and amounts, and the renderer that lays it out.

The forms carry display text, not domain objects: the service that prints decides the wording (性别 "女",
年龄 "3岁2月", 方式 "平扫+增强", 状态 "已登记"), masks what must be masked, and formats nothing the printer
should decide differently later. A renderer only lays out; it turns none of it into anything else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PrintedPatient:
    name: str
    sex: str  # "男" / "女" / "未知"
    age: str  # as the hospital writes it: "45岁", "3岁2月", "18天"
    patient_id: str  # the HIS's patient number (病人ID)
    card_no: str  # 就诊卡号 / 门诊号, as the clinic knows the patient
    coverage: str  # "医保 职工基本医疗保险", "自费"


@dataclass(frozen=True)
class PrintedExamPart:
    no: int  # the part's number in the request (kept when another part is cancelled)
    part: str  # body part name: "头颅", "胸部"
    method: str  # "平扫", "增强", "平扫+增强"
    state: str  # "已申请", "已预约", "已取消" ...
    amount: Decimal | None = None  # the part's charges; None prints an empty cell


@dataclass(frozen=True)
class ExamRequestForm:
    """One 检查申请单: one exam type over several body parts."""
    hospital_name: str
    title: str  # "CT检查申请单"
    request_no: str  # printed as text and as Code128 + QR
    printed_at: datetime  # the hospital's wall time (injected Clock)
    patient: PrintedPatient
    department: str  # 开单科室 / 诊室
    doctor: str  # 申请医生
    requested_at: datetime
    urgency: str  # "普通", "急诊"
    exam_type: str  # "CT"
    parts: tuple[PrintedExamPart, ...]
    clinical_summary: str  # 病史摘要: free text, may be long and carry line breaks
    purpose: str  # 检查目的
    diagnosis_code: str  # ICD-10 of 临床诊断
    diagnosis_name: str
    contrast_answers: tuple[str, ...] | None  # 对比剂/过敏 questions, one printed line each; None: no contrast study
    total_amount: Decimal | None  # None prints no total (the charges are not priced yet)


@dataclass(frozen=True)
class SlipAmount:
    label: str  # "统筹基金支付", "床位费"
    amount: Decimal


@dataclass(frozen=True)
class SettlementSlipForm:
    """One 结算单 (what the platform's YH03 prints at the window): who, what was settled, how it was
    paid. Every section is display text and amounts in the order printed."""

    hospital_name: str
    title: str  # "医疗保障基金结算单（住院）", "住院结算单（自费）"
    slip_no: str  # the platform's setl_id, or the hospital's receipt number: printed and as Code128
    printed_at: datetime
    patient: tuple[tuple[str, str], ...]  # (label, value): 姓名, 性别, 人员编号, 险种, 参保地 ...
    visit: tuple[tuple[str, str], ...]  # 住院号 / 门诊号, 科室, 医生, 入院/出院, 住院天数, 医疗类别, 结算时间 ...
    charges: tuple[SlipAmount, ...]  # by 费用类别, summing to the total
    total: Decimal  # 医疗费总额
    funds: tuple[SlipAmount, ...]  # 基金支付 by fund, as the platform answered; empty for self-pay
    fund_total: Decimal | None  # 基金支付总额 (fund_pay_sumamt); None for self-pay
    patient_part: tuple[SlipAmount, ...]  # 个人账户支付, 个人现金支付 ... and the deposit's balance
    notes: tuple[str, ...] = ()  # printed under the amounts: a cancellation, a provisional field
    cancelled: bool = False  # the settlement was cancelled: printed across the page


@dataclass(frozen=True)
class ClearingFigureLine:
    label: str  # "医疗费总额"
    ours: str  # as declared: "1234.50", "12"
    platform: str = ""  # what the platform's print data says, "" when it gave none
    differs: bool = False  # the two differ: printed marked, neither corrected


@dataclass(frozen=True)
class ClearingApplicationForm:
    """One monthly clearing application form (医疗保障基金清算申请单): the application's particulars,
    its figures beside the platform's, and the platform's own printable text when it gave one."""

    hospital_name: str
    title: str
    form_no: str  # the centre's 清算申请事件ID, else the HIS's application id: printed and as Code128
    printed_at: datetime
    particulars: tuple[tuple[str, str], ...]  # (label, value): 清算类别, 清算期间, 状态 ...
    figures: tuple[ClearingFigureLine, ...]
    platform_text: tuple[str, ...] = ()  # 3205a's print_content, line by line
    notes: tuple[str, ...] = ()
    void: str = ""  # printed across the page: "已撤销", "未受理"


class DocumentRenderer(Protocol):
    """Lays a form out as a printable document (PDF bytes)."""

    def exam_request_form(self, form: ExamRequestForm) -> bytes: ...

    def settlement_slip(self, form: SettlementSlipForm) -> bytes: ...

    def clearing_application(self, form: ClearingApplicationForm) -> bytes: ...
