"""Credit evaluation (信用评价) results: the subject's own grade explained, a department's
read with a declared purpose (audited), the credit office's view of industry evaluation
reporting. Never on the public site; no grade of a natural person."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import PurposeDep, SessionDep, require, run_and_commit
from xinyong.core import clock
from xinyong.grading import reads
from xinyong.subjects import Subject

router = APIRouter(prefix="/api/v1", tags=["grading"])
Own = Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]
Shared = Annotated[Actor, Depends(require(Permission.RECORDS_READ_SHARED))]
Office = Annotated[Actor, Depends(require(Permission.DEPARTMENTS_MANAGE))]


class ContributionPublic(BaseModel):
    indicator: str
    name: str
    value: float
    points: float
    improve: str | None


class GradePublic(BaseModel):
    uscc: str
    name: str
    evaluated: bool = Field(description="false: not evaluated yet (the fields below are null)")
    grade: str | None = None
    label: str | None = None
    score: float | None = None
    base_score: float | None = None
    model_version: str | None = None
    model_name: str | None = None
    as_of: date | None = None
    computed_on: date | None = None
    override: str | None = None
    override_reason: str | None = None
    contributions: list[ContributionPublic] = []
    advice: list[str] = []
    legal_basis: list[str] = []


class IndustryPublic(BaseModel):
    department: str
    kind: str
    grade: str
    year: int
    valid_from: date
    valid_to: date


class ReportingPublic(BaseModel):
    department_code: str
    department_name: str
    results: int
    last_received: date | None


class ReportingList(BaseModel):
    year: int
    missing: int
    items: list[ReportingPublic]


def grade_model(subject: Subject, view: reads.GradeView | None) -> GradePublic:
    if view is None:
        return GradePublic(uscc=subject.uscc or "", name=subject.name, evaluated=False)
    return GradePublic(
        uscc=subject.uscc or "", name=subject.name, evaluated=True, grade=view.grade,
        label=view.label, score=view.score, base_score=view.base_score,
        model_version=view.model_version, model_name=view.model_name, as_of=view.as_of,
        computed_on=view.computed_on, override=view.override,
        override_reason=view.override_reason,
        contributions=[ContributionPublic(**c.__dict__) for c in view.contributions],
        advice=view.advice(), legal_basis=view.legal_basis)


@router.get("/me/grade", response_model=GradePublic)
async def my_grade(session: SessionDep, actor: Own) -> GradePublic:
    """The subject's own credit evaluation: grade, each indicator's contribution and how to
    improve. Internal: shown to the subject itself, never on the public site."""
    return await run_and_commit(session, lambda: grade_model(*reads.own_grade(session, actor)))


@router.get("/shared/subjects/{uscc}/grade", response_model=GradePublic)
async def shared_grade(uscc: str, purpose: PurposeDep, session: SessionDep,
                       actor: Shared) -> GradePublic:
    """A subject's credit evaluation for a department with a declared purpose (audited)."""
    return await run_and_commit(session, lambda: grade_model(
        *reads.department_grade(session, actor, uscc, purpose)))


@router.get("/shared/subjects/{uscc}/industry-results", response_model=list[IndustryPublic])
async def shared_industry(uscc: str, purpose: PurposeDep, session: SessionDep,
                          actor: Shared) -> list[IndustryPublic]:
    """The subject's industry evaluation results valid today (audited read with purpose)."""

    def work() -> list[IndustryPublic]:
        subject, _ = reads.department_grade(session, actor, uscc, purpose)
        return [IndustryPublic(**r.__dict__) for r in reads.industry_results(session, subject.id)]

    return await run_and_commit(session, work)


@router.get("/grading/industry-reporting", response_model=ReportingList)
async def industry_reporting(session: SessionDep, actor: Office,
                             year: Annotated[int | None, Query(ge=2000, le=2100)] = None
                             ) -> ReportingList:
    """For the credit office: which supervising departments have reported industry
    evaluation results this year, and which have not (listed first)."""
    y = year or clock.today().year

    def work() -> ReportingList:
        items = [ReportingPublic(**r.__dict__) for r in reads.industry_reporting(session, actor, y)]
        return ReportingList(year=y, missing=sum(1 for i in items if i.results == 0),
                             items=items)

    return await run_and_commit(session, work)
