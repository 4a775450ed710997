"""The working-day calendar as the staff pages show it: the credit office's banner when this
year or next is provisional (from 1 November for next year), and the 暂定 mark after a date
that lies in a provisional year (such a date was counted on the statutory holidays alone and
is recomputed when the year's notice is added: docs/decisions/0006)."""

from __future__ import annotations

from datetime import date

from fastapi import Request

from xinyong.core.workdays import PROVISIONAL_MARK, WorkingCalendar, load_calendar, outlook


class CalendarView:
    """Loaded on first use, once per page."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._calendar: WorkingCalendar | None = None

    def _cal(self) -> WorkingCalendar:
        if self._calendar is None:
            with self._request.app.state.sessions() as session:
                self._calendar = load_calendar(session)
        return self._calendar

    def warning(self) -> str | None:
        return outlook(self._cal()).warning

    def mark(self, day: date | None) -> str:
        return PROVISIONAL_MARK if day is not None and self._cal().is_provisional(day) else ""
