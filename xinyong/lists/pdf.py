"""Temporary PDF rendering of the listing documents (告知书, 认定决定书).

TODO(documents): switch to the shared renderer `xinyong.documents` (embedded Noto CJK fonts)
when it lands; this minimal path uses reportlab's built-in CID font STSong-Light (nothing
embedded or downloaded, text extractable) like the repair notice does today. Deterministic:
the same content gives the same bytes.
"""

from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from xinyong.lists.documents import DocumentContent, cn_date

FONT = "STSong-Light"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _x(text: str) -> str:
    return escape(_CONTROL.sub("", text))


def render_pdf(doc: DocumentContent) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("title", base, fontSize=18, leading=26, alignment=TA_CENTER,
                           spaceAfter=3 * mm)
    right = ParagraphStyle("right", base, alignment=TA_RIGHT)
    body = ParagraphStyle("body", base, firstLineIndent=22, spaceBefore=2)
    field = ParagraphStyle("field", base, leftIndent=22)
    story: list[Flowable] = [Paragraph(_x(doc.title), title),
                             Paragraph(f"编号：{_x(doc.number)}", right), Spacer(1, 3 * mm),
                             Paragraph(_x(doc.addressee), base)]
    story += [Paragraph(_x(p), body) for p in doc.paragraphs]
    story.append(Spacer(1, 3 * mm))
    story += [Paragraph(f"{_x(k)}：{_x(v)}", field) for k, v in doc.rows]
    story += [Spacer(1, 10 * mm), Paragraph(_x(doc.authority), right),
              Paragraph(cn_date(doc.issued_on), right)]
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                      topMargin=25 * mm, bottomMargin=25 * mm,
                      title=f"{doc.title} {doc.number}", author=doc.authority,
                      creator="xinyong", invariant=1, pageCompression=1).build(story)
    return buf.getvalue()
