"""Recompute list entries' statement periods (陈述申辩期) after a year's calendar was added.

The period runs from the day after the notice for the kind's working days (service.notify).
A period end computed before the year's notice was added lies on or after 1 January of that
year: those are recomputed, so that a listing is not decided a day early or held a day late.
Each recomputed entry gets a new version, sealed in the system's name.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.workdays import WorkingCalendar, due_or_none
from xinyong.lists.integrity import seal_write
from xinyong.lists.model import get_list_kind
from xinyong.lists.service import SYSTEM_ACTOR
from xinyong.lists.tables import ListEntry


def recompute_statement_periods(session: Session, calendar: WorkingCalendar,
                                year: int) -> int:
    """Returns how many entries' statement period end changed."""
    changed = 0
    for entry in session.scalars(select(ListEntry).where(
            ListEntry.statement_until >= date(year, 1, 1)).order_by(ListEntry.id)):
        days = get_list_kind(entry.list_kind).statement_working_days
        until = due_or_none(calendar, entry.notice_sent_on, days)
        if until is not None and until != entry.statement_until:
            entry.statement_until = until
            # A new version of the entry, sealed as an automatic step (lists.integrity).
            entry.version += 1
            seal_write(session, entry, SYSTEM_ACTOR, "recompute")
            changed += 1
    session.flush()
    return changed
