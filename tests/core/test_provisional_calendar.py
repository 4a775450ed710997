"""A year with no loaded notice: a provisional calendar from the statutory holidays, clocks
marked provisional, recomputed when the notice is added; no cliff on 1 January."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.db import unit_of_work
from xinyong.core.holidays import festivals, provisional_rest_days, qingming
from xinyong.core.workdays import (
    Dated,
    WorkingCalendar,
    add_year,
    load_calendar,
    load_year_file,
    outlook,
)

CAL = WorkingCalendar()
TEST_2027 = Path(__file__).parent / "data" / "2027-test-arrangement.yaml"


def _names(year: int) -> dict[str, tuple[date, ...]]:
    return {f.name: f.days for f in festivals(year)}


def test_2027_statutory_holidays_as_the_law_and_the_lunar_calendar_give_them():
    f = _names(2027)
    assert f["元旦"] == (date(2027, 1, 1),)
    # 除夕 of 丙午 is 2027-02-05 (正月初一 of 丁未 is 2027-02-06): 除夕 to 初三.
    assert f["春节"] == (date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8))
    assert f["清明节"] == (date(2027, 4, 5),)
    assert f["劳动节"] == (date(2027, 5, 1), date(2027, 5, 2))
    assert f["端午节"] == (date(2027, 6, 9),)
    assert f["中秋节"] == (date(2027, 9, 15),)
    assert f["国庆节"] == (date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3))
    # Festival days on a weekend are given back on the next working days (Article 6).
    rest = provisional_rest_days(2027)
    assert [d for d, n in rest.items() if n.endswith("补假")] == [
        date(2027, 2, 9), date(2027, 2, 10), date(2027, 5, 3), date(2027, 5, 4),
        date(2027, 10, 4), date(2027, 10, 5)]


def test_2028_statutory_holidays_and_a_shared_day():
    f = _names(2028)
    assert f["春节"][0] == date(2028, 1, 25) and len(f["春节"]) == 4
    assert f["清明节"] == (date(2028, 4, 4),)
    assert f["端午节"] == (date(2028, 5, 28),)
    assert f["中秋节"] == (date(2028, 10, 3),)  # the third day of 国庆
    rest = provisional_rest_days(2028)
    assert rest[date(2028, 1, 3)] == "元旦补假"  # 1 January 2028 is a Saturday
    assert rest[date(2028, 10, 4)] == "国庆节补假" and rest[date(2028, 10, 5)] == "中秋节补假"
    assert CAL.is_workday(date(2028, 10, 6))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_agrees_with_the_official_years_under_the_amended_law(year):
    # Every day the provisional rule gives off was off in the official arrangement.
    assert all(chinese_calendar.is_holiday(d) for d in provisional_rest_days(year))


def test_qingming_is_the_solar_term_day():
    terms = {d.year: d for d, name in chinese_calendar.get_solar_terms(
        date(2025, 1, 1), date(2099, 12, 31)) if name == "清明"}
    assert {y: qingming(y) for y in range(2025, 2100)} == terms


def test_2026_package_data_is_unchanged():
    for made_up in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
                    "2026-10-10"):
        assert CAL.is_workday(date.fromisoformat(made_up)), made_up
    assert CAL.source(2026) == "package" and not CAL.is_provisional(date(2026, 12, 31))
    assert not CAL.is_workday(date(2026, 2, 16)) and not CAL.is_workday(date(2026, 10, 7))


def test_a_clock_from_christmas_eve_2026_runs_into_a_provisional_january():
    assert CAL.source(2027) == "provisional"
    due = CAL.due(date(2026, 12, 24), 7)
    assert (due.day, due.provisional) == (date(2027, 1, 5), True)
    assert CAL.add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 5)  # old API
    assert CAL.due(date(2026, 12, 1), 5) == Dated(date(2026, 12, 8), False)
    late = CAL.count(date(2026, 12, 30), date(2027, 1, 6))
    assert (late.days, late.provisional) == (4, True)


def test_the_clock_moves_when_the_notice_is_added(engine):
    with unit_of_work(engine) as s:
        add_year(s, load_year_file(TEST_2027))
    with unit_of_work(engine) as s:
        cal = load_calendar(s)
    due = cal.due(date(2026, 12, 24), 7)
    assert (due.day, due.provisional) == (date(2027, 1, 4), False)  # make-up Saturday 1-2
    assert cal.source(2027) == "official" and cal.source(2028) == "provisional"


def test_warning_from_first_november_when_next_year_is_provisional():
    assert outlook(CAL, date(2026, 10, 31)).warning is None
    early = outlook(CAL, date(2026, 10, 31))
    assert early.provisional and early.next_year == 2027
    warned = outlook(CAL, date(2026, 11, 1))
    assert warned.warning and "2027" in warned.warning and "calendar add 2027" in warned.warning
    # In a provisional year itself the warning stays up whatever the month.
    assert outlook(CAL, date(2027, 3, 1)).warning
    official = WorkingCalendar(added_years=frozenset({2027}))
    assert outlook(official, date(2026, 11, 20)).warning is None
    assert outlook(official, date(2026, 11, 20)).as_dict()["provisional"] is False


provisional_days = st.dates(min_value=date(2027, 1, 1), max_value=date(2060, 12, 31))


@given(st.integers(2027, 2099))
def test_each_provisional_year_has_the_law_s_13_days_and_no_make_up_day(year):
    days = [d for f in festivals(year) for d in f.days]
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    assert all(not CAL.is_workday(d) for d in days)
    # No make-up days: every weekend is a rest day.
    first = date(year, 1, 1)
    weekends = [first + timedelta(days=i) for i in range(366)
                if (first + timedelta(days=i)).year == year
                and (first + timedelta(days=i)).weekday() >= 5]
    assert not any(CAL.is_workday(d) for d in weekends)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 40))
def test_add_and_count_are_inverse_across_provisional_years(start, n):
    due = CAL.due(start, n)
    counted = CAL.count(start, due.day)
    assert counted.days == n
    assert due.provisional == counted.provisional == (n > 0 and due.day.year >= 2027)
    if n:
        assert CAL.is_workday(due.day)


@given(provisional_days)
def test_is_provisional_is_the_year_s_source(day):
    assert CAL.is_provisional(day)
    assert not CAL.is_provisional(date(2026, day.month, 1))
