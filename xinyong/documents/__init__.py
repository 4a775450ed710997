"""Documents the platform issues: one PDF renderer for every document (notices, decisions,
reports) and one writer for every CSV and XLSX file, with formula injection neutralised.

    from xinyong.documents import Document, Heading, KeyValues, Paragraph, render_pdf
    pdf = render_pdf(Document(title="信用报告", authority="示范市发展和改革委员会",
                              issued_on=day, number="示信报〔2026〕8号",
                              blocks=(Heading("基本信息"),
                                      KeyValues((("主体名称", name),)),
                                      Paragraph("……"))))

    from xinyong.documents import Column, XlsxWriter, write_csv
    write_csv(path, ["名称", "结果"], rows)              # UTF-8 BOM, CRLF, neutralised

The PDF renderer (and its fonts) load on first use, so that code writing only CSV files does
not import it.
"""

from typing import TYPE_CHECKING, Any

from xinyong.documents.model import (
    BarChart,
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
from xinyong.documents.tabular import (
    Column,
    CsvWriter,
    XlsxWriter,
    csv_bytes,
    csv_chunks,
    neutralise,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)

if TYPE_CHECKING:
    from xinyong.documents.fonts import FontSet, load_fonts
    from xinyong.documents.pdf import default_fonts, render_pdf

_LAZY = {"render_pdf": "pdf", "default_fonts": "pdf", "load_fonts": "fonts",
         "FontSet": "fonts"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"xinyong.documents.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = ["BarChart", "Block", "Column", "CsvWriter", "Document", "FontSet", "Heading", "Items",
           "KeyValues", "Paragraph", "QrCode", "Signature", "Spacer", "Table", "XlsxWriter",
           "cn_date", "csv_bytes", "csv_chunks", "default_fonts", "load_fonts", "neutralise",
           "render_pdf", "write_csv", "write_xlsx", "xlsx_bytes"]
