"""The Chinese working-day calendar (statutory holidays and 调休 make-up workdays).

Each year comes from one of three sources, in this order:

- official: the State Council's notice added by an administrator as data
  (`xinyong calendar add 2027.yaml`; each November for the next year);
- package: the maintained `chinesecalendar` package (2004-2026 in 1.11.0);
- provisional: for a later year with neither, computed from the statutory holidays of the law
  (`xinyong.core.holidays`): weekends and holidays rest, no make-up days.

A clock that crosses into a provisional year is computed, not refused, and says so: `due()`
and `count()` return the result with `provisional=True`, and `is_provisional(day)` tells a
page whether a stored date lies in such a year. When the notice is added, the dates computed
on the provisional calendar are recomputed (`xinyong calendar add` calls each domain's
`recompute_*`; docs/decisions/0006). Years before 2004 raise CalendarNotCovered: a clock is
never silently guessed Monday-Friday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

import chinese_calendar
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.calendar_tables import CalendarDay, CalendarYear
from xinyong.core.errors import ConfigError, Invalid, XinyongError
from xinyong.core.holidays import (
    PROVISIONAL_FROM,
    PROVISIONAL_UNTIL,
    is_provisional_workday,
)

Source = Literal["official", "package", "provisional"]
OFFICIAL: Source = "official"
PACKAGE: Source = "package"
PROVISIONAL: Source = "provisional"
SOURCE_LABELS = {OFFICIAL: "官方通知（已添加）", PACKAGE: "官方安排（随 chinesecalendar 发布）",
                 PROVISIONAL: "暂定（按法定节假日推算，无调休）"}
PROVISIONAL_MARK = "（暂定）"
WARN_FROM = (11, 1)  # from 1 November the platform warns when next year is provisional


class CalendarNotCovered(XinyongError):
    code = "calendar_year_missing"

    def __init__(self, year: int) -> None:
        super().__init__(f"{year}年的法定节假日安排尚未配置，无法计算工作日；请管理员执行 "
                         f"xinyong calendar add {year}.yaml")
        self.year = year


@lru_cache(maxsize=1)
def _package_years() -> frozenset[int]:
    years = set()
    for year in range(1990, 2100):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


@dataclass(frozen=True)
class Dated:
    """A computed date, and whether any day it was counted over is in a provisional year."""

    day: date
    provisional: bool


@dataclass(frozen=True)
class Counted:
    days: int
    provisional: bool


@dataclass
class WorkingCalendar:
    """Pure calendar: added years (day -> is_workday for non-default days), package data and
    the provisional years after them."""

    added_days: Mapping[date, bool] = field(default_factory=dict)
    added_years: frozenset[int] = frozenset()

    def covers(self, year: int) -> bool:
        """Whether an official arrangement (added or packaged) is known for the year."""
        return year in self.added_years or year in _package_years()

    def source(self, year: int) -> Source | None:
        if year in self.added_years:
            return OFFICIAL
        if year in _package_years():
            return PACKAGE
        if PROVISIONAL_FROM <= year <= PROVISIONAL_UNTIL:
            return PROVISIONAL
        return None

    def is_provisional(self, day: date | None) -> bool:
        """Whether a date lies in a year whose calendar is provisional (None: no)."""
        return day is not None and self.source(day.year) == PROVISIONAL

    def touches_provisional(self, start: date, end: date) -> bool:
        """Whether a count over the days after `start` up to `end` meets a provisional year."""
        if end <= start:
            return False
        return any(self.source(y) == PROVISIONAL
                   for y in range((start + timedelta(days=1)).year, end.year + 1))

    def is_workday(self, day: date) -> bool:
        if day.year in self.added_years:
            if day in self.added_days:
                return self.added_days[day]
            return day.weekday() < 5
        if day.year in _package_years():
            return bool(chinese_calendar.is_workday(day))
        if PROVISIONAL_FROM <= day.year <= PROVISIONAL_UNTIL:
            return is_provisional_workday(day)
        raise CalendarNotCovered(day.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        day = start
        remaining = n
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end is not after start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def due(self, start: date, n: int) -> Dated:
        """add_working_days, marked provisional when it counted over a provisional year."""
        day = self.add_working_days(start, n)
        return Dated(day, self.touches_provisional(start, day))

    def count(self, start: date, end: date) -> Counted:
        """working_days_between, marked provisional when it counted over a provisional year."""
        return Counted(self.working_days_between(start, end),
                       self.touches_provisional(start, end))


def due_or_none(cal: WorkingCalendar, start: date | None, n: int) -> date | None:
    """The n-th working day after `start`; None when there is no start or the calendar cannot
    count the year (reported as "clock unknown" by the callers, never guessed)."""
    if start is None:
        return None
    try:
        return cal.add_working_days(start, n)
    except CalendarNotCovered:
        return None


@dataclass(frozen=True)
class Outlook:
    """What the platform says about the calendar today: whether this year or next is
    provisional, and the warning shown from 1 November (or at once for this year)."""

    year: int
    next_year: int
    provisional_years: tuple[int, ...]
    warning: str | None

    @property
    def provisional(self) -> bool:
        return self.next_year in self.provisional_years

    def as_dict(self) -> dict[str, object]:
        return {"year": self.year, "next_year": self.next_year,
                "provisional": self.provisional,
                "provisional_years": list(self.provisional_years), "message": self.warning}


def outlook(cal: WorkingCalendar, today: date | None = None) -> Outlook:
    today = today or clock.today()
    years = tuple(y for y in (today.year, today.year + 1) if cal.source(y) == PROVISIONAL)
    warning = None
    if today.year in years:
        warning = (f"{today.year}年的国务院节假日安排尚未添加：工作日时限按法定节假日暂定计算"
                   f"（无调休），标注“暂定”；请管理员执行 xinyong calendar add "
                   f"{today.year}.yaml，已计算的时限将重新计算。")
    elif today.year + 1 in years and (today.month, today.day) >= WARN_FROM:
        warning = (f"{today.year + 1}年的国务院节假日安排尚未添加：跨入{today.year + 1}年的"
                   f"工作日时限按法定节假日暂定计算（无调休），标注“暂定”；通知发布后请管理员执行 "
                   f"xinyong calendar add {today.year + 1}.yaml，已计算的时限将重新计算。")
    return Outlook(today.year, today.year + 1, years, warning)


class _Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class YearArrangement(BaseModel):
    """One year's notice: holidays (ranges) and make-up workdays."""

    model_config = ConfigDict(extra="forbid")
    year: int
    source: str = Field(min_length=4)
    holidays: list[_Holiday]
    workdays: list[date] = []

    def days(self) -> Iterable[tuple[date, bool, str]]:
        for h in self.holidays:
            day = h.start
            while day <= h.end:
                yield day, False, h.name
                day += timedelta(days=1)
        for w in self.workdays:
            yield w, True, "调休上班"


