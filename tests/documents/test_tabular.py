"""The one CSV/XLSX writer: what a clerk gets when opening a file in Excel or WPS. A cell
that would start a formula is written with a quote in front, whatever wrote it; numbers
stay numbers; CSV is UTF-8 with BOM and CRLF line ends."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from xinyong.core.errors import Problem
from xinyong.documents import (
    Column,
    XlsxWriter,
    csv_bytes,
    csv_chunks,
    neutralise,
    write_csv,
    write_xlsx,
)
from xinyong.ingest.errorfile import ErrorFile
from xinyong.measures import HEADERS, write_report

# The OWASP list of cell starts, as a hostile department or subject would send them.
HOSTILE = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)", "\t=1",
           "\r=1"]
SAFE = [f"'{h}" for h in HOSTILE]
# XML (inside XLSX) reads a carriage return back as a line feed: still behind the quote
SAFE_XLSX = [s.replace("\r", "\n") for s in SAFE]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(path, sheet: int | str = 0) -> list[list[object]]:
    wb = load_workbook(path)
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    # A carriage return reads back as \r with lxml installed (pyHanko needs it) and as \n
    # without: XML parsers differ; the neutralising apostrophe is what is tested.
    return [[v.replace("\r", "\n") if isinstance(v, str) else v for v in row]
            for row in ws.iter_rows(values_only=True)]


def test_neutralise_follows_the_owasp_rule() -> None:
    assert [neutralise(h) for h in HOSTILE] == SAFE
    for fine in ("示范市华盛食品有限公司", "3.5", " =1", "'=1", "", "a=b", "（=1）"):
        assert neutralise(fine) == fine


def test_csv_cells_are_neutralised_numbers_stay_numbers() -> None:
    data = csv_bytes(["名称", "金额", "日期"], [[h, Decimal("-3.5"), date(2026, 3, 1)]
                                              for h in HOSTILE] + [["-1+1", -2, None]])
    assert b"\r\n" in data and data.count(b"\r\n") == len(HOSTILE) + 2
    rows = read_csv(data)
    assert rows[0] == ["名称", "金额", "日期"]
    assert [r[0] for r in rows[1:-1]] == SAFE
    assert rows[1][1:] == ["-3.5", "2026-03-01"]  # a number the platform holds: as it is
    assert rows[-1] == ["'-1+1", "-2", ""]  # the same text as text: neutralised


def test_csv_streams_in_chunks_with_the_same_bytes() -> None:
    rows = [[i, HOSTILE[i % len(HOSTILE)]] for i in range(5000)]
    chunks = list(csv_chunks(["序号", "名称"], rows, chunk_rows=1000))
    assert len(chunks) >= 5
    assert b"".join(chunks) == csv_bytes(["序号", "名称"], rows)


def test_xlsx_cells_are_neutralised_numbers_stay_numbers(tmp_path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", ["名称", "金额"],
                      [[h, -3.5] for h in HOSTILE] + [["ok\x01\x02", Decimal("2.25")]])
    rows = read_xlsx(path)
    assert rows[0] == ["名称", "金额"]
    assert [r[0] for r in rows[1:-1]] == SAFE_XLSX
    assert rows[1][1] == -3.5
    assert rows[-1] == ["ok", 2.25]  # control characters XML cannot hold are dropped


@given(st.text(max_size=30))
def test_no_written_cell_starts_a_formula(text: str) -> None:
    (row,) = read_csv(csv_bytes(None, [[text]]))
    value = row[0] if row else ""
    assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert value in (text, "'" + text) or text.startswith("\r")  # csv folds a bare \r


def test_the_ingest_error_file_neutralises_the_values_it_repeats(tmp_path) -> None:
    path = tmp_path / "处罚数据_错误.csv"
    with ErrorFile(path) as errors:
        for i, h in enumerate(HOSTILE, start=2):
            errors.add(Problem(row=i, field="处罚决定日期", rule="date",
                               message="「处罚决定日期」不是日期", value=h))
    rows = read_csv(path.read_bytes())
    # records-integrity added the 6th column (级别: 错误 or 警告, Problem.level).
    assert rows[0] == ["行号", "字段", "规则", "说明", "原值", "级别"]
    assert [r[4] for r in rows[1:]] == SAFE
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(2, 2 + len(HOSTILE))]


def test_the_measures_report_neutralises_officers_text(tmp_path) -> None:
    rows = [(str(i), "2026-11-02 10:00:00", "示范市财政局", h, "政府采购", h, "",
             "限制参加政府采购", "惩戒", "1", "严重失信主体名单", "《政府采购法》", "未实施",
             h, h, "2026-11-03 09:00:00") for i, h in enumerate(HOSTILE)]
    assert len(rows[0]) == len(HEADERS)
    csv_rows = read_csv(write_report(tmp_path / "r.csv", rows, "csv").read_bytes())
    xlsx_rows = read_xlsx(write_report(tmp_path / "r.xlsx", rows, "xlsx"))
    for table, expected in ((csv_rows, SAFE), (xlsx_rows, SAFE_XLSX)):
        assert list(table[0]) == list(HEADERS)
        for row, safe in zip(table[1:], expected, strict=True):
            assert [row[3], row[5], row[13], row[14]] == [safe] * 4


def test_write_csv_creates_its_folder(tmp_path) -> None:
    path = write_csv(tmp_path / "a" / "b.csv", ["x"], [["=1"]])
    assert read_csv(path.read_bytes()) == [["x"], ["'=1"]]


def test_xlsx_header_comments_and_drop_down_lists(tmp_path) -> None:
    book = XlsxWriter()
    book.sheet("数据", [Column("类别", comment="必填", choices=("甲", "乙"), required=True),
                       Column("多选", choices=("子", "丑", "寅"), strict=False), "备注"])
    book.save(tmp_path / "v.xlsx")
    wb = load_workbook(tmp_path / "v.xlsx")
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].comment.text == "必填" and ws["C1"].comment is None
    lists = wb["代码表"]
    assert lists.sheet_state == "hidden"
    found = {}
    for dv in ws.data_validations.dataValidation:
        ref = dv.formula1.split("!")[1].replace("$", "")
        found[str(dv.sqref).split(":")[0]] = ([c.value for row in lists[ref] for c in row],
                                             dv.errorStyle)
    assert found == {"A2": (["甲", "乙"], "stop"), "B2": (["子", "丑", "寅"], "information")}
