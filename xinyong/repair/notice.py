"""The credit-repair notice (信用修复告知书) sent with every penalty decision ("两书同达").

It tells the subject how long the penalty stays public and when and how it may apply for
credit repair. The PDF is deterministic (same content -> same bytes) so an issued notice can be
fingerprinted with sha256 and re-rendered later to prove what was sent.

Font: reportlab's built-in CID font STSong-Light (Adobe-GB1, UniGB-UCS2-H). Nothing is
embedded or downloaded; viewers substitute a local Song/Ming face, and the UCS-2 encoding keeps
the text extractable (search, copy, the tests). A character the Adobe-GB1 set lacks (some rare
name characters, anything beyond the BMP) still extracts correctly but shows as a blank glyph;
embedding a TrueType face would fix that, at the cost of a font file in the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import paragraph as _paragraph

FONT = "STSong-Light"
TITLE = "信用修复告知书"
_MARGIN = 25 * mm
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class NoticeContent:
    notice_number: str  # e.g. "XF-2026-00000123"
    issued_on: date
    platform_name: str  # e.g. "信用示范市"
    subject_name: str
    subject_uscc: str | None
    document_number: str  # 行政处罚决定书文号
    decision_date: date
    authority_name: str  # 处罚机关
    penalty_content: str  # may be long; wraps and may flow onto later pages
    severity: str  # 轻微 / 一般 / 严重
    rule_set_title: str  # e.g. 信用修复管理办法
    rule_set_document_number: str  # e.g. 国家发展改革委令第36号
    min_end: date  # last day of the minimum publication period (< decision_date: none)
    max_end: date  # last public day if nothing ends it earlier
    repairable_from: date  # first day an application may be made
    minor: bool  # 轻微: may apply as soon as the legal obligation is fulfilled
    never_early: bool  # a penalty kind whose publication may never end early
    never_early_basis: str | None
    apply_url: str  # where to apply online
    materials: tuple[str, ...]  # what to submit
    legal_basis: tuple[str, ...]  # citations
    # The provider's own 公示截止期 as the last public day, when it lies within the rule's
    # minimum and maximum and so ends the publication (the site's 公示截止日期).
    publish_until: date | None = None


def cn_date(day: date) -> str:
    """The date as official documents print it: 2026年3月1日 (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def render_notice_pdf(content: NoticeContent) -> bytes:
    """The notice as an A4 PDF; the same content always gives the same bytes."""
    _setup()
    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"{TITLE} {content.notice_number}",
        author=content.platform_name,
        subject=content.document_number,
        creator="xinyong",
        # invariant: fixed creation date and document id, so the bytes depend on content only
        invariant=1,
        pageCompression=1,
    )

    def footer(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(
            A4[0] / 2, 12 * mm, f"{content.notice_number}  第 {canvas.getPageNumber()} 页"
        )
        canvas.restoreState()

    doc.build(_story(content), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# -- layout --------------------------------------------------------------------------------


def _story(c: NoticeContent) -> list[Flowable]:
    s = _Styles()
    story: list[Flowable] = [
        Paragraph(TITLE, s.title),
        Paragraph(f"编号：{_x(c.notice_number)}", s.right),
        Spacer(1, 4 * mm),
        Paragraph(f"{_x(c.subject_name)}：", s.left),
    ]
    if c.subject_uscc:
        story.append(Paragraph(f"（统一社会信用代码：{_x(c.subject_uscc)}）", s.left))
    story.append(Paragraph(
        f"你单位受到的下列行政处罚信息已在{_x(c.platform_name)}依法公示。现将公示期限及"
        "信用修复有关事项告知如下：", s.body))

    sections: list[tuple[str, list[Flowable]]] = [
        ("行政处罚信息", _penalty(c, s)),
        ("公示期限", _period(c, s)),
        ("信用修复", [Paragraph(_repair_sentence(c), s.body)]),
    ]
    if not c.never_early:
        sections.append(("申请方式", _how_to_apply(c, s)))
    if c.legal_basis:
        sections.append(("法律依据", [Paragraph(_x(b), s.item) for b in c.legal_basis]))

    for number, (heading, flowables) in zip(_NUMERALS, sections, strict=False):
        story.append(Paragraph(f"{number}、{heading}", s.heading))
        story.extend(flowables)

    story += [
        Spacer(1, 10 * mm),
        Paragraph(_x(c.platform_name), s.right),
        Paragraph(cn_date(c.issued_on), s.right),
    ]
    return story


_NUMERALS = "一二三四五六七八九十"


def _penalty(c: NoticeContent, s: _Styles) -> list[Flowable]:
    out: list[Flowable] = [
        _field("决定书文号", c.document_number, s),
        _field("决定日期", cn_date(c.decision_date), s),
        _field("处罚机关", c.authority_name, s),
        Paragraph("处罚内容：", s.body),
    ]
    # a line break in the source is a paragraph break; Paragraph would fold it into a space
    lines = [line for line in c.penalty_content.splitlines() if line.strip()] or ["（无）"]
    out.extend(Paragraph(_x(line), s.quote) for line in lines)
    return out


def _period(c: NoticeContent, s: _Styles) -> list[Flowable]:
    # Order 36 gives 轻微 a minimum of 0 months, recorded as min_end = decision_date - 1
    minimum = "无" if c.min_end < c.decision_date else f"{cn_date(c.min_end)}届满"
    return [
        _field("失信程度", c.severity, s),
        _field("认定依据", f"《{c.rule_set_title}》（{c.rule_set_document_number}）", s),
        _field("最短公示期", minimum, s),
        _field("最长公示期", f"{cn_date(c.max_end)}届满", s),
        *([_field("公示期限", f"{cn_date(c.publish_until)}届满（作出决定的部门确定）", s)]
          if c.publish_until and c.publish_until != c.max_end else []),
    ]


def _repair_sentence(c: NoticeContent) -> str:
    """When the subject may apply, as markup (user text escaped)."""
    end = f"公示至{cn_date(c.publish_until or c.max_end)}届满后停止公示。"
    if c.never_early:
        # never_early outranks minor: no application can end this publication early
        why = f"根据{_x(c.never_early_basis)}，" if c.never_early_basis else "依照有关规定，"
        return f"{why}此类行政处罚信息不得提前停止公示，不适用信用修复。" + end
    if c.minor:
        return ("该行政处罚属轻微失信行为，履行法定义务后即可申请信用修复，无需等待公示期届满。"
                "未提前停止公示的，" + end)
    return (f"你单位履行行政处罚决定规定的义务后，自{cn_date(c.repairable_from)}起可申请信用修复，"
            "经审核同意的，提前停止公示；未提前停止公示的，" + end)


def _how_to_apply(c: NoticeContent, s: _Styles) -> list[Flowable]:
    url = _x(c.apply_url)
    out: list[Flowable] = [Paragraph(
        f"请登录 <link href=\"{_x(c.apply_url, quote=True)}\">{url}</link> 在线提交申请。",
        s.body)]
    if c.materials:
        out.append(Paragraph("申请时需提交以下材料：", s.body))
        out.extend(
            Paragraph(f"{i}. {_x(m)}", s.item) for i, m in enumerate(c.materials, start=1)
        )
    return out


def _field(label: str, value: str, s: _Styles) -> Paragraph:
    return Paragraph(f"{label}：{_x(value)}", s.field)


class _Styles:
    """Paragraph styles; CJK word wrap breaks lines by measured width (CJK has no spaces)."""

    def __init__(self) -> None:
        base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=18,
                              wordWrap="CJK", alignment=TA_LEFT)
        self.title = ParagraphStyle("title", base, fontSize=20, leading=28,
                                    alignment=TA_CENTER, spaceAfter=4 * mm)
        self.right = ParagraphStyle("right", base, alignment=TA_RIGHT)
        self.left = base
        self.body = ParagraphStyle("body", base, firstLineIndent=22, spaceBefore=2)
        self.heading = ParagraphStyle("heading", base, fontSize=12, leading=20,
                                      spaceBefore=3 * mm, spaceAfter=1 * mm)
        self.field = ParagraphStyle("field", base, leftIndent=22)
        self.item = ParagraphStyle("item", base, leftIndent=22)
        self.quote = ParagraphStyle("quote", base, leftIndent=22, firstLineIndent=22)


# -- helpers -------------------------------------------------------------------------------


def _x(text: str, *, quote: bool = False) -> str:
    """User text as Paragraph markup: <, > and & are literal, never tags or entities.

    Control characters have no glyph (viewers draw boxes); imported data does carry them.
    """
    return escape(_CONTROL.sub("", text), {'"': "&quot;"} if quote else {})


def _setup() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # reportlab's list of characters that may not start a line is Japanese-oriented: without
    # the Chinese full-width comma, colon etc. a wrapped line could begin with "，" (GB/T 15834
    # and every official document avoid that). Idempotent; only ever adds characters.
    # Both wrappers read it: textsplit for one-run paragraphs, paragraph for mixed runs.
    for module in (_textsplit, _paragraph):
        missing = "".join(ch for ch in _ZH_CANNOT_START if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing


_ZH_CANNOT_START = "，：；！？》〉"
