"""Quality figures per provider: compliance, timeliness, end dates and 重错码.

compliance_rate = rows that passed validation / rows submitted (all batches);
timeliness_rate = records received within the working-day limit / records with a known
timeliness;
end_dates_overridden = records whose own 公示截止期 lies outside the rule's minimum and
maximum period (the rule wins; a warning, the record is stored and published by the rule);
code_review_rate (重错码率) = 重错码 reviews raised by the provider's rows / its records
(`code_errors`: of those, the ones the credit office found to be a wrong code: marked wrong
or merged). No national formula was found (standards.md §2); these definitions are ours and
are printed with the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from xinyong.catalog import default_catalog
from xinyong.core.workdays import CalendarNotCovered, load_calendar
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.publication.tables import PublicationJudgement
from xinyong.subjects.tables import CodeReview


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
    end_dates_overridden: int = 0
    code_reviews: int = 0
    code_errors: int = 0

    @property
    def compliance_rate(self) -> float | None:
        return self.valid / self.submitted if self.submitted else None

    @property
    def timeliness_rate(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None

    @property
    def code_review_rate(self) -> float | None:
        return self.code_reviews / self.records if self.records else None


def _end_outside_rule() -> ColumnElement[bool]:
    j = PublicationJudgement
    return and_(j.provider_end.is_not(None),
                or_(j.provider_end < j.min_end, j.provider_end > j.max_end))


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
    overridden = dict(session.execute(
        select(Record.provider_id, func.count())
        .join(PublicationJudgement, PublicationJudgement.record_id == Record.id)
        .where(_end_outside_rule()).group_by(Record.provider_id)).tuples().all())
    confirmed = case((CodeReview.resolution.in_(("wrong_code", "corrected", "merged")), 1),
                     else_=0)
    reviews = {pid: (n, bad) for pid, n, bad in session.execute(
        select(Batch.provider_id, func.count(), func.sum(confirmed))
        .join(Batch, Batch.id == CodeReview.batch_id).group_by(Batch.provider_id))}
    out = []
    for p in session.scalars(select(Provider).order_by(Provider.name)):
        n_batches, total, rejected = batch_rows.get(p.id, (0, 0, 0))
        n_rec, ok, late, unknown = record_rows.get(p.id, (0, 0, 0, 0))
        n_reviews, n_bad = reviews.get(p.id, (0, 0))
        out.append(ProviderQuality(p.uscc, p.name, int(n_batches), int(total or 0),
                                   int(total or 0) - int(rejected or 0), int(n_rec),
                                   int(ok or 0), int(late or 0), int(unknown or 0),
                                   int(overridden.get(p.id, 0)), int(n_reviews),
                                   int(n_bad or 0)))
    return out


@dataclass(frozen=True)
class EndDateWarning:
    """A record whose provider's 公示截止期 the rule overrode."""

    id: int
    record_type: str
    document_number: str
    provider_name: str
    provider_uscc: str
    decision_date: date
    given: str  # the 公示截止期 as the provider sent it
    min_end: date
    max_end: date
    publish_until: date | None  # the one end date shown (last public day)


def list_end_date_warnings(session: Session, *, provider_uscc: str | None = None,
                           page: int = 1, per_page: int = 50
                           ) -> tuple[list[EndDateWarning], int]:
    """Records whose own end date the rule overrode, newest receipt first."""
    page = max(page, 1)
    j = PublicationJudgement
    conds: list[ColumnElement[bool]] = [_end_outside_rule()]
    if provider_uscc:
        conds.append(Provider.uscc == provider_uscc.strip().upper())
    base = (select(Record, Provider, j).join(j, j.record_id == Record.id)
            .join(Provider, Provider.id == Record.provider_id).where(*conds))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    catalog = default_catalog()
    out = []
    for rec, prov, jd in session.execute(base.order_by(Record.received_on.desc(),
                                                       Record.id.desc())
                                         .offset((page - 1) * per_page).limit(per_page)):
        assert jd.min_end is not None and jd.max_end is not None
        rt = catalog.find(rec.record_type)
        field = rt.publication.ends if rt is not None else None
        out.append(EndDateWarning(rec.id, rec.record_type,
                                  str(rec.data.get("document_number", "")), prov.name,
                                  prov.uscc, rec.decision_date,
                                  str(rec.data.get(field or "") or jd.provider_end),
                                  jd.min_end, jd.max_end, jd.window_end))
    return out, total


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
