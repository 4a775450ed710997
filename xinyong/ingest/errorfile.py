"""The error file a data officer opens in Excel: CSV, UTF-8 with BOM, one line per problem.

Written through the platform's one CSV writer: the 原值 column repeats what a department sent,
so a value like `=HYPERLINK(...)` is neutralised (written as `'=HYPERLINK(...)`), never run.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from xinyong.core.errors import Problem
from xinyong.documents.tabular import CsvWriter

HEADERS = ["行号", "字段", "规则", "说明", "原值", "级别"]
LEVELS = {"error": "错误（未导入）", "warning": "警告（已导入）"}


class ErrorFile:
    """Streams problems to disk as they are found; removed again if there were none.
    A warning row (a stored row with something to fix) is marked in the last column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.warnings = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._writer = CsvWriter(self._fh, HEADERS)

    def add(self, p: Problem) -> None:
        self.count += 1
        self.warnings += p.level == "warning"
        self._writer.row([p.row, p.field, p.rule, p.message, p.value,
                          LEVELS.get(p.level, p.level)])

    def __enter__(self) -> ErrorFile:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._fh.close()
        if self.count == 0:
            self.path.unlink(missing_ok=True)
