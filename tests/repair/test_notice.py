"""The credit-repair notice PDF, checked through what a reader sees: the extracted text, the
pages, the embedded fonts and the document's dates."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from xinyong.publication.loader import default_rules
from xinyong.repair.notice import NoticeContent, render_notice_pdf
from xinyong.repair.notices import MATERIALS, further_basis

NEVER_EARLY = "不得提前停止公示"
MINOR = "履行法定义务后即可申请"
ORDER_58 = default_rules().get("ndrc_order_58_v1")

BASE = NoticeContent(
    notice_number="XF-2026-00000123",
    issued_on=date(2026, 3, 2),
    platform_name="信用中国（示范市）",
    subject_name="示范市恒达建材有限公司",
    subject_uscc="91330100MA2KXXXX1B",
    document_number="示市监罚〔2026〕12号",
    decision_date=date(2026, 3, 1),
    authority_name="示范市市场监督管理局",
    penalty_content="销售不符合国家标准的建材产品，决定给予警告并处罚款人民币5万元。",
    severity="一般",
    rule_set_title="失信行为纠正后的信用信息修复管理办法（试行）",
    rule_set_document_number="国家发展改革委令第58号",
    min_end=date(2026, 5, 31),
    max_end=date(2029, 2, 28),
    repairable_from=date(2026, 6, 1),
    minor=False,
    never_early=False,
    never_early_basis=None,
    apply_url="https://credit.example.gov.cn/me",
    materials=MATERIALS,
    legal_basis=further_basis(ORDER_58),
)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    """All pages' text with whitespace removed: a wrapped line must not split a phrase."""
    return re.sub(r"\s+", "", "".join(_pages(pdf)))


def test_a_notice_shows_who_what_and_when() -> None:
    pdf = render_notice_pdf(BASE)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in ("信用修复告知书", "编号：XF-2026-00000123",
                     "示范市恒达建材有限公司（统一社会信用代码：91330100MA2KXXXX1B）：",
                     "示市监罚〔2026〕12号", "决定日期：2026年3月1日", "失信程度：一般",
                     "已在信用中国（示范市）依法公示",
                     "最短公示期：2026年5月31日届满", "最长公示期：2029年2月28日届满",
                     "自2026年6月1日起可申请信用修复", "1.履行行政处罚决定（缴纳罚款等）的证明材料",
                     "《中华人民共和国行政处罚法》第四十八条、第八十五条"):
        assert expected in text, expected
    assert MINOR not in text and NEVER_EARLY not in text


def test_issued_signed_and_sealed_in_the_penalising_authoritys_name() -> None:
    pdf = render_notice_pdf(BASE)
    first = _pages(pdf)[0]
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    assert lines[0] == "示范市市场监督管理局"  # the head: the authority, then the title
    assert lines[1] == "信用修复告知书"
    assert "示范市市场监督管理局（盖章）" in lines and "2026年3月2日" in lines
    # the platform is named only as where the penalty is published
    assert _text(pdf).count("信用中国（示范市）") == 1
    assert PdfReader(BytesIO(pdf)).metadata["/Author"] == "示范市市场监督管理局"


def test_the_base_url_is_printed_and_linked() -> None:
    pdf = render_notice_pdf(BASE)
    assert "https://credit.example.gov.cn/me" in _text(pdf)
    page = PdfReader(BytesIO(pdf)).pages[0]
    uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert uris == ["https://credit.example.gov.cn/me"]


def test_the_rule_set_is_cited_once() -> None:
    # Order 58 is its own legal basis and the basis of its repair procedure: both lists
    # name it, and the notice used to print both as well as the 认定依据 line.
    text = _text(render_notice_pdf(BASE))
    assert text.count("国家发展改革委令第58号") == 1
    assert ("认定依据：《失信行为纠正后的信用信息修复管理办法（试行）》"
            "（国家发展改革委令第58号）") in text
    order_36 = default_rules().get("ndrc_order_36_v1")
    notice_36 = replace(BASE, rule_set_title=order_36.title,
                        rule_set_document_number=order_36.document_number,
                        legal_basis=further_basis(order_36))
    text = _text(render_notice_pdf(notice_36))
    assert text.count("国家发展改革委令第36号") == 1
    assert text.count("国办发〔2025〕22号") == 1


def test_a_normal_penalty_fits_on_one_page_with_its_signature() -> None:
    for notice in (BASE, replace(BASE, legal_basis=further_basis(
            default_rules().get("ndrc_order_36_v1")))):
        pages = _pages(render_notice_pdf(notice))
        assert len(pages) == 1
        assert "第1页共1页" in re.sub(r"\s+", "", pages[0])


def test_no_page_holds_only_the_signature() -> None:
    # content lengths around the one where the text just fills the first page
    sentence = "经查，当事人在经营活动中存在违法行为，依据相关法律法规予以处罚。"
    for n in range(1, 16):
        pdf = render_notice_pdf(replace(BASE, penalty_content="\n".join([sentence * 2] * n)))
        pages = _pages(pdf)
        last = [line.strip() for line in pages[-1].splitlines() if line.strip()]
        body = [line for line in last if "（盖章）" not in line and line != "2026年3月2日"
                and "页共" not in line.replace(" ", "")]
        assert len(body) >= 2, (n, last)


