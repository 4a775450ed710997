"""Reads of commitments: the contract other domains call (for_subject, broken_within,
coverage) and the column, queue and overdue lists the pages show.

These functions do not audit: a route reading non-public commitments audits through
`audit_read` (a department's shared read, the subject's own file)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Role
from xinyong.commitments import rules
from xinyong.commitments.model import load_rules
from xinyong.commitments.tables import Commitment
from xinyong.core import clock
from xinyong.departments.service import find_department
from xinyong.subjects.tables import Subject

ENTERPRISE_KINDS = ("organisation", "individual_business")


@dataclass(frozen=True)
class CommitmentView:
    code: str
    kind: str
    kind_label: str
    committer_name: str
    committer_code: str
    reason: str  # 承诺事由
    content: str
    liability: str
    made_on: date  # 作出日期
    valid_until: date | None  # 有效期
    state: str
    state_label: str
    fulfilment: str | None  # 履行状态
    fulfilment_label: str | None
    unfulfilled_content: str | None
    liability_pursued: str | None
    determined_on: date | None
    determined_by_name: str | None
    disclosure: str  # 公开类型
    disclosure_label: str
    accepting_uscc: str  # 受理单位
    accepting_name: str
    source: str
    verify_due: date | None
    overdue: bool
    verified_late: bool | None
    consequence_label: str | None
    breach_published_until: date | None
    # The 违背信用承诺失信信息 record the breach created (public at /records/{id} in its window).
    breach_record_id: int | None = None

    @property
    def number(self) -> str:
        """承诺编码 as printed: the code is a document number for people, not a machine id."""
        return self.code


def view(c: Commitment, today: date | None = None) -> CommitmentView:
    today = today or clock.today()
    consequence = None
    if c.consequence:
        consequence = load_rules().kind(c.kind).consequence_label
    return CommitmentView(
        code=c.code, kind=c.kind, kind_label=rules.KINDS[c.kind],
        committer_name=c.committer_name, committer_code=c.committer_code, reason=c.reason,
        content=c.content, liability=c.liability, made_on=c.made_on,
        valid_until=c.valid_until, state=c.state, state_label=rules.STATE_LABELS[c.state],
        fulfilment=c.fulfilment,
        fulfilment_label=rules.FULFILMENTS.get(c.fulfilment) if c.fulfilment else None,
        unfulfilled_content=c.unfulfilled_content, liability_pursued=c.liability_pursued,
        determined_on=c.determined_on, determined_by_name=c.determined_by_name,
        disclosure=c.disclosure, disclosure_label=rules.DISCLOSURES[c.disclosure],
        accepting_uscc=c.accepting_uscc, accepting_name=c.accepting_name, source=c.source,
        verify_due=c.verify_due, overdue=rules.is_overdue(c.state, c.verify_due, today),
        verified_late=c.verified_late, consequence_label=consequence,
        breach_published_until=c.breach_published_until, breach_record_id=c.breach_record_id)


def _shared_with(session: Session, department_code: str) -> bool:
    dept = find_department(session, department_code)
    return dept is not None and dept.department_class in load_rules().shared_to


def for_subject(session: Session, subject_id: int, *, as_of: date | None = None,
                audience: str = "public") -> list[CommitmentView]:
    """The subject's commitments made by `as_of`, as `audience` ("public", "own" or a
    department's code) may see them under their 公开类型; newest first."""
    as_of = as_of or clock.today()
    rows = session.scalars(select(Commitment).where(
        Commitment.subject_id == subject_id, Commitment.made_on <= as_of)
        .order_by(Commitment.made_on.desc(), Commitment.id.desc())).all()
    shared = audience not in ("public", "own") and _shared_with(session, audience)
    return [view(c, as_of) for c in rows
            if rules.visible_to(c.disclosure, audience, accepting=c.accepting_uscc == audience,
                                shared=shared)]


def broken_within(session: Session, subject_id: int, since: date,
                  until: date) -> list[CommitmentView]:
    """Commitments determined 部分履行 or 全部未履行 (broken or false) in [since, until]."""
    rows = session.scalars(select(Commitment).where(
        Commitment.subject_id == subject_id, Commitment.state == rules.BROKEN,
        Commitment.determined_on >= since, Commitment.determined_on <= until)
        .order_by(Commitment.determined_on.desc())).all()
    return [view(c, until) for c in rows]


