"""The printed 检查申请单: rendered by the reportlab adapter, read back the way a person or a scanner would:
its text extracted (pypdf), its pages counted, its pages rasterised (pdfium) and the barcodes decoded
(zxing-cpp), its fonts checked to be embedded (this machine has no Chinese font to fall back on)."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from adapters.pdf import ReportLabDocumentRenderer
from ports.documents import DocumentRenderer, ExamRequestForm, PrintedExamPart, PrintedPatient

REQUEST_NO = "EX202612070012"


@pytest.fixture(scope="module")
def renderer() -> DocumentRenderer:
    return ReportLabDocumentRenderer()


def ct_form(parts: tuple[PrintedExamPart, ...]) -> ExamRequestForm:
    return ExamRequestForm(
        hospital_name="武汉市第一人民医院", title="CT检查申请单", request_no=REQUEST_NO,
        printed_at=datetime(2026, 12, 7, 10, 5),
        patient=PrintedPatient(name="张堃喆", sex="男", age="45岁", patient_id="P00012345",
                               card_no="2026120700031", coverage="医保 职工基本医疗保险"),
        department="呼吸内科 3诊室", doctor="欧阳明华", requested_at=datetime(2026, 12, 7, 9, 58), urgency="普通",
        exam_type="CT", parts=parts,
        clinical_summary="咳嗽、咳痰2周，伴低热，最高体温37.8℃。既往高血压病史5年。", purpose="排除肺部感染及占位性病变",
        diagnosis_code="J18.900", diagnosis_name="肺炎",
        contrast_answers=("过敏史：无", "既往对比剂反应：无", "知情同意书：已签署"),
        total_amount=sum((p.amount for p in parts if p.amount is not None), Decimal("0")))


THREE_PARTS = (PrintedExamPart(1, "头颅", "平扫", "已申请", Decimal("180.00")),
               PrintedExamPart(2, "胸部", "增强", "已申请", Decimal("126.00")),
               PrintedExamPart(3, "上腹部", "平扫+增强", "已预约", Decimal("126.00")))


def read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def squeezed(text: str) -> str:
    """Extracted text without the line breaks and spaces wrapping put in."""
    return re.sub(r"\s+", "", text)


def table_rows(text: str) -> list[tuple[str, str, str]]:
    """(序号, 部位, 方式) of the parts table as extracted: each cell comes out on a line of its own."""
    lines = [line.strip() for line in text.splitlines()]
    return [(lines[i], lines[i + 1], lines[i + 2]) for i in range(len(lines) - 2) if lines[i].isdigit()
            and lines[i + 2] in ("平扫", "增强", "平扫+增强")]


def barcodes(pdf: bytes, page: int = 0) -> dict[str, str]:
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=4).to_pil()  # 288 dpi, about what a scan gives
    return {result.format.name: result.text for result in zxingcpp.read_barcodes(image)}


def test_a_three_part_ct_form_prints_on_one_page_with_its_chinese_text(renderer):
    reader, pages = read(renderer.exam_request_form(ct_form(THREE_PARTS)))

    assert len(reader.pages) == 1
    text = pages[0]
    for expected in ("武汉市第一人民医院", "CT检查申请单", "张堃喆", "欧阳明华", "呼吸内科 3诊室", "医保 职工基本医疗保险",
                     "J18.900 肺炎", "排除肺部感染及占位性病变", "过敏史：无", "知情同意书：已签署", "第 1 页 / 共 1 页"):
        assert expected in text, expected
    assert ("1", "头颅", "平扫") in table_rows(text)
    assert ("2", "胸部", "增强") in table_rows(text)
    assert ("3", "上腹部", "平扫+增强") in table_rows(text)
    assert "432.00" in text  # the total
    # ℃ is an empty glyph in the shipped font: printed as °C
    assert "37.8°C" in text


def test_the_request_number_is_printed_and_scans_as_code128_and_qr(renderer):
    pdf = renderer.exam_request_form(ct_form(THREE_PARTS))

    assert REQUEST_NO in read(pdf)[1][0]
    assert barcodes(pdf) == {"Code128": REQUEST_NO, "QRCode": REQUEST_NO}


def test_a_request_number_beyond_ascii_is_printed_and_only_in_the_qr_code(renderer):
    # Code128 carries ASCII only: reportlab would drop 检查 and the bars would scan as another number
    pdf = renderer.exam_request_form(replace(ct_form(THREE_PARTS), request_no="检查-0012"))

    assert "检查-0012" in read(pdf)[1][0]
    assert barcodes(pdf) == {"QRCode": "检查-0012"}


def test_a_font_file_that_is_not_there_fails_when_the_renderer_is_made_not_at_the_first_print(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.ttf"):
        ReportLabDocumentRenderer(font_file=tmp_path / "missing.ttf")


def test_every_font_is_embedded(renderer):
    reader, _ = read(renderer.exam_request_form(ct_form(THREE_PARTS)))

    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for name, font in fonts.items():
        descriptor = font.get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor, f"{name} ({font.get_object()['/BaseFont']}) is not embedded"


def test_forty_parts_run_onto_more_pages_each_with_the_header_and_every_part(renderer):
    parts = tuple(PrintedExamPart(i, f"部位{i:02d}", ("平扫", "增强", "平扫+增强")[i % 3], "已申请", Decimal("90.00"))
                  for i in range(1, 41))
    pdf = renderer.exam_request_form(ct_form(parts))
    reader, pages = read(pdf)

    assert len(reader.pages) >= 2
    rows = [row for text in pages for row in table_rows(text)]
    assert rows == [(str(p.no), p.part, p.method) for p in parts]  # each once, in order
    for number, text in enumerate(pages, start=1):
        for header in ("武汉市第一人民医院", "CT检查申请单", "张堃喆", REQUEST_NO, "序号", "检查部位"):
            assert header in text, (number, header)
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
    assert barcodes(pdf, page=len(pages) - 1) == {"Code128": REQUEST_NO, "QRCode": REQUEST_NO}


def test_markup_and_control_characters_print_as_text_and_long_text_wraps_onto_more_pages(renderer):
    hostile = "<b>粗体</b> & <i>未闭合 <para> &amp; <font name='x'>"
    summary = hostile + "\x00\x07\x1b[31m\u202e反向\n第二行\t" + "既往史" * 4000
    form = replace(ct_form(THREE_PARTS), clinical_summary=summary, purpose="<br/>&nbsp;目的",
                   hospital_name="武汉市第一人民医院" * 40, patient=replace(ct_form(THREE_PARTS).patient, name="<张三>&"),
                   parts=(PrintedExamPart(1, "头颅<script>" + "长" * 2000, "平扫", "已申请", None),),
                   contrast_answers=("过敏史：<有> & 青霉素",), total_amount=None)

    reader, pages = read(renderer.exam_request_form(form))

    assert len(reader.pages) >= 2
    everything = squeezed("".join(pages))
    assert squeezed(hostile) in everything
    assert "反向第二行" in everything  # the controls and the bidi override dropped, the line break kept
    assert not re.search("[\x00-\x08\x0b-\x1f\u202e]", "".join(pages))
    assert "<br/>&nbsp;目的" in everything
    assert "<张三>&" in pages[0] and "过敏史：<有>&青霉素" in everything
    assert "头颅<script>长长" in everything  # the overlong cell is cut, not a crash
    assert everything.count("既") == 4000  # all of it, over the pages (a page break may split a word)


def test_the_same_form_prints_the_same_bytes(renderer):
    assert renderer.exam_request_form(ct_form(THREE_PARTS)) == renderer.exam_request_form(ct_form(THREE_PARTS))