def test_created_on_the_issue_date_with_fonts_embedded() -> None:
    reader = PdfReader(BytesIO(render_notice_pdf(BASE)))
    assert reader.metadata["/CreationDate"] == "D:20260302000000+08'00'"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert {"/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_a_4_page_size() -> None:
    box = PdfReader(BytesIO(render_notice_pdf(BASE))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_no_uscc_prints_no_code() -> None:
    text = _text(render_notice_pdf(replace(BASE, subject_uscc=None)))
    assert "示范市恒达建材有限公司：" in text and "统一社会信用代码" not in text


def test_minor_may_apply_once_the_obligation_is_fulfilled() -> None:
    minor = replace(BASE, severity="轻微", minor=True, min_end=date(2026, 2, 28),
                    repairable_from=date(2026, 3, 1))
    text = _text(render_notice_pdf(minor))
    assert MINOR in text
    assert "起可申请信用修复" not in text
    assert "最短公示期：无" in text  # Order 36: no minimum, min_end = decision date - 1


def test_never_early_says_so_and_why() -> None:
    basis = "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）第十四条"
    text = _text(render_notice_pdf(replace(BASE, severity="严重", never_early=True,
                                           never_early_basis=basis)))
    assert NEVER_EARLY in text and basis in text
    assert "起可申请信用修复" not in text and "申请方式" not in text
    assert "公示至2029年2月28日届满后停止公示" in text
    no_basis = _text(render_notice_pdf(replace(BASE, never_early=True)))
    assert NEVER_EARLY in no_basis and "依照有关规定" in no_basis


def test_same_content_same_bytes_other_content_other_bytes() -> None:
    pdf = render_notice_pdf(BASE)
    assert render_notice_pdf(BASE) == pdf
    assert render_notice_pdf(replace(BASE, max_end=date(2029, 3, 1))) != pdf
    assert render_notice_pdf(replace(BASE, subject_name="示范市恒达建材有限公司 ")) != pdf


def test_bytes_do_not_depend_on_the_process() -> None:
    # a fingerprint is checked later, in another process: hash seed and clock must not leak in
    script = (
        "import hashlib, sys\n"
        "from tests.repair.test_notice import BASE\n"
        "from xinyong.repair.notice import render_notice_pdf\n"
        "sys.stdout.write(hashlib.sha256(render_notice_pdf(BASE)).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=env, cwd=Path(__file__).parents[2])
    assert out.stdout == hashlib.sha256(render_notice_pdf(BASE)).hexdigest()


def test_long_penalty_content_wraps_onto_more_pages() -> None:
    sentence = "经查，当事人在经营活动中存在违法行为，依据相关法律法规予以处罚。"
    body = (sentence * 200)[:3950]
    tail = "处罚内容到此结束ENDOFCONTENT"
    content = body + "\n" + tail
    pdf = render_notice_pdf(replace(BASE, penalty_content=content))
    pages = _pages(pdf)
    assert len(pages) >= 2
    text = _text(pdf)
    assert tail in text
    assert "自2026年6月1日起可申请信用修复" in text  # what follows the content is still there
    assert f"第1页共{len(pages)}页" in text and f"第{len(pages)}页共{len(pages)}页" in text
    # wrapped by measured width: no extracted line is wider than one line of body text
    lines = [line.strip() for page in pages for line in page.splitlines()]
    assert max(len(line) for line in lines) < 60
    # Chinese typography: no line starts with a comma or full stop (避头点)
    assert not [line for line in lines if line[:1] in "，。：；》"]


def test_markup_characters_in_user_text_render_literally() -> None:
    pdf = render_notice_pdf(replace(BASE, subject_name="A&B<公司>",
                                    penalty_content="罚款<b>5万元</b> &amp; 警告",
                                    apply_url='http://x.test/me?a=1&b="2"'))
    text = _text(pdf)
    assert "A&B<公司>" in text
    assert "罚款<b>5万元</b>&amp;警告" in text
    assert 'http://x.test/me?a=1&b="2"' in text


def test_rare_name_characters_extract_as_written() -> None:
    # 䶮 (Ext. A) and 𠮷 (Ext. B, outside the BMP) are in Noto CJK; U+323AF (Ext. H) is in
    # no font shipped: it prints as an empty box but still copies and searches as itself.
    name = "王䶮𠮷\U000323af建材商行"
    text = _text(render_notice_pdf(replace(BASE, subject_name=name)))
    assert f"{name}（统一社会信用代码" in text


# ASCII printable (incl. markup characters) and the common CJK block
_name_chars = st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_name_chars, min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_printable_name_renders_and_extracts(name: str) -> None:
    text = _text(render_notice_pdf(replace(BASE, subject_name=name)))
    assert re.sub(r"\s+", "", name) in text
