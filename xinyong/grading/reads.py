"""What other domains and the layers read of grades. Grades are internal: the subject itself
(its own grade, explained, with how to improve), departments with a declared purpose (an
audited read), never the public site. No grade of a natural person: asking refuses.

Contracts (notes/common.md): `latest_grade(session, subject_id, as_of)`,
`industry_results(session, subject_id, as_of)`, and for whole populations (the 双随机 draw of
xinyong.inspections) `latest_grades(session, as_of)` and `scale_in_force(on)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, DeclaredPurpose
from xinyong.core import clock
from xinyong.core.errors import Forbidden, NotFound
from xinyong.grading.model import (
    DEFAULT_MODEL,
    EvaluationModel,
    default_models,
    model_by_key,
    model_for,
)
from xinyong.grading.sources import INDUSTRY_TYPE, PERSON
from xinyong.grading.tables import GradeResult
from xinyong.ingest import Record
from xinyong.subjects import Subject

READ_GRADE = "grades.read"


@dataclass(frozen=True)
class Contribution:
    indicator: str
    value: float
    points: float
    name: str = ""
    improve: str | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        """Unpacks as (indicator, value, points), the contract's triple."""
        return iter((self.indicator, self.value, self.points))


@dataclass(frozen=True)
class GradeView:
    subject_id: int
    grade: str
    label: str
    score: float
    model_version: str
    model_name: str
    as_of: date
    computed_on: date
    base_score: float
    override: str | None
    override_reason: str | None
    contributions: list[Contribution] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)

    def advice(self) -> list[str]:
        """How to improve: the advice of every indicator that takes points away."""
        tips = [c.improve for c in self.contributions if c.points < 0 and c.improve]
        if self.override_reason:
            tips.insert(0, f"{self.override_reason}；移出名单后重新评价。")
        return tips


@dataclass(frozen=True)
class IndustryResult:
    department: str
    kind: str
    grade: str
    year: int
    valid_from: date
    valid_to: date


