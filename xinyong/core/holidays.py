"""Statutory holidays of a year for which no State Council notice is loaded (provisional).

《全国年节及纪念日放假办法》, as amended by State Council Decree No. 795 (2024-11-10, in force
2025-01-01), Article 2: 元旦 1 day (1 January); 春节 4 days (除夕, the last day of the
twelfth lunar month, to 正月初三); 清明节 1 day (the day of the 清明 solar term); 劳动节 2 days
(1-2 May); 端午节 1 day (五月初五); 中秋节 1 day (八月十五); 国庆节 3 days (1-3 October).
Article 6: a holiday of all citizens that falls on a Saturday or Sunday is given back on a
working day (补假). The notice places those days; the provisional calendar gives them on the
first working days after the festival (and likewise for a day that two festivals share, as
the notices have done, e.g. 2020's 中秋 on 1 October). It has no 调休 make-up working days
and no bridging: those are the notice's choices, which nothing in the law predicts.

Lunar dates and the 清明 solar term come from `lunar-python` (6tail's lunar, MIT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

# The amended rules are in force from 2025; earlier years are the package's (2004-2024).
PROVISIONAL_FROM = 2025
PROVISIONAL_UNTIL = 2099  # last year computed (the lunar tables reach further)
LAW = "《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行）"
IN_LIEU = "补假"


@dataclass(frozen=True)
class Festival:
    name: str
    days: tuple[date, ...]


def _lunar(year: int, month: int, day: int) -> Any:
    from lunar_python import Lunar  # imported when a provisional year is first computed

    return Lunar.fromYmd(year, month, day)


def _solar(lunar: Any) -> date:
    s = lunar.getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def _days(first: date, n: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range(n))


def qingming(year: int) -> date:
    """The day of the 清明 solar term (4 or 5 April)."""
    term = _lunar(year, 3, 1).getJieQiTable()["清明"]
    day = date(term.getYear(), term.getMonth(), term.getDay())
    assert day.year == year and day.month == 4, day
    return day


def festivals(year: int) -> list[Festival]:
    """The statutory holidays of all citizens in `year` (Article 2), in date order."""
    new_year = _solar(_lunar(year, 1, 1))  # 正月初一
    out = [
        Festival("元旦", (date(year, 1, 1),)),
        Festival("春节", _days(new_year - timedelta(days=1), 4)),  # 除夕 to 初三
        Festival("清明节", (qingming(year),)),
        Festival("劳动节", _days(date(year, 5, 1), 2)),
        Festival("端午节", (_solar(_lunar(year, 5, 5)),)),
        Festival("中秋节", (_solar(_lunar(year, 8, 15)),)),
        Festival("国庆节", _days(date(year, 10, 1), 3)),
    ]
    return sorted(out, key=lambda f: (f.days[0], f.name))


@lru_cache(maxsize=256)
def provisional_rest_days(year: int) -> dict[date, str]:
    """Days off other than ordinary weekends, and every festival day, with their names: the
    festivals, and for each festival day on a weekend or shared with another festival one day
    given back on the first working day after it (补假)."""
    rest: dict[date, str] = {}
    for f in festivals(year):
        owed = 0
        for day in f.days:
            if day.weekday() >= 5 or day in rest:
                owed += 1
            rest.setdefault(day, f.name)
        day = f.days[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in rest:
                rest[day] = f"{f.name}{IN_LIEU}"
                owed -= 1
    return dict(sorted(rest.items()))


def is_provisional_workday(day: date) -> bool:
    return day.weekday() < 5 and day not in provisional_rest_days(day.year)
