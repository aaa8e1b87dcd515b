"""What every printed document of the hospital shares: the Chinese font, text that is safe to lay out,
paragraph styles, a ruled table, barcodes, and a page template whose header is drawn again on every page
with "第 n 页 / 共 N 页" at the foot. The exam request form uses it; the settlement slips will too.

Font: WenQuanYi Micro Hei, shipped in fonts/ and embedded (subset) into each PDF. reportlab's built-in
CID font STSong-Light would need no file, but it is not embedded: the viewer must bring a Chinese font
(Acrobat's Asian font pack, fontconfig's substitute), so the same PDF prints boxes on a machine without
one, and text extraction depends on the reader knowing Adobe's GB1 CMaps. An embedded TrueType subset
with its ToUnicode map shows and copies the same everywhere, at ~40 KB a form.
"""
from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"

# reportlab keeps fonts in a module-level registry and a TrueType font's subsets per document on the
# font object itself: documents are built one at a time (the gRPC server renders from several threads).
_lock = threading.RLock()
_registered: set[str] = set()


def register_font(path: Path = FONT_FILE, name: str = FONT) -> str:
    """Registers the TrueType font (face 0 of a collection) once under `name`; returns the name."""
    with _lock:
        if name not in _registered:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            _registered.add(name)
    return name


# Characters that may not reach the page: C0/C1 controls (TAB and LF become space and line break first),
# bidi and invisible formatting marks, lone surrogates (not encodable). Same families as domain.text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                          "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")
# Characters the shipped font maps to an empty glyph (they would print as nothing: 37.8℃ as "37.8 "),
# written the way that prints: the compatibility forms, or the vowel without its tone mark.
_EMPTY_IN_FONT = str.maketrans({"℃": "°C", "℉": "°F", "\u212b": "\u00c5", "\u2164": "V", "\u2169": "X",
                                "∼": "~", "‾": "¯", "ǎ": "a", "ǐ": "i", "ǒ": "o", "ǔ": "u", "ǘ": "ü", "ǚ": "ü",
                                "ǜ": "ü"})
CELL_LIMIT = 300  # characters of one table cell or header value: a row must fit on a page


def _printable(text: str, limit: int | None) -> str:
    text = _UNPRINTABLE.sub("", text).translate(_EMPTY_IN_FONT)
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


def plain(text: str, limit: int | None = None) -> str:
    """Text as it is printed: one line, unprintable characters dropped, cut to `limit` with an ellipsis."""
    return _printable(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "), limit)


def markup(text: str, limit: int | None = None) -> str:
    """Free text as Paragraph markup: reportlab parses `<b>`, `&amp;` and the like in a Paragraph, so
    the text is escaped; its line breaks are kept as breaks."""
    text = _printable(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "), limit)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n", "<br/>")


def amount(value: Decimal | None) -> str:
    """Money as the slips print it: two decimals, nothing for None."""
    return "" if value is None else f"{value:,.2f}"


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    heading: ParagraphStyle


def styles(font: str = FONT, size: float = 10) -> Styles:
    # wordWrap CJK: break between any two characters, Chinese has no spaces to break at
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK")
    return Styles(
        body=body,
        label=ParagraphStyle("label", parent=body, textColor=colors.HexColor("#333333")),
        cell=ParagraphStyle("cell", parent=body, fontSize=size - 0.5, leading=(size - 0.5) * 1.35),
        cell_right=ParagraphStyle("cell_right", parent=body, fontSize=size - 0.5, leading=(size - 0.5) * 1.35,
                                  alignment=2),
        heading=ParagraphStyle("heading", parent=body, fontSize=size + 1, leading=(size + 1) * 1.5, spaceBefore=4,
                               spaceAfter=2),
    )


def para(text: str, style: ParagraphStyle, limit: int | None = None) -> Paragraph:
    return Paragraph(markup(text, limit), style)


def ruled_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], st: Styles,
                right_columns: Sequence[int] = ()) -> Table:
    """A grid table of plain text cells (each escaped, wrapped, cut to CELL_LIMIT) whose header row is
    repeated on every page the table runs onto."""
    def cell(text: str, column: int, style: ParagraphStyle) -> Paragraph:
        return para(text, st.cell_right if column in right_columns else style, CELL_LIMIT)
    head = [cell(text, i, st.cell) for i, text in enumerate(header)]
    body = [[cell(text, i, st.cell) for i, text in enumerate(row)] for row in rows]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("FONTNAME", (0, 0), (-1, -1), st.cell.fontName),  # Helvetica otherwise, though no cell is a string
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def field_table(pairs: Sequence[tuple[str, str]], widths: Sequence[float], st: Styles, columns: int = 2) -> Table:
    """Label/value pairs laid `columns` pairs to a row, labels shaded: the head of a form or a slip.
    `widths`: one label width and one value width per pair in a row."""
    cells = [[para(label, st.label, CELL_LIMIT), para(value, st.cell, CELL_LIMIT)] for label, value in pairs]
    rows = []
    for start in range(0, len(cells), columns):
        row = [cell for pair in cells[start:start + columns] for cell in pair]
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=list(widths))
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        *[("BACKGROUND", (i, 0), (i, -1), colors.HexColor("#f0f0f0")) for i in range(0, 2 * columns, 2)],
        ("FONTNAME", (0, 0), (-1, -1), st.cell.fontName),  # Helvetica otherwise, though no cell is a string
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def fitted(canvas: Canvas, text: str, x: float, y: float, width: float, size: float, font: str = FONT,
           align: str = "left", min_size: float = 6) -> None:
    """One line of header text inside `width`: the font shrinks down to `min_size`, then the text is cut."""
    text = plain(text, CELL_LIMIT)
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    while text and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    canvas.setFont(font, size)
    {"left": canvas.drawString, "center": canvas.drawCentredString, "right": canvas.drawRightString}[align](
        x, y, text)


