"""The monthly clearing application form laid out: A4 portrait like the other forms. The header carries
the hospital, the title and the form number (the centre's 清算申请事件ID) as Code128; the body is the
application's particulars, its figures beside the platform's (a difference marked, neither corrected),
the platform's own printed text when it gave one, and the signatures. An application no longer in force
prints its state across every page."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from adapters.pdf.layout import (FONT, HeaderDrawer, Page, Styles, build_pdf, draw_form_header, field_table, para,
                                 ruled_table)
from ports.documents import ClearingApplicationForm

HEADER = 26 * mm


def _header(form: ClearingApplicationForm, font: str) -> HeaderDrawer:
    def draw(canvas: Canvas, page: Page) -> None:
        draw_form_header(canvas, page, form.form_no, form.hospital_name, form.title, form.void, font)
    return draw


def _body(form: ClearingApplicationForm, st: Styles, width: float) -> list[Flowable]:
    label, value = 26 * mm, width / 2 - 26 * mm
    rows = [[f.label, f.ours, f.platform or "—", "不符" if f.differs else ""] for f in form.figures]
    flow: list[Flowable] = [
        Paragraph("申请信息", st.heading), field_table(form.particulars, [label, value] * 2, st, columns=2),
        Paragraph("申请数据", st.heading),
        ruled_table(["项目", "医药机构申报", "医保平台", "核对"], rows,
                    [width - 3 * 38 * mm, 38 * mm, 38 * mm, 38 * mm], st, right_columns=(1, 2)),
    ]
    if form.platform_text:
        flow.append(Paragraph("医保平台申请单内容", st.heading))
        flow += [para(line, st.body, 500) for line in form.platform_text]
    for note in form.notes:
        flow.append(para(note, st.body, 500))
    flow += [Spacer(1, 12 * mm),
             para("医药机构（盖章）：________________　　经办人：____________　　日期：____________", st.body)]
    return flow


def render(form: ClearingApplicationForm, st: Styles, page: Page, font: str = FONT) -> bytes:
    return build_pdf(_body(form, st, page.content_width), _header(form, font),
                     f"打印时间：{form.printed_at:%Y-%m-%d %H:%M}　申请单号：{form.form_no}",
                     title=f"{form.title} {form.form_no}", author=form.hospital_name, page=page, font=font)
