"""The 结算单 laid out: A4 portrait like the other forms (one tray at every window). The header carries the
hospital, the title and the slip number as Code128 (the settlement id scans back at the 医保 window); the
body is the patient and the visit as label/value grids, then the charges by category, the funds' part as the
platform answered it, and the patient's part. A cancelled settlement prints "已撤销" across every page."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from adapters.pdf.layout import (FONT, HeaderDrawer, Page, Styles, amount, build_pdf, draw_form_header, field_table,
                                 para, ruled_table)
from ports.documents import SettlementSlipForm, SlipAmount

HEADER = 26 * mm


def _header(form: SettlementSlipForm, font: str) -> HeaderDrawer:
    def draw(canvas: Canvas, page: Page) -> None:
        draw_form_header(canvas, page, form.slip_no, form.hospital_name, form.title,
                         "已撤销" if form.cancelled else "", font)
    return draw


def _amounts(rows: tuple[SlipAmount, ...], head: str, st: Styles, width: float) -> Flowable:
    return ruled_table([head, "金额(元)"], [[r.label, amount(r.amount)] for r in rows],
                       [width - 40 * mm, 40 * mm], st, right_columns=(1,))


def _body(form: SettlementSlipForm, st: Styles, width: float) -> list[Flowable]:
    label, value = 22 * mm, width / 3 - 22 * mm
    grid = [label, value] * 3
    flow: list[Flowable] = [
        Paragraph("参保人", st.heading), field_table(form.patient, grid, st, columns=3),
        Paragraph("就诊", st.heading), field_table(form.visit, grid, st, columns=3),
        Paragraph("费用明细（按类别）", st.heading), _amounts(form.charges, "费用类别", st, width),
        Paragraph(f"医疗费总额：{amount(form.total)} 元", st.cell_right),
    ]
    if form.fund_total is not None:
        flow.append(Paragraph("基金支付", st.heading))
        if form.funds:
            flow.append(_amounts(form.funds, "基金", st, width))
        flow.append(Paragraph(f"基金支付合计：{amount(form.fund_total)} 元", st.cell_right))
    flow += [Paragraph("个人支付", st.heading), _amounts(form.patient_part, "项目", st, width)]
    for note in form.notes:
        flow.append(para(note, st.body, 500))
    flow += [Spacer(1, 10 * mm), para("经办人：________________　　　患者（家属）签字：________________", st.body)]
    return flow


def render(form: SettlementSlipForm, st: Styles, page: Page, font: str = FONT) -> bytes:
    return build_pdf(_body(form, st, page.content_width), _header(form, font),
                     f"打印时间：{form.printed_at:%Y-%m-%d %H:%M}　单号：{form.slip_no}",
                     title=f"{form.title} {form.slip_no}", author=form.hospital_name, page=page, font=font)