def draw_code128(canvas: Canvas, value: str, x: float, y: float, height: float = 10 * mm,
                 bar_width: float = 0.3 * mm, max_width: float = 60 * mm, font: str = FONT) -> float:
    """A Code128 barcode with `value` printed under it (the bars at `y` + 3.5 mm); returns its width.
    A long value gets narrower bars to stay within `max_width`, down to 0.19 mm, what scanners still read."""
    value = plain(value, 80)
    if not value.isascii():
        # Code128 carries ASCII only (reportlab would drop the rest and scan as another number): text alone
        fitted(canvas, value, x, y, max_width, 8, font)
        return 0
    barcode = Code128(value, barHeight=height, barWidth=bar_width, humanReadable=False)
    if barcode.width > max_width:
        narrower = max(bar_width * max_width / barcode.width, 0.19 * mm)
        barcode = Code128(value, barHeight=height, barWidth=narrower, humanReadable=False)
    barcode.drawOn(canvas, x, y + 3.5 * mm)
    canvas.setFont(font, 8)
    canvas.drawCentredString(x + barcode.width / 2, y, value)
    return barcode.width


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float = 20 * mm, font: str = FONT) -> None:
    """A QR code of `value`, `size` square, its lower left corner at (x, y)."""
    widget = QrCodeWidget(plain(value, 200), barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0],
                      initialFontName=font)  # it writes no text, but would name Helvetica otherwise
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def draw_watermark(canvas: Canvas, page: Page, text: str, font: str = FONT) -> None:
    """`text` large and faint red across the middle of the page: a document no longer in force."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.25))
    canvas.setFont(font, 72)
    canvas.translate(page.width / 2, page.height / 2)
    canvas.rotate(30)
    canvas.drawCentredString(0, 0, plain(text, 20))
    canvas.restoreState()


def draw_form_header(canvas: Canvas, page: Page, number: str, hospital: str, title: str, void: str = "",
                     font: str = FONT) -> None:
    """A form's header: its number as Code128 on the left, the hospital and the title centred, a rule
    under them; `void` (a form no longer in force) across the page."""
    top, left = page.header_top, page.margin
    draw_code128(canvas, number, left, top - 17 * mm, max_width=56 * mm, font=font)
    middle, width = page.width / 2, page.content_width - 2 * 60 * mm
    fitted(canvas, hospital, middle, top - 7 * mm, width, 15, font, align="center")
    fitted(canvas, title, middle, top - 15 * mm, width, 13, font, align="center")
    canvas.setLineWidth(0.8)
    canvas.line(left, top - 22 * mm, page.width - page.margin, top - 22 * mm)
    if void:
        draw_watermark(canvas, page, void, font)


HeaderDrawer = Callable[[Canvas, "Page"], None]


@dataclass(frozen=True)
class Page:
    """Where things go on a page: the header band at the top, the frame for the flowing body below it."""
    width: float
    height: float
    margin: float
    header_height: float
    footer_height: float = 8 * mm

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def header_top(self) -> float:
        return self.height - self.margin


def _numbered_canvas(footer: Callable[[Canvas, Page, int, int], None], page: Page) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each page's footer can say how many there are."""
    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, page, number, total)
                super().showPage()
            super().save()
    return NumberedCanvas


def build_pdf(flowables: Sequence[Flowable], header: HeaderDrawer, footer_left: str, *, title: str,
              author: str, page: Page | None = None, font: str = FONT) -> bytes:
    """Lays the flowables out page after page under the header (drawn on each page by `header`), with
    `footer_left` and "第 n 页 / 共 N 页" at the foot; returns the PDF. Same input, same bytes."""
    page = page or Page(*A4, margin=12 * mm, header_height=40 * mm)

    def footer(canvas: Canvas, page: Page, number: int, total: int) -> None:
        canvas.setFont(font, 8)
        canvas.drawString(page.margin, page.margin - 2 * mm, plain(footer_left, CELL_LIMIT))
        canvas.drawRightString(page.width - page.margin, page.margin - 2 * mm, f"第 {number} 页 / 共 {total} 页")

    frame = Frame(page.margin, page.margin + page.footer_height, page.content_width,
                  page.height - 2 * page.margin - page.header_height - page.footer_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    out = io.BytesIO()
    # invariant: no creation time or random document id, so a reprint is byte for byte the same
    doc = BaseDocTemplate(out, pagesize=(page.width, page.height), title=plain(title, CELL_LIMIT),
                          author=plain(author, CELL_LIMIT), creator="his-yb", invariant=1,
                          # reportlab starts each page in Helvetica, a font the viewer would have to supply
                          initialFontName=font,
                          pageTemplates=[PageTemplate(id="page", frames=[frame],
                                                      onPage=lambda canvas, _doc: header(canvas, page))])
    with _lock:
        doc.build(list(flowables), canvasmaker=_numbered_canvas(footer, page))
    return out.getvalue()