@dataclass(frozen=True)
class CoverageRow:
    key: str  # region code or department code
    label: str
    commitments: int  # commitment information collected
    fulfilment_records: int  # of which 履行状态 has been determined
    enterprises: int | None  # registered enterprises (by region; None by department)
    ratio: float | None  # (commitments + fulfilment records) / enterprises, the seed's 100%


def coverage(session: Session, as_of: date | None = None,
             by: str = "region") -> list[CoverageRow]:
    """Commitments and fulfilment records per registered enterprise (seed 001: the ratio of
    commitment and fulfilment information to enterprises, target 100%)."""
    as_of = as_of or clock.today()
    key = Commitment.region_code if by == "region" else Commitment.accepting_uscc
    made = dict(session.execute(select(key, func.count()).where(
        Commitment.made_on <= as_of).group_by(key)).tuples().all())
    kept = dict(session.execute(select(key, func.count()).where(
        Commitment.made_on <= as_of, Commitment.determined_on.is_not(None),
        Commitment.determined_on <= as_of).group_by(key)).tuples().all())
    out: list[CoverageRow] = []
    if by == "region":
        firms = dict(session.execute(select(Subject.region_code, func.count()).where(
            Subject.kind.in_(ENTERPRISE_KINDS), Subject.merged_into_id.is_(None),
            Subject.region_code.is_not(None)).group_by(Subject.region_code)).tuples().all())
        for region in sorted({r for r in set(made) | set(firms) if r is not None}):
            n, f, e = made.get(region, 0), kept.get(region, 0), firms.get(region, 0)
            out.append(CoverageRow(region, region, n, f, e,
                                   round((n + f) / e, 4) if e else None))
        return out
    names = dict(session.execute(select(Commitment.accepting_uscc, Commitment.accepting_name)
                                 .distinct()).tuples().all())
    for dept in sorted(made):
        out.append(CoverageRow(dept, names.get(dept, dept), made[dept], kept.get(dept, 0),
                               None, None))
    return out


def public_column(session: Session, *, kind: str | None = None, limit: int = 20,
                  offset: int = 0) -> tuple[list[CommitmentView], int]:
    """信用承诺 column: only 可向社会公开 commitments, newest first."""
    where = [Commitment.disclosure == "public"]
    if kind:
        where.append(Commitment.kind == kind)
    total = session.scalar(select(func.count()).select_from(Commitment).where(*where)) or 0
    rows = session.scalars(select(Commitment).where(*where).order_by(
        Commitment.made_on.desc(), Commitment.id.desc()).limit(limit).offset(offset)).all()
    today = clock.today()
    return [view(c, today) for c in rows], total


def public_one(session: Session, code: str) -> CommitmentView | None:
    c = session.scalar(select(Commitment).where(Commitment.code == code,
                                                Commitment.disclosure == "public"))
    return view(c) if c else None


def queue(session: Session, actor: Actor, *, overdue_only: bool = False,
          today: date | None = None) -> list[CommitmentView]:
    """Verification tasks (履约核查中): the actor's department's, or all for the credit
    office; overdue ones first. Audited as a read of the department's cases."""
    today = today or clock.today()
    where = [Commitment.state == rules.VERIFYING]
    if actor.role != Role.ADMIN:
        where.append(Commitment.accepting_uscc == (actor.department_uscc or ""))
    if overdue_only:
        where.append(Commitment.verify_due < today)
    rows = session.scalars(select(Commitment).where(*where).order_by(
        Commitment.verify_due, Commitment.id)).all()
    audit.append(session, actor, "commitment.queue",
                 details={"overdue_only": overdue_only, "count": len(rows)})
    return [view(c, today) for c in rows]


def recent_for_department(session: Session, actor: Actor, limit: int = 50
                          ) -> list[CommitmentView]:
    where = []
    if actor.role != Role.ADMIN:
        where.append(Commitment.accepting_uscc == (actor.department_uscc or ""))
    rows = session.scalars(select(Commitment).where(*where).order_by(
        Commitment.id.desc()).limit(limit)).all()
    return [view(c) for c in rows]


def audit_read(session: Session, actor: Actor, uscc: str | None, what: str,
               codes: Iterable[str]) -> None:
    """Audit a non-public read of commitments (shared read or own file)."""
    action = audit.READ_SHARED if actor.is_staff else "commitment.read_own"
    audit.append(session, actor, action, subject_uscc=uscc,
                 details={"what": what, "codes": list(codes)[:50]})