def load_year_file(path: Path) -> YearArrangement:
    try:
        arrangement = YearArrangement.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name}: 不是有效的节假日安排文件： {exc}",
                          code="calendar_file_invalid") from exc
    problems = [d.isoformat() for d, _w, _n in arrangement.days() if d.year != arrangement.year]
    if problems:
        raise Invalid(f"{path.name}: 日期不属于{arrangement.year}年： {', '.join(problems)}",
                      code="calendar_file_invalid")
    for d in arrangement.workdays:
        if d.weekday() < 5:
            raise Invalid(f"{path.name}: 调休上班日 {d} 本来就是工作日",
                          code="calendar_file_invalid")
    return arrangement


def add_year(session: Session, arrangement: YearArrangement, *, replace: bool = False) -> None:
    existing = session.get(CalendarYear, arrangement.year)
    if existing and not replace:
        raise Invalid(f"{arrangement.year}年已配置；如需更正请使用 --replace",
                      code="calendar_year_exists")
    if existing:
        session.execute(delete(CalendarDay).where(
            CalendarDay.day.between(date(arrangement.year, 1, 1), date(arrangement.year, 12, 31))))
        session.delete(existing)
        session.flush()
    session.info.pop("working_calendar", None)
    session.add(CalendarYear(year=arrangement.year, source=arrangement.source,
                             added_at=clock.now()))
    for day, is_workday, name in arrangement.days():
        session.add(CalendarDay(day=day, is_workday=is_workday, name=name))
    session.flush()


def load_calendar(session: Session) -> WorkingCalendar:
    years = frozenset(session.scalars(select(CalendarYear.year)))
    days = {row.day: row.is_workday for row in session.scalars(select(CalendarDay))}
    return WorkingCalendar(added_days=days, added_years=years)


def session_calendar(session: Session) -> WorkingCalendar:
    """The calendar loaded once per session (for output that marks many dates); `add_year`
    forgets it."""
    cal = session.info.get("working_calendar")
    if not isinstance(cal, WorkingCalendar):
        cal = session.info["working_calendar"] = load_calendar(session)
    return cal


def provisional_fields(cal: WorkingCalendar, obj: object, names: Iterable[str]) -> list[str]:
    """The names of an object's date fields that lie in a provisional year."""
    return [n for n in names if cal.is_provisional(getattr(obj, n))]


def covered_years(cal: WorkingCalendar) -> list[int]:
    """Years with an official arrangement (added or packaged)."""
    return sorted(set(_package_years()) | set(cal.added_years))


def year_sources(cal: WorkingCalendar, until: int) -> list[tuple[int, Source]]:
    """Each year from the first packaged one to `until` and where its calendar comes from."""
    first = min(_package_years() | cal.added_years)
    last = max(until, *cal.added_years) if cal.added_years else until
    out: list[tuple[int, Source]] = []
    for year in range(first, last + 1):
        src = cal.source(year)
        if src is not None:
            out.append((year, src))
    return out
