"""The official calendar: Spring Festival, make-up Saturdays, years added as data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.core.workdays import (
    CalendarNotCovered,
    WorkingCalendar,
    add_year,
    load_calendar,
    load_year_file,
)

CAL = WorkingCalendar()


def test_spring_festival_2026():
    assert not CAL.is_workday(date(2026, 2, 16))  # 除夕 week: holiday on a Monday
    assert CAL.is_workday(date(2026, 2, 14))  # make-up Saturday
    assert CAL.is_workday(date(2026, 2, 28))  # make-up Saturday
    assert not CAL.is_workday(date(2026, 2, 21))  # ordinary Saturday inside the holiday
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_national_day_2025_example_from_the_notes():
    assert CAL.add_working_days(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_a_year_before_the_package_is_an_explicit_error():
    with pytest.raises(CalendarNotCovered) as exc:
        CAL.is_workday(date(2003, 1, 6))
    assert "xinyong calendar add 2003.yaml" in exc.value.message
    with pytest.raises(CalendarNotCovered):
        CAL.add_working_days(date(2003, 12, 30), 7)


YEAR_2027 = """
year: 2027
source: 测试用安排(非真实通知)
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-05, to: 2027-02-12}
workdays: [2027-02-13]
"""


def test_added_year_is_used_and_persisted(engine, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(YEAR_2027, encoding="utf-8")
    with unit_of_work(engine) as s:
        add_year(s, load_year_file(path))
    with unit_of_work(engine) as s:
        cal = load_calendar(s)
    assert not cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 2, 8))  # a Monday in the holiday
    assert cal.is_workday(date(2027, 2, 13))  # make-up Saturday
    assert cal.is_workday(date(2027, 1, 4))
    assert cal.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert cal.source(2027) == "official" and not cal.is_provisional(date(2027, 1, 4))
    with unit_of_work(engine) as s, pytest.raises(Invalid):
        add_year(s, load_year_file(path))  # twice without --replace


def test_bad_year_file_is_refused(tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(YEAR_2027.replace("2027-02-13", "2027-02-15"), encoding="utf-8")
    with pytest.raises(Invalid):
        load_year_file(path)  # 2027-02-15 is a Monday: not a make-up day


days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 1))


@given(days, st.integers(0, 40))
def test_add_and_count_are_inverse(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_workday(end)
        assert end > start


@given(days, st.integers(1, 60))
def test_count_is_monotonic(start, span):
    end = start + timedelta(days=span)
    assert CAL.working_days_between(start, end) <= span
    assert CAL.working_days_between(start, end) >= CAL.working_days_between(
        start, end - timedelta(days=1))
