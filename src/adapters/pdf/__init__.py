"""Printed documents as PDF (reportlab), Chinese in an embedded font: the DocumentRenderer port."""
from __future__ import annotations

from hashlib import sha1
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from adapters.pdf import clearing_application, exam_request, settlement_slip
from adapters.pdf.layout import FONT, FONT_FILE, Page, register_font, styles
from ports.documents import ClearingApplicationForm, ExamRequestForm, SettlementSlipForm


class ReportLabDocumentRenderer:
    """`font_file`: a TrueType font or collection (face 0) with the Chinese the hospital prints; the
    shipped WenQuanYi Micro Hei by default. A hospital that wants its own (e.g. a licensed 宋体) names it."""

    def __init__(self, font_file: Path | str | None = None):
        font_file = Path(font_file) if font_file is not None else FONT_FILE
        if not font_file.is_file():  # at start-up, not at the first print
            raise FileNotFoundError(f"font file for printed documents not found: {font_file}")
        # one registry name per file: reportlab's font registry is process-wide
        self._font = FONT if font_file == FONT_FILE else (
            "Custom-" + sha1(str(font_file.resolve()).encode()).hexdigest()[:12])
        register_font(font_file, self._font)
        self._styles = styles(self._font)

    def exam_request_form(self, form: ExamRequestForm) -> bytes:
        return exam_request.render(form, self._styles, Page(*A4, margin=12 * mm, header_height=exam_request.HEADER),
                                   font=self._font)

    def settlement_slip(self, form: SettlementSlipForm) -> bytes:
        return settlement_slip.render(form, self._styles,
                                      Page(*A4, margin=12 * mm, header_height=settlement_slip.HEADER), font=self._font)

    def clearing_application(self, form: ClearingApplicationForm) -> bytes:
        return clearing_application.render(
            form, self._styles, Page(*A4, margin=12 * mm, header_height=clearing_application.HEADER), font=self._font)


__all__ = ["ReportLabDocumentRenderer"]
