"""The official Chinese working-day calendar (statutory holidays and 调休 make-up workdays).

Years come from the maintained `chinesecalendar` package; years the package does not cover
yet (the State Council publishes each year's arrangement in November) are added as data by an
administrator (`xinyong calendar add 2027.yaml`). A date in a year that is neither covered nor
added raises CalendarNotCovered: a working-day clock is never silently guessed Monday-Friday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.calendar_tables import CalendarDay, CalendarYear
from xinyong.core.errors import ConfigError, Invalid, XinyongError


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


@dataclass
class WorkingCalendar:
    """Pure calendar: package data plus added years (day -> is_workday for non-default days)."""

    added_days: Mapping[date, bool] = field(default_factory=dict)
    added_years: frozenset[int] = frozenset()

    def covers(self, year: int) -> bool:
        return year in self.added_years or year in _package_years()

    def is_workday(self, day: date) -> bool:
        if day.year in self.added_years:
            if day in self.added_days:
                return self.added_days[day]
            return day.weekday() < 5
        if day.year not in _package_years():
            raise CalendarNotCovered(day.year)
        return bool(chinese_calendar.is_workday(day))

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
    session.add(CalendarYear(year=arrangement.year, source=arrangement.source,
                             added_at=clock.now()))
    for day, is_workday, name in arrangement.days():
        session.add(CalendarDay(day=day, is_workday=is_workday, name=name))
    session.flush()


def load_calendar(session: Session) -> WorkingCalendar:
    years = frozenset(session.scalars(select(CalendarYear.year)))
    days = {row.day: row.is_workday for row in session.scalars(select(CalendarDay))}
    return WorkingCalendar(added_days=days, added_years=years)


def covered_years(cal: WorkingCalendar) -> list[int]:
    return sorted(set(_package_years()) | set(cal.added_years))
