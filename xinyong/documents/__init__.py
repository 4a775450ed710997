"""Documents the platform issues: one PDF renderer for every document (notices, decisions,
reports) and one writer for every CSV and XLSX file, with formula injection neutralised.

    from xinyong.documents import Document, Paragraph, render_pdf
    pdf = render_pdf(Document(title="信用修复告知书", authority="示范市市场监督管理局",
                              issued_on=day, blocks=(Paragraph("……"),)))
"""

from xinyong.documents.fonts import FontSet, load_fonts
from xinyong.documents.model import (
    Block,
    Document,
    Heading,
    Items,
    KeyValues,
    Paragraph,
    QrCode,
    Signature,
    Spacer,
    Table,
    cn_date,
)
from xinyong.documents.pdf import default_fonts, render_pdf

__all__ = ["Block", "Document", "FontSet", "Heading", "Items", "KeyValues", "Paragraph",
           "QrCode", "Signature", "Spacer", "Table", "cn_date", "default_fonts", "load_fonts",
           "render_pdf"]
