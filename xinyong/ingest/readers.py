"""Streaming readers for CSV (UTF-8 or GB18030), XLSX and JSON uploads.

Rows come out keyed by the catalog's English field name, whatever header language the file
used (Chinese header, English name or national field code). Rows are numbered as a
spreadsheet shows them: the header is row 1 (or the row after a title, see MAX_TITLE_ROWS),
the first data row the next; JSON rows from 1.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinyong.catalog.model import RecordType
from xinyong.core.errors import Invalid, Problem

IGNORED_HEADERS = {"序号", "no", "#"}
FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class RowSource:
    format: str
    encoding: str | None
    sha256: str
    rows: Iterator[tuple[int, dict[str, Any] | None]]


def _norm_header(h: Any) -> str:
    return unicodedata.normalize("NFKC", str(h or "")).strip().replace(" ", "").lower()


def header_map(rt: RecordType, headers: list[Any], row: int = 1) -> dict[int, str]:
    """Column index -> field name; refuse unknown or duplicate columns (file-level error).
    `row`: the header's row number as the spreadsheet shows it (after any title rows)."""
    lookup: dict[str, str] = {}
    for f in rt.fields:
        for alias in (f.header, f.name, f.code):
            lookup[_norm_header(alias)] = f.name
    mapping: dict[int, str] = {}
    problems: list[Problem] = []
    for i, h in enumerate(headers):
        key = _norm_header(h)
        if not key or key in IGNORED_HEADERS:
            continue
        name = lookup.get(key)
        if name is None:
            problems.append(Problem(row=row, field=str(h), rule="unknown_column",
                                    message=f"列「{h}」不在「{rt.name}」目录中"))
        elif name in mapping.values():
            problems.append(Problem(row=row, field=str(h), rule="duplicate_column",
                                    message=f"列「{h}」重复"))
        else:
            mapping[i] = name
    missing = [f.header for f in rt.fields if f.required and f.name not in mapping.values()]
    for header in missing:
        problems.append(Problem(row=row, field=header, rule="missing_column",
                                message=f"缺少必填列「{header}」"))
    if problems:
        raise Invalid(f"文件表头与「{rt.name}」目录不符，整批未导入", code="bad_header",
                      errors=problems)
    return mapping


# Department exports often carry a title above the header (「XX局2026年11月行政许可信息」 in
# merged cells) or blank rows: up to this many such rows are skipped before the header.
MAX_TITLE_ROWS = 5


def _is_title(cells: Any) -> bool:
    """A row with at most one filled cell: a title or a blank line, never a header (every
    record type has several required columns)."""
    return sum(1 for c in cells if c is not None and str(c).strip()) <= 1


def _header_row(rows: Iterator[Any]) -> tuple[int, list[Any]]:
    """(row number, header cells): the first row that is not a title, within the first
    MAX_TITLE_ROWS + 1 rows; a file with nothing else is empty."""
    for n, cells in enumerate(rows, start=1):
        if not _is_title(cells) or n > MAX_TITLE_ROWS:
            return n, list(cells)
    raise Invalid("文件为空（没有表头行）", code="empty_file")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_encoding(path: Path) -> str:
    """UTF-8 if the whole file decodes as UTF-8 (checked in a streaming pass), else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Excel uses for CSV on Chinese
    Windows; a file valid as UTF-8 is almost never meant as GB18030.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv_rows(path: Path, rt: RecordType, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    n = 1
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            first, headers = _header_row(reader)
            mapping = header_map(rt, headers, first)
            for n, cells in enumerate(reader, start=first + 1):  # noqa: B007 - reported below
                if not any(c.strip() for c in cells):
                    continue
                yield n, {name: cells[i] if i < len(cells) else None
                          for i, name in mapping.items()}
    except UnicodeDecodeError as exc:
        # Neither UTF-8 nor GB18030 (found by the upload-parser fuzz): a file-level refusal.
        raise Invalid(f"文件编码无法识别（第{n}行附近不是 UTF-8 或 GB18030 文本）",
                      code="bad_encoding") from exc


BAD_XLSX = "不是有效的XLSX文件（文件为空、已损坏或不完整；请用Excel或WPS重新保存为.xlsx后上传）"


def xlsx_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """The cell values of the first sheet, row by row. An empty, truncated or corrupt file,
    or one that is not XLSX at all, is refused with Invalid (bad_file) wherever openpyxl or
    the zip and XML layers under it fail: on opening or in the middle of the rows."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a non-xlsx file
        raise Invalid(f"{path.name}：{BAD_XLSX}", code="bad_file") from exc
    try:
        if not wb.worksheets:
            raise Invalid(f"{path.name}：{BAD_XLSX}", code="bad_file")
        yield from wb.worksheets[0].iter_rows(values_only=True)
    except Invalid:
        raise
    except Exception as exc:  # a damaged part is only found when its rows are read
        raise Invalid(f"{path.name}：{BAD_XLSX}", code="bad_file") from exc
    finally:
        wb.close()


def _xlsx_rows(path: Path, rt: RecordType) -> Iterator[tuple[int, dict[str, Any]]]:
    rows = xlsx_rows(path)
    first, headers = _header_row(rows)
    mapping = header_map(rt, headers, first)
    for n, cells in enumerate(rows, start=first + 1):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        yield n, {name: cells[i] if i < len(cells) else None for i, name in mapping.items()}


def table_rows(path: Path) -> list[list[Any]]:
    """Every row of a small CSV (UTF-8 or GB18030, detected) or XLSX (first sheet) as lists of
    cells, header included: an applicant list to check, a file of received list decisions.
    Record files are streamed by `open_rows` instead. An empty file is refused."""
    if not path.is_file():
        raise Invalid(f"文件不存在：{path}", code="file_missing")
    if path.suffix.lower() == ".xlsx":
        table = [list(r) for r in xlsx_rows(path)]
    else:
        try:
            with path.open(encoding=detect_encoding(path), newline="") as fh:
                table = list(csv.reader(fh))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise Invalid(f"{path.name}：不是可读的 CSV 文件（UTF-8 或 GB18030；请另存为"
                          "“CSV UTF-8”或 XLSX）", code="bad_file") from exc
    if not table:
        raise Invalid(f"{path.name}：文件为空", code="file_empty")
    return table


def json_rows(items: Any, rt: RecordType) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Rows from a parsed JSON array of objects (file upload or API push)."""
    if not isinstance(items, list):
        raise Invalid("JSON内容应为对象数组", code="bad_file")
    headers: list[str] = []
    for item in items:
        if isinstance(item, dict):
            headers.extend(k for k in item if k not in headers)
    mapping = header_map(rt, headers) if headers else {}
    by_header = {headers[i]: name for i, name in mapping.items()}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield n, None
            continue
        yield n, {by_header[k]: v for k, v in item.items() if k in by_header}


def open_rows(path: Path, rt: RecordType, fmt: str | None = None) -> RowSource:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise Invalid(f"不支持的文件格式「{fmt}」（支持 CSV、XLSX、JSON）", code="bad_format")
    if not path.is_file():
        raise Invalid(f"文件不存在：{path}", code="file_missing")
    digest = file_sha256(path)
    if fmt == "csv":
        enc = detect_encoding(path)
        return RowSource("csv", enc, digest, _csv_rows(path, rt, enc))
    if fmt == "xlsx":
        return RowSource("xlsx", None, digest, _xlsx_rows(path, rt))
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"JSON文件无法解析：{exc}", code="bad_file") from exc
    return RowSource("json", "utf-8", digest, json_rows(items, rt))