def _organisation(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound(f"信用主体 {subject_id} 不存在", code="subject_not_found")
    if subject.kind == PERSON:
        raise Forbidden("不对自然人进行信用评价，也不提供自然人的评价结果", code="no_person_grade")
    return subject


def view_of(result: GradeResult, model: EvaluationModel) -> GradeView:
    known = {i.id: i for i in model.indicators}
    lines = [Contribution(ind, float(v), float(p), known[ind].name if ind in known else ind,
                          known[ind].improve if ind in known else None)
             for ind, v, p in result.contributions]
    override = next((o for o in model.overrides if o.id == result.override), None)
    return GradeView(subject_id=result.subject_id, grade=result.grade,
                     label=model.scale.label(result.grade), score=result.score,
                     model_version=result.model_key, model_name=model.name,
                     as_of=result.as_of, computed_on=result.computed_at.date(),
                     base_score=model.base_score, override=result.override,
                     override_reason=override.reason if override else None,
                     contributions=lines,
                     legal_basis=[b.cite() for b in model.legal_basis])


def latest_grade(session: Session, subject_id: int, as_of: date | None = None
                 ) -> GradeView | None:
    """The latest result computed as of `as_of` or before (None when never evaluated)."""
    _organisation(session, subject_id)
    day = as_of or clock.today()
    result = session.scalars(select(GradeResult)
                             .where(GradeResult.subject_id == subject_id,
                                    GradeResult.as_of <= day)
                             .order_by(GradeResult.as_of.desc(), GradeResult.id.desc())
                             .limit(1)).first()
    return view_of(result, model_by_key(result.model_key)) if result else None


def latest_grades(session: Session, as_of: date | None = None) -> dict[int, str]:
    """subject id -> the grade of its latest result as of `as_of` (default today), for every
    evaluated organisation at once (a set-based read; internal, like every grade)."""
    day = as_of or clock.today()
    latest = (select(GradeResult.subject_id, func.max(GradeResult.id).label("rid"))
              .where(GradeResult.as_of <= day)
              .group_by(GradeResult.subject_id).subquery())
    return dict(session.execute(
        select(latest.c.subject_id, GradeResult.grade)
        .join(GradeResult, GradeResult.id == latest.c.rid)).tuples().all())


def scale_in_force(on: date | None = None) -> str:
    """The id of the grade scale (four_level, five_level…) of the default model in force."""
    try:
        return model_for(on or clock.today(), DEFAULT_MODEL).scale.id
    except NotFound:
        return next(iter(default_models())).scale.id


def industry_results(session: Session, subject_id: int, as_of: date | None = None
                     ) -> list[IndustryResult]:
    """The industry evaluation results (行业信用评价) valid on `as_of`, newest first."""
    _organisation(session, subject_id)
    day = as_of or clock.today()
    out = []
    for r in session.scalars(select(Record).where(Record.subject_id == subject_id,
                                                  Record.record_type == INDUSTRY_TYPE)):
        d = r.data
        valid_from, valid_to = (date.fromisoformat(str(d["valid_from"])[:10]),
                                date.fromisoformat(str(d["valid_to"])[:10]))
        if valid_from <= day <= valid_to:
            out.append(IndustryResult(department=d.get("authority_name", ""),
                                      kind=d.get("evaluation_kind", ""), grade=d.get("grade", ""),
                                      year=int(d.get("evaluation_year") or valid_from.year),
                                      valid_from=valid_from, valid_to=valid_to))
    return sorted(out, key=lambda i: (-i.year, i.kind))


def own_grade(session: Session, actor: Actor) -> tuple[Subject, GradeView | None]:
    """The subject account's own grade (its own file: audited like its other own reads)."""
    if not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体", code="no_subject")
    subject = session.scalar(select(Subject).where(Subject.uscc == actor.subject_uscc))
    if subject is None:
        raise NotFound("本主体尚无信用信息", code="subject_not_found")
    view = latest_grade(session, subject.id)
    audit.append(session, actor, "own_grade.read", subject_uscc=actor.subject_uscc)
    return subject, view


def department_grade(session: Session, actor: Actor, uscc: str, purpose: DeclaredPurpose
                     ) -> tuple[Subject, GradeView | None]:
    """A department's read of a subject's grade, with a declared purpose (audited)."""
    subject = session.scalar(select(Subject).where(Subject.uscc == uscc))
    if subject is None:
        raise NotFound(f"统一社会信用代码 {uscc} 对应的主体不存在", code="subject_not_found")
    view = latest_grade(session, subject.id)
    audit.append(session, actor, READ_GRADE, subject_uscc=uscc, purpose=purpose)
    return subject, view


@dataclass(frozen=True)
class ReportingStatus:
    department_code: str
    department_name: str
    results: int
    last_received: date | None


def industry_reporting(session: Session, actor: Actor, year: int) -> list[ReportingStatus]:
    """For the credit office: every supervising department (the record type's owner class)
    with the number of industry evaluation results it reported in `year` (received then);
    those with none are the ones that have not reported this year, listed first."""
    from sqlalchemy import func

    from xinyong.catalog import default_catalog
    from xinyong.departments import Department
    from xinyong.ingest import Provider

    owner = default_catalog().get(INDUSTRY_TYPE).owner_department_class
    start, end = date(year, 1, 1), date(year, 12, 31)
    counts = dict(session.execute(
        select(Provider.uscc, func.count(Record.id)).join(Record, Record.provider_id == Provider.id)
        .where(Record.record_type == INDUSTRY_TYPE, Record.received_on >= start,
               Record.received_on <= end).group_by(Provider.uscc)).tuples().all())
    last = dict(session.execute(
        select(Provider.uscc, func.max(Record.received_on))
        .join(Record, Record.provider_id == Provider.id)
        .where(Record.record_type == INDUSTRY_TYPE, Record.received_on >= start,
               Record.received_on <= end).group_by(Provider.uscc)).tuples().all())
    rows = [ReportingStatus(d.code, d.name, counts.get(d.code, 0), last.get(d.code))
            for d in session.scalars(select(Department).where(Department.department_class == owner)
                                     .order_by(Department.code))]
    audit.append(session, actor, "grading.industry_reporting.read", details={"year": year})
    return sorted(rows, key=lambda r: (r.results > 0, r.department_code))
