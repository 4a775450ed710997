"""A statistics period: a month ("2026-11") or a quarter ("2026-Q4"). Its own module, so
that the indicator model and the sources that compute them both read it without importing
each other."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from xinyong.core.errors import Invalid

_MONTH = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(20\d{2})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    """A month ("2026-11") or a quarter ("2026-Q4"): first and last day."""

    key: str
    kind: str
    start: date
    end: date

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        return cls(f"{y:04d}-{m:02d}", "month", date(y, m, 1),
                   date(y, m, calendar.monthrange(y, m)[1]))

    @classmethod
    def quarter(cls, y: int, q: int) -> Period:
        last = q * 3
        return cls(f"{y:04d}-Q{q}", "quarter", date(y, last - 2, 1),
                   date(y, last, calendar.monthrange(y, last)[1]))

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip().upper()
        if m := _MONTH.match(text):
            return cls.month(int(m[1]), int(m[2]))
        if m := _QUARTER.match(text):
            return cls.quarter(int(m[1]), int(m[2]))
        raise Invalid(f"统计期「{text[:20]}」无效：应为2000至2099年的月份（如 2026-11）"
                      "或季度（如 2026-Q4）", code="period_invalid")

    def months(self) -> list[Period]:
        if self.kind == "month":
            return [self]
        return [Period.month(self.start.year, m)
                for m in range(self.start.month, self.end.month + 1)]

    def previous(self, n: int) -> list[Period]:
        """This period and the n-1 before it, oldest first (for trends)."""
        out = [self]
        for _ in range(n - 1):
            s = out[0].start
            if self.kind == "month":
                y, m = (s.year, s.month - 1) if s.month > 1 else (s.year - 1, 12)
                out.insert(0, Period.month(y, m))
            else:
                q = (s.month - 1) // 3 + 1
                y, q = (s.year, q - 1) if q > 1 else (s.year - 1, 4)
                out.insert(0, Period.quarter(y, q))
        return out

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
