"""Quality figures per provider: compliance rate and timeliness rate.

compliance_rate = rows that passed validation / rows submitted (all batches);
timeliness_rate = records received within the working-day limit / records with a known
timeliness. No national formula was found (standards.md §2); these definitions are ours and
are printed with the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from xinyong.core.workdays import CalendarNotCovered, load_calendar
from xinyong.ingest.tables import Batch, Provider, Record


@dataclass(frozen=True)
class ProviderQuality:
    provider_uscc: str
    provider_name: str
    batches: int
    submitted: int
    valid: int
    records: int
    on_time: int
    late: int
    timeliness_unknown: int

    @property
    def compliance_rate(self) -> float | None:
        return self.valid / self.submitted if self.submitted else None

    @property
    def timeliness_rate(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def provider_quality(session: Session) -> list[ProviderQuality]:
    batch_rows = {pid: (n, tot, rej) for pid, n, tot, rej in session.execute(
        select(Batch.provider_id, func.count(), func.sum(Batch.total), func.sum(Batch.rejected))
        .group_by(Batch.provider_id))}
    record_rows = {pid: (n, ok, late, unknown) for pid, n, ok, late, unknown in session.execute(
        select(Record.provider_id, func.count(),
               func.sum(case((Record.late.is_(False), 1), else_=0)),
               func.sum(case((Record.late.is_(True), 1), else_=0)),
               func.sum(case((Record.late.is_(None), 1), else_=0)))
        .group_by(Record.provider_id))}
    out = []
    for p in session.scalars(select(Provider).order_by(Provider.name)):
        n_batches, total, rejected = batch_rows.get(p.id, (0, 0, 0))
        n_rec, ok, late, unknown = record_rows.get(p.id, (0, 0, 0, 0))
        out.append(ProviderQuality(p.uscc, p.name, int(n_batches), int(total or 0),
                                   int(total or 0) - int(rejected or 0), int(n_rec),
                                   int(ok or 0), int(late or 0), int(unknown or 0)))
    return out


@dataclass(frozen=True)
class LateRecord:
    id: int
    record_type: str
    document_number: str
    provider_name: str
    provider_uscc: str
    decision_date: date
    deadline: date | None
    received_on: date
    working_days_late: int | None


def list_late(session: Session, *, provider_uscc: str | None = None, page: int = 1,
              per_page: int = 50) -> tuple[list[LateRecord], int]:
    """Records received more than the timeliness limit after the decision (the spine's
    `Record.late`), for the credit office."""
    page = max(page, 1)
    conds: list[ColumnElement[bool]] = [Record.late.is_(True)]
    if provider_uscc:
        conds.append(Provider.uscc == provider_uscc.strip().upper())
    total = session.scalar(select(func.count()).select_from(Record)
                           .join(Provider, Provider.id == Record.provider_id)
                           .where(*conds)) or 0
    cal = load_calendar(session)
    out = []
    for rec, prov in session.execute(
            select(Record, Provider).join(Provider, Provider.id == Record.provider_id)
            .where(*conds).order_by(Record.received_on.desc(), Record.id.desc())
            .offset((page - 1) * per_page).limit(per_page)):
        try:
            late_by = (cal.working_days_between(rec.deadline, rec.received_on)
                       if rec.deadline else None)
        except CalendarNotCovered:
            late_by = None
        out.append(LateRecord(rec.id, rec.record_type, str(rec.data.get("document_number", "")),
                              prov.name, prov.uscc, rec.decision_date, rec.deadline,
                              rec.received_on, late_by))
    return out, total
