"""The one PDF renderer: what a reader of any document sees (text, pages, repeated table
headers, footers, the signature), what an archivist checks (embedded fonts, creation date,
identical bytes) and what an operator is told when the fonts are missing."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from xinyong.core.errors import ConfigError
from xinyong.documents import (
    Document,
    Heading,
    Items,
    KeyValues,
    Paragraph,
    QrCode,
    Signature,
    Table,
    default_fonts,
    load_fonts,
    render_pdf,
)
from xinyong.documents.layout import wrap

DAY = date(2026, 4, 15)
ROW = ("示范市恒达建材有限公司", "91330100MA2KXXXX1B", "经查，当事人存在违法行为，依法予以处罚。")


def _doc(*blocks, **kw) -> Document:
    return Document(title="信用报告", authority="示范市发展和改革委员会", issued_on=DAY,
                    number="示信报〔2026〕8号", blocks=tuple(blocks), **kw)


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"[ \t]+", "", p.extract_text()) for p in PdfReader(BytesIO(pdf)).pages]


def test_a_short_document_is_one_page_with_head_body_signature_and_footer() -> None:
    pdf = render_pdf(_doc(Heading("基本信息"),
                          KeyValues((("主体名称", ROW[0]), ("统一社会信用代码", ROW[1]))),
                          Paragraph("本报告仅反映报告出具之日平台归集的信用信息。"),
                          Items(("行政许可信息", "行政处罚信息")), footer="示信报〔2026〕8号"))
    (page,) = _pages(pdf)
    lines = [line for line in page.splitlines() if line]
    assert lines[:3] == ["示范市发展和改革委员会", "信用报告", "示信报〔2026〕8号"]
    assert "一、基本信息" in lines and "主体名称：示范市恒达建材有限公司" in lines
    assert "1.行政许可信息" in lines
    assert "示范市发展和改革委员会（盖章）" in lines and "2026年4月15日" in lines
    assert lines[-1] == "示信报〔2026〕8号　第1页共1页"


def test_a_long_table_repeats_its_header_on_every_page() -> None:
    rows = tuple((str(i), *ROW) for i in range(1, 121))
    pdf = render_pdf(_doc(Table(("序号", "名称", "统一社会信用代码", "说明"), rows,
                                widths=(1, 4, 4, 6), caption="处罚信息")))
    pages = _pages(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "序号名称统一社会信用代码说明" in page.replace("\n", ""), number
        assert f"第{number}页共{len(pages)}页" in page
    text = "".join(pages)
    assert all(f"\n{i}示范市恒达建材有限公司" in text for i in range(1, 121))  # no row lost


def test_a_heading_is_never_the_last_line_of_a_page() -> None:
    filler = tuple(Paragraph(f"第{i}段：" + "本报告仅反映报告出具之日平台归集的信用信息。" * 2)
                   for i in range(40))
    for cut in range(18, 30):
        blocks = (*filler[:cut], Heading("处罚信息"), Paragraph("无。"), *filler[cut:])
        for page in _pages(render_pdf(_doc(*blocks)))[:-1]:
            body = [line for line in page.splitlines() if line and "页共" not in line]
            assert not body[-1].endswith("处罚信息"), cut


def test_signature_and_qr_code() -> None:
    doc = _doc(Paragraph("正文。"), signature=Signature("示范市信用中心", DAY, "（电子签章）"),
               qr=QrCode("https://credit.example.gov.cn/verify/ABC123", "扫码核验本报告"))
    text = _pages(render_pdf(doc))[0]
    assert "示范市信用中心（电子签章）" in text and "扫码核验本报告" in text
    unsigned = _pages(render_pdf(_doc(Paragraph("正文。"), sign=False)))[0]
    assert "盖章" not in unsigned and "2026年4月15日" not in unsigned


def test_fonts_embedded_created_on_the_issue_date_and_deterministic() -> None:
    doc = _doc(Heading("基本信息"), Paragraph("䶮𠮷 Ｆｕｌｌ ASCII 123"))
    pdf = render_pdf(doc)
    assert render_pdf(doc) == pdf
    reader = PdfReader(BytesIO(pdf))
    assert reader.metadata["/CreationDate"] == "D:20260415000000+08'00'"
    assert reader.metadata["/Author"] == "示范市发展和改革委员会"
    fonts = reader.pages[0]["/Resources"]["/Font"].values()
    assert len(fonts) == 2  # regular and bold
    for font in fonts:
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert "䶮𠮷ＦｕｌｌASCII123" in _pages(pdf)[0].replace(" ", "")


def test_line_breaking_keeps_closing_marks_off_the_start_of_a_line() -> None:
    fonts = default_fonts()

    def measure(text: str, size: float, bold: bool) -> float:
        return sum(fonts.regular.advance(ord(c)) for c in text) * size / 1000

    text = "甲乙丙丁，戊己庚辛。壬癸子丑（寅卯）辰巳：午未申酉；" * 20
    for width in range(40, 200, 7):
        lines = wrap(text, float(width), 10.0, measure)
        assert "".join(lines) == text
        assert not [line for line in lines[1:] if line[0] in "，。）：；"], width
        assert not [line for line in lines[:-1] if line[-1] == "（"], width
    # an address stays whole on a line when it fits, and breaks anywhere when it does not
    url = "请登录 https://credit.example.gov.cn/me 在线提交申请。"
    assert any("https://credit.example.gov.cn/me" in line
               for line in wrap(url, 200.0, 10.0, measure))
    narrow = wrap(url, 60.0, 10.0, measure)
    assert "".join(narrow).replace(" ", "") == url.replace(" ", "")
    assert max(measure(line, 10.0, False) for line in narrow) <= 60.0 + 10.0


def test_missing_fonts_are_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_fonts(["/nonexistent/NotoSerifCJK-Regular.ttc"])
    assert caught.value.code == "pdf_font_missing"
    assert "fonts-noto-cjk" in str(caught.value) and "XINYONG_PDF_FONT" in str(caught.value)
