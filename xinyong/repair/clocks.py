"""Recompute repair applications' step due dates after a year's calendar was added.

Each step's clock runs from the day the previous step was taken, in working days of the rule
set the application is governed by (service.py). A due date computed before the year's notice
was added lies on or after 1 January of that year (or is empty, the year having been
uncounted): those are recomputed; earlier ones never counted a day of that year.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.core.workdays import WorkingCalendar, due_or_none
from xinyong.publication.loader import default_rules
from xinyong.repair.tables import RepairApplication

REFUSED, REJECTED = "refused", "rejected"  # service.py's states that set no next clock
_DUES = (RepairApplication.forward_due, RepairApplication.accept_due,
         RepairApplication.decide_due, RepairApplication.sync_due)


def _clocks(app: RepairApplication, calendar: WorkingCalendar) -> dict[str, date | None]:
    r = default_rules().get(app.rule_set_id).repair
    return {
        "forward_due": due_or_none(calendar, app.submitted_on, r.forward.working_days),
        "accept_due": due_or_none(calendar, app.forwarded_on, r.accept.working_days),
        # A refusal ends the case at acceptance, a rejection at the decision: no next clock.
        "decide_due": due_or_none(calendar, app.accepted_on if app.state != REFUSED else None,
                                  r.decide.working_days),
        "sync_due": due_or_none(calendar, app.decided_on if app.state != REJECTED else None,
                                r.sync.working_days),
    }


def recompute_due_dates(session: Session, calendar: WorkingCalendar, year: int) -> int:
    """Recompute the due dates counted over `year`; returns how many applications changed."""
    since = date(year, 1, 1)
    touched = or_(*(or_(due >= since, due.is_(None)) for due in _DUES))
    changed = 0
    for app in session.scalars(select(RepairApplication).where(touched)
                               .order_by(RepairApplication.id)):
        moved = False
        for name, value in _clocks(app, calendar).items():
            old = getattr(app, name)
            if old != value and (old is None or old >= since):
                setattr(app, name, value)
                moved = True
        changed += moved
    session.flush()
    return changed
