"""The 检查申请单 laid out: A4 portrait, the page every clinic's office printer has in its tray (A5 would
need a second tray or manual feed at most stations); the department's staff write on it, so it keeps room.
Each page repeats the header (hospital, title, request number as Code128 and QR, the patient), so a
loose second page still says whose it is; the parts table repeats its column heads.
"""
from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from adapters.pdf.layout import (CELL_LIMIT, FONT, HeaderDrawer, Page, Styles, amount, build_pdf, draw_code128,
                                 draw_qr, field_table, fitted, para, plain, ruled_table)
from ports.documents import ExamRequestForm

FREE_TEXT_LIMIT = 20_000  # characters of 病史摘要 or 检查目的 printed; past that the text is cut with "…"
HEADER = 40 * mm
QR_SIZE = 20 * mm


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _header(form: ExamRequestForm, font: str) -> HeaderDrawer:
    patient = form.patient

    def draw(canvas: Canvas, page: Page) -> None:
        top, left, right = page.header_top, page.margin, page.width - page.margin
        draw_code128(canvas, form.request_no, left, top - 17 * mm, max_width=48 * mm, font=font)
        draw_qr(canvas, form.request_no, right - QR_SIZE, top - QR_SIZE, QR_SIZE, font)
        middle = page.width / 2
        titles_width = page.content_width - 2 * 52 * mm  # between the barcode and the QR code
        fitted(canvas, form.hospital_name, middle, top - 7 * mm, titles_width, 15, font, align="center")
        fitted(canvas, form.title, middle, top - 15 * mm, titles_width, 13, font, align="center")
        # the patient, two lines of four and three fields
        first = [("姓名", patient.name), ("性别", patient.sex), ("年龄", patient.age), ("费别", patient.coverage)]
        second = [("病人ID", patient.patient_id), ("就诊卡号", patient.card_no), ("申请单号", form.request_no)]
        for y, fields, spans in ((top - 27 * mm, first, (0.24, 0.14, 0.16, 0.46)),
                                 (top - 33 * mm, second, (0.3, 0.35, 0.35))):
            x = left
            for (label, value), share in zip(fields, spans):
                width = page.content_width * share
                fitted(canvas, f"{label}：{value}", x, y, width - 2 * mm, 10, font)
                x += width
        canvas.setLineWidth(0.8)
        canvas.line(left, top - 36 * mm, right, top - 36 * mm)
    return draw


def _body(form: ExamRequestForm, st: Styles, width: float) -> list[Flowable]:
    label, value = 22 * mm, width / 2 - 22 * mm
    head = field_table([
        ("开单科室", form.department), ("申请医生", form.doctor),
        ("申请时间", _time(form.requested_at)), ("紧急程度", form.urgency),
        ("检查类别", form.exam_type), ("部位数", str(len(form.parts))),
    ], [label, value, label, value], st)
    diagnosis = field_table([("临床诊断", f"{form.diagnosis_code} {form.diagnosis_name}".strip())],
                            [label, width - label], st, columns=1)
    parts = ruled_table(
        ["序号", "检查部位", "检查方式", "状态", "金额(元)"],
        [[str(p.no), p.part, p.method, p.state, amount(p.amount)] for p in form.parts],
        [14 * mm, width - 14 * mm - 32 * mm - 22 * mm - 26 * mm, 32 * mm, 22 * mm, 26 * mm], st,
        right_columns=(4,))
    flow: list[Flowable] = [
        head, diagnosis,
        # free text flows as paragraphs of its own, not table cells: a long history may run onto the next page
        Paragraph("病史摘要", st.heading), para(form.clinical_summary or "—", st.body, FREE_TEXT_LIMIT),
        Paragraph("检查目的", st.heading), para(form.purpose or "—", st.body, FREE_TEXT_LIMIT),
        Paragraph("检查部位及方式", st.heading), parts,
    ]
    if form.total_amount is not None:
        flow.append(Paragraph(f"合计：{amount(form.total_amount)} 元", st.cell_right))
    if form.contrast_answers is not None:
        flow.append(Paragraph("对比剂使用告知及过敏史", st.heading))
        flow.extend(para(line, st.body, CELL_LIMIT) for line in form.contrast_answers)
    flow += [Spacer(1, 8 * mm),
             para(f"申请医生：{plain(form.doctor, 40)}　　　医生签名：________________　　　"
                  f"日期：{form.requested_at:%Y-%m-%d}", st.body)]
    return flow


def render(form: ExamRequestForm, st: Styles, page: Page, font: str = FONT) -> bytes:
    return build_pdf(_body(form, st, page.content_width), _header(form, font),
                     f"打印时间：{_time(form.printed_at)}　申请单号：{form.request_no}",
                     title=f"{form.title} {form.request_no}", author=form.hospital_name, page=page, font=font)
