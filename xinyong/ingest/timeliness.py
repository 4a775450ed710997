"""Recompute records' timeliness deadlines after a year's calendar was added.

A record's deadline is its decision date plus the record type's working days (ingest's
`_Timeliness`); `late` is whether it was received after it. A deadline computed before the
year's notice was added (on the provisional calendar, or not at all) is on or after 1 January
of that year, or empty: exactly those are recomputed, with the late flag and the batches'
counts of late and undetermined records. Set-based: one UPDATE per (record type, decision
date), whatever the number of records.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from xinyong.catalog import Catalog, default_catalog
from xinyong.core.workdays import WorkingCalendar, due_or_none
from xinyong.ingest.tables import Batch, Record


def _touched(year: int) -> ColumnElement[bool]:
    return or_(Record.deadline >= date(year, 1, 1), Record.deadline.is_(None))


def recompute_deadlines(session: Session, calendar: WorkingCalendar, year: int, *,
                        catalog: Catalog | None = None) -> int:
    """Recompute the deadlines counted over `year` (or not computed); returns how many
    records' deadline or late flag changed."""
    catalog = catalog or default_catalog()
    pairs = session.execute(select(Record.record_type, Record.decision_date)
                            .where(_touched(year)).distinct()).tuples().all()
    changed = 0
    batches: set[int] = set()
    for record_type, decided in pairs:
        if record_type not in catalog.record_types:
            continue
        days = catalog.get(record_type).timeliness_working_days
        deadline = due_or_none(calendar, decided, days)
        late = (None if deadline is None
                else case((Record.received_on > deadline, True), else_=False))
        which = and_(Record.record_type == record_type, Record.decision_date == decided,
                     _touched(year))
        differs = (Record.deadline.is_(None) if deadline is None
                   else or_(Record.deadline.is_(None), Record.deadline != deadline,
                            Record.late.is_(None), Record.late != late))
        batches.update(session.scalars(select(Record.first_batch_id)
                                       .where(which, differs).distinct()))
        result = session.execute(update(Record).where(which, differs)
                                 .values(deadline=deadline, late=late)
                                 .execution_options(synchronize_session=False))
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    for batch_id in sorted(batches):
        late_n, unknown_n = session.execute(
            select(func.count().filter(Record.late.is_(True)),
                   func.count().filter(Record.late.is_(None)))
            .where(Record.first_batch_id == batch_id)).one()
        session.execute(update(Batch).where(Batch.id == batch_id).values(
            late=late_n, timeliness_unknown=unknown_n))
    return changed
