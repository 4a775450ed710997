"""The one PDF renderer: a Document (model.py) in, A4 PDF bytes out.

- Fonts embedded: each document carries a subset of the system's Noto CJK face with exactly
  its characters (fonts.py), regular for text and bold for the head and headings.
- Deterministic: the creation date is the document's issue date (00:00 in the platform zone)
  and the file ID is a hash of the content, so the same document gives the same bytes in any
  process; an issued document can be fingerprinted (sha256) and re-rendered to prove it.
- Fast: the fonts are loaded once per process and converted glyphs are cached; a typical
  two-page document renders in tens of milliseconds once the process is warm.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.fonts import TTFFont

from xinyong.core import clock
from xinyong.documents.fonts import Face, FontSet, fonts_for
from xinyong.documents.layout import (
    FOOTER,
    FOOTER_Y,
    PAGE_W,
    Layout,
    Placed,
    Qr,
    Rect,
    Text,
)
from xinyong.documents.model import Document

CREATOR = "xinyong"
_REGULAR, _BOLD = "docfont", "docfontB"


@lru_cache(maxsize=1)
def default_fonts() -> FontSet:
    """The fonts named by XINYONG_PDF_FONT (or the fonts-noto-cjk defaults), loaded once."""
    from xinyong.core.settings import Settings

    return fonts_for(Settings().pdf_font or None)


def render_pdf(doc: Document, *, fonts: FontSet | None = None) -> bytes:
    """The document as an A4 PDF; the same document always gives the same bytes."""
    fonts = fonts or default_fonts()
    measure = _Measure(fonts)
    pages = Layout(doc, measure).pages()
    total = len(pages)
    footers = [_footer(doc, i, total) for i in range(1, total + 1)]

    regular: set[int] = {ord(c) for line in footers for c in line}
    bold: set[int] = set()
    for page in pages:
        for placed in page:
            for op in placed.box.ops:
                if isinstance(op, Text):
                    (bold if op.bold else regular).update(ord(c) for c in op.text)

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    _register(pdf, _REGULAR, "", fonts.regular, regular)
    _register(pdf, _BOLD, "", fonts.bold, bold)
    _metadata(pdf, doc)
    for page, footer in zip(pages, footers, strict=True):
        pdf.add_page()
        for placed in page:
            _draw(pdf, placed)
        pdf.set_text_color(90)
        pdf.set_font(_REGULAR, size=FOOTER)
        width = measure(footer, FOOTER, False)
        pdf.text((PAGE_W - width) / 2, FOOTER_Y, footer)
        pdf.set_text_color(0)
    return bytes(pdf.output())


# -- drawing -------------------------------------------------------------------------------


def _draw(pdf: FPDF, placed: Placed) -> None:
    y0 = placed.y
    for op in placed.box.ops:
        if isinstance(op, Rect):
            pdf.set_line_width(0.5)
            pdf.set_draw_color(0)
            pdf.set_fill_color(232)
            pdf.rect(op.x, y0 + op.dy, op.w, op.h, style="DF" if op.fill else "D")
        elif isinstance(op, Text):
            if not op.text:
                continue
            pdf.set_font(_BOLD if op.bold else _REGULAR, size=op.size)
            pdf.text(op.x, y0 + op.dy, op.text)
            if op.link:
                pdf.link(op.x, y0 + op.dy - op.size, op.width, op.size * 1.3, op.link)
        elif isinstance(op, Qr):
            _qr(pdf, op, y0)


def _qr(pdf: FPDF, op: Qr, y0: float) -> None:
    """The QR code as vector squares (no image, crisp at any zoom), quiet zone included."""
    code = segno.make(op.payload, error="m", micro=False)
    matrix = code.matrix
    quiet = 4
    module = op.size / (len(matrix) + 2 * quiet)
    top, left = y0 + op.dy + quiet * module, op.x + quiet * module
    pdf.set_fill_color(0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(left + start * module, top + r * module, (c - start) * module, module,
                     style="F")


def _footer(doc: Document, page: int, total: int) -> str:
    numbers = f"第 {page} 页 共 {total} 页"
    return f"{doc.footer}　{numbers}" if doc.footer else numbers


def _register(pdf: FPDF, family: str, style: str, face: Face, codepoints: set[int]) -> None:
    """The document's own subset of `face` as an fpdf2 font (from memory, not a file)."""
    data = face.subset(codepoints)
    key = f"{family.lower()}{style}"
    font = TTFFont(pdf, BytesIO(data), key, style)  # type: ignore[arg-type]
    # the subset's bounds are already right: saving it again copies each glyph's bytes
    font.ttfont.recalcBBoxes = False
    pdf.fonts[key] = font


def _metadata(pdf: FPDF, doc: Document) -> None:
    pdf.set_title(f"{doc.title} {doc.number}".strip() if doc.number else doc.title)
    pdf.set_author(doc.authority)
    if doc.subject:
        pdf.set_subject(doc.subject)
    if doc.keywords:
        pdf.set_keywords(" ".join(doc.keywords))
    pdf.set_creator(CREATOR)
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(clock.aware(datetime.combine(doc.issued_on, time(0, 0))))


class _Measure:
    """Text width in points from the faces' advance widths (what the PDF viewer uses)."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts

    def __call__(self, text: str, size: float, bold: bool) -> float:
        face = self.fonts.bold if bold else self.fonts.regular
        advance = face.advance
        return sum(advance(ord(c)) for c in text) * size / face.upem
