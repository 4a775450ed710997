"""The one writer for every CSV and XLSX file the platform produces (error files, templates,
exports, reports, check results), so that none of them can carry a spreadsheet formula.

Formula injection (OWASP "CSV injection"): a cell whose text starts with `=`, `+`, `-`, `@`,
a tab (0x09) or a carriage return (0x0D) is run as a formula by Excel or WPS when a clerk
opens the file — a name like `=HYPERLINK("http://…")` or `=cmd|' /C calc'!A0` sent by a
department or typed by a subject. Every text cell that starts so is written with a single
quote in front (`'=HYPERLINK(…)`): the spreadsheet shows it as text, the reader sees what was
sent. Numbers are written as numbers: in XLSX a number cell is never a formula, and in CSV a
value the platform holds as a number (int, float, Decimal) is written as it is, so -3.5
stays -3.5; only text is neutralised, so a text "-3.5" becomes "'-3.5".

CSV: UTF-8 with a byte order mark (Excel then reads it as UTF-8), CRLF line ends, rows
written as they come (streaming). XLSX: openpyxl's write-only mode (rows streamed to disk),
bold header row frozen at the top, optional comments on headers and drop-down lists
(data validation) per column, the lists kept on a hidden sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SHEET = "代码表"
EXCEL_MAX_ROW = 1_048_576
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML text

Cell = str | int | float | Decimal | date | datetime | None


def neutralise(text: str) -> str:
    """Text as a spreadsheet shows it and never runs it: the OWASP rule."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number, not text: written as it is (see module docstring)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


# -- CSV -----------------------------------------------------------------------------------


class CsvWriter:
    """Rows to a text stream opened with newline="" (a file, a StringIO), as they come."""

    def __init__(self, stream: IO[str], header: Sequence[str] | None = None, *,
                 bom: bool = True) -> None:
        if bom:
            stream.write("\ufeff")
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self.rows_written = 0
        if header is not None:
            self._writer.writerow([csv_cell(h) for h in header])

    def row(self, values: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in values])
        self.rows_written += 1

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.row(values)


def write_csv(path: Path, header: Sequence[str] | None, rows: Iterable[Iterable[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        CsvWriter(fh, header).rows(rows)
    return path


def csv_bytes(header: Sequence[str] | None, rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    CsvWriter(out, header).rows(rows)
    return out.getvalue().encode("utf-8")


def csv_chunks(header: Sequence[str] | None, rows: Iterable[Iterable[Any]],
               chunk_rows: int = 2000) -> Iterator[bytes]:
    """The CSV as encoded chunks of `chunk_rows` rows, for a streamed HTTP response."""
    out = io.StringIO()
    writer = CsvWriter(out, header)
    for values in rows:
        writer.row(values)
        if writer.rows_written % chunk_rows == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


# -- XLSX ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an XLSX sheet: its header and what the header cell offers the reader.

    `choices`: a drop-down list on every data cell of the column; `strict` refuses other
    values (Excel's "stop"), otherwise Excel only informs (for code lists that also accept
    aliases, "其他-…" values or several codes separated by semicolons). `comment`: a note on
    the header cell (what to enter). `required`: the header is highlighted."""

    header: str
    comment: str | None = None
    choices: tuple[str, ...] = ()
    strict: bool = True
    required: bool = False
    width: float | None = None


REQUIRED_COLOUR, HEADER_COLOUR = "FFF2CC", "E7E6E6"


def xlsx_value(value: Any) -> Any:
    """What a cell holds: numbers and dates as themselves, text neutralised."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, int | float | Decimal | date | datetime):
        return value
    return neutralise(_XLSX_ILLEGAL.sub("", str(value)))


class XlsxSheet:
    def __init__(self, book: XlsxWriter, ws: Any, columns: Sequence[Column]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self._book, self._ws = book, ws
        if not columns:
            return
        from openpyxl.utils import get_column_letter

        for i, col in enumerate(columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = col.width or max(10, min(40, _width(col)))
            if col.choices:
                ws.data_validations.append(book._validation(col, letter))
        ws.freeze_panes = "A2"  # before the first row: write-only sheets stream their head
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=xlsx_value(col.header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid",
                                    fgColor=REQUIRED_COLOUR if col.required else HEADER_COLOUR)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if col.comment:
                cell.comment = _comment(col.comment)
            header.append(cell)
        ws.append(header)

    def row(self, values: Iterable[Any]) -> None:
        self._ws.append([xlsx_value(v) for v in values])

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.row(values)


class XlsxWriter:
    """A workbook written in streaming mode: add sheets, append rows, save once."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self._wb = Workbook(write_only=True)
        self._lists: list[tuple[str, ...]] = []

    def sheet(self, title: str, columns: Sequence[Column | str] = ()) -> XlsxSheet:
        ws = self._wb.create_sheet(title=_sheet_title(title))
        cols = [c if isinstance(c, Column) else Column(c) for c in columns]
        return XlsxSheet(self, ws, cols)

    def save(self, target: Path | IO[bytes]) -> None:
        if self._lists:
            ws = self._wb.create_sheet(title=LIST_SHEET)
            ws.sheet_state = "hidden"
            longest = max(len(values) for values in self._lists)
            for r in range(longest):
                ws.append([xlsx_value(v[r]) if r < len(v) else None for v in self._lists])
        if isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._wb.save(str(target))
        else:
            self._wb.save(target)

    def _validation(self, col: Column, letter: str) -> Any:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        self._lists.append(col.choices)
        source = get_column_letter(len(self._lists))
        dv = DataValidation(
            type="list", formula1=f"'{LIST_SHEET}'!${source}$1:${source}${len(col.choices)}",
            allow_blank=True, showErrorMessage=True,
            errorStyle="stop" if col.strict else "information",
            errorTitle=col.header[:32],
            error=("请从下拉列表中选择" if col.strict else
                   "该值不在代码表中，请确认是否为允许的写法")[:255],
            promptTitle=col.header[:32],
            prompt=("可选值见下拉列表" if col.strict else "可从下拉列表选择")[:255],
            showInputMessage=False)
        dv.add(f"{letter}2:{letter}{EXCEL_MAX_ROW}")
        return dv


def write_xlsx(path: Path, columns: Sequence[Column | str], rows: Iterable[Iterable[Any]],
               *, sheet: str = "数据") -> Path:
    book = XlsxWriter()
    book.sheet(sheet, columns).rows(rows)
    book.save(path)
    return path


def xlsx_bytes(columns: Sequence[Column | str], rows: Iterable[Iterable[Any]], *,
               sheet: str = "数据") -> bytes:
    book = XlsxWriter()
    book.sheet(sheet, columns).rows(rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _comment(text: str) -> Any:
    from openpyxl.comments import Comment

    comment = Comment(text, "xinyong")
    lines = sum(1 + len(line) // 18 for line in text.splitlines() or [""])
    comment.width = 260
    comment.height = max(60, 20 * lines)
    return comment


def _width(col: Column) -> float:
    return 2.2 * len(col.header) + 2


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet"
