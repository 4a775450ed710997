"""双随机、一公开: the matters (public), draws and results (the inspector's department, audited),
回避 declarations (the inspector or the department's data officer, audited), the published
results (抽查结果公示, public: read from the `inspection_result` records) and the share of draws
that used grades."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong import inspections as ins
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import SessionDep, SettingsDep, require, run_and_commit
from xinyong.core import clock
from xinyong.core.db import load_all_tables
from xinyong.inspections import InspectionDraw, InspectionTask
from xinyong.subjects import Subject

router = APIRouter(prefix="/api/v1", tags=["inspections"])
Inspector = Annotated[Actor, Depends(require(Permission.INSPECTIONS_RUN))]
Declarer = Annotated[Actor, Depends(require(Permission.INSPECTIONS_AVOIDANCE))]
# The catalog's inspection_result.result codes (a test keeps the two equal).
Result = Literal["合格", "不合格", "发现问题已责令整改", "未发现问题",
                 "未发现开展本次抽查涉及的经营活动", "通过登记的住所（经营场所）无法联系",
                 "不配合检查"]


class MatterPublic(BaseModel):
    id: str
    name: str
    department_class: str
    population_record_type: str | None
    legal_basis: list[str]


class TaskPublic(BaseModel):
    id: int
    subject_uscc: str
    subject_name: str
    grade: str | None
    inspectors: list[str]
    result: str | None
    result_note: str | None
    result_on: date | None
    record_id: int | None = Field(None, description="公示的双随机抽查结果信息记录")


class DrawPublic(BaseModel):
    id: int
    matter: str
    matter_name: str
    department_code: str
    seed: int
    drawn_on: date
    used_grades: bool
    ratios: dict[str, float]
    population: int
    sampled: int
    excluded_avoidance: int = Field(0, description="因检查人员申报回避而排除的人员选派次数")
    tasks: list[TaskPublic] = []


class DrawList(BaseModel):
    items: list[DrawPublic]
    total: int


class DrawRequest(BaseModel):
    matter: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$", description="检查事项 id")
    seed: int | None = Field(None, ge=0, le=ins.MAX_SEED,
                             description="随机种子；不填由系统生成并记录")
    use_grades: bool = Field(True, description="按信用等级确定抽查比例")


class ResultRequest(BaseModel):
    result: Result
    note: str | None = Field(None, max_length=1000)


class ResultPublished(BaseModel):
    subject_name: str
    uscc: str
    matter: str
    department_code: str
    department_name: str
    result: str
    published_on: date
    record_id: int


class AvoidanceCreate(BaseModel):
    subject_uscc: str = Field(min_length=18, max_length=18, description="回避的检查对象代码")
    reason: str = Field(min_length=2, max_length=500, description="回避事由")
    inspector: str | None = Field(None, max_length=100,
                                  description="检查人员账户（数据报送员代为申报时填写）")


class AvoidancePublic(BaseModel):
    id: int
    inspector: str
    subject_uscc: str
    reason: str
    declared_by: str
    declared_at: str
    withdrawn_at: str | None


class AvoidanceList(BaseModel):
    items: list[AvoidancePublic]
    total: int


class ShareOut(BaseModel):
    year: int
    draws: int
    with_grades: int
    share: float | None = Field(description="使用信用等级的抽查占比（目标不低于0.8）")


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    acc = load_all_tables().tables["account"]
    return {i: (d or n) for i, n, d in session.execute(
        select(acc.c.id, acc.c.name, acc.c.display_name).where(acc.c.id.in_(ids))).tuples()}


def draw_model(session: Session, d: InspectionDraw, tasks: list[InspectionTask] | None = None
               ) -> DrawPublic:
    m = ins.matters().get(d.matter_id)
    out = DrawPublic(id=d.id, matter=d.matter_id, matter_name=m.name if m else d.matter_id,
                     department_code=d.department_code, seed=d.seed, drawn_on=d.drawn_on,
                     used_grades=d.used_grades, ratios=d.ratios, population=d.population,
                     sampled=d.sampled, excluded_avoidance=d.excluded_avoidance or 0)
    if tasks:
        people = {i for t in tasks for i in (t.inspector_1, t.inspector_2) if i}
        names = _names(session, people)
        subjects = {s.id: s for s in session.scalars(
            select(Subject).where(Subject.id.in_({t.subject_id for t in tasks})))}
        out.tasks = [TaskPublic(
            id=t.id, subject_uscc=subjects[t.subject_id].uscc or "",
            subject_name=subjects[t.subject_id].name, grade=t.grade,
            inspectors=[names.get(i, str(i)) for i in (t.inspector_1, t.inspector_2) if i],
            result=t.result, result_note=t.result_note, result_on=t.result_on,
            record_id=t.result_record_id) for t in tasks]
    return out


@router.get("/inspections/matters", response_model=list[MatterPublic])
def list_matters() -> list[MatterPublic]:
    """检查事项清单 (published): each matter, its department class and legal basis."""
    return [MatterPublic(id=m.id, name=m.name, department_class=m.department_class,
                         population_record_type=m.population.record_type,
                         legal_basis=[b.cite() for b in m.legal_basis])
            for m in ins.matters().values()]


@router.get("/inspections/draws", response_model=DrawList)
async def list_draws(session: SessionDep, actor: Inspector) -> DrawList:
    """The department's draws, newest first (audited read)."""

    def work() -> DrawList:
        items = [draw_model(session, d) for d in ins.list_draws(session, actor)]
        return DrawList(items=items, total=len(items))

    return await run_and_commit(session, work)


@router.post("/inspections/draws", response_model=DrawPublic, status_code=201)
async def new_draw(body: DrawRequest, session: SessionDep, actor: Inspector) -> DrawPublic:
    """Draw a sample for a matter: ratio per grade from the sampling table, random with the
    recorded seed, two inspectors of the department per subject."""

    def work() -> DrawPublic:
        d = ins.draw(session, actor, body.matter, seed=body.seed, use_grades=body.use_grades)
        return draw_model(session, *ins.get_draw(session, actor, d.id))

    return await run_and_commit(session, work)


@router.get("/inspections/draws/{draw_id}", response_model=DrawPublic)
async def get_draw(draw_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep,
                   actor: Inspector) -> DrawPublic:
    """One draw with its sampled subjects, inspectors and results (audited read)."""
    return await run_and_commit(session, lambda: draw_model(
        session, *ins.get_draw(session, actor, draw_id)))


@router.post("/inspections/tasks/{task_id}/result", response_model=TaskPublic)
async def record_result(task_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: ResultRequest,
                        session: SessionDep, actor: Inspector,
                        settings: SettingsDep) -> TaskPublic:
    """Record a sampled subject's result; it is published (抽查结果公示) the same day as a
    双随机抽查结果信息 record (`record_id`), with the department as its source."""

    def work() -> TaskPublic:
        t = ins.record_result(session, actor, task_id, body.result, body.note,
                              secret=settings.secret_key)
        d = session.get(InspectionDraw, t.draw_id)
        assert d is not None
        return draw_model(session, d, [t]).tasks[0]

    return await run_and_commit(session, work)


@router.get("/inspections/share", response_model=ShareOut)
async def grade_share(session: SessionDep, actor: Inspector,
                      year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> ShareOut:
    """信用关联度: the share of the year's draws that used credit grades (goal ≥ 80 %)."""
    y = year or clock.today().year

    def work() -> ShareOut:
        used, total = ins.grade_share(session, y)
        audit.append(session, actor, "inspections.read", details={"share_year": y})
        return ShareOut(year=y, draws=total, with_grades=used,
                        share=round(used / total, 4) if total else None)

    return await run_and_commit(session, work)


@router.get("/public/inspection-results", response_model=list[ResultPublished])
def published(session: SessionDep) -> list[ResultPublished]:
    """抽查结果公示: the results public today, newest first (read from the records)."""
    return [ResultPublished(**r.__dict__) for r in ins.published_results(session)]


def _avoidance(d: ins.Declaration) -> AvoidancePublic:
    return AvoidancePublic(id=d.id, inspector=d.inspector, subject_uscc=d.subject_uscc,
                           reason=d.reason, declared_by=d.declared_by,
                           declared_at=d.declared_at.isoformat(timespec="seconds"),
                           withdrawn_at=d.withdrawn_at.isoformat(timespec="seconds")
                           if d.withdrawn_at else None)


@router.get("/inspections/avoidances", response_model=AvoidanceList)
async def list_avoidances(session: SessionDep, actor: Declarer) -> AvoidanceList:
    """回避 declarations in force: an inspector's own, the department's for its data officer
    (audited read)."""

    def work() -> AvoidanceList:
        items = [_avoidance(d) for d in ins.list_declarations(session, actor)]
        return AvoidanceList(items=items, total=len(items))

    return await run_and_commit(session, work)


@router.post("/inspections/avoidances", response_model=AvoidancePublic, status_code=201)
async def declare_avoidance(body: AvoidanceCreate, session: SessionDep,
                            actor: Declarer) -> AvoidancePublic:
    """Declare 回避: the inspector (or, named by the department's data officer, one of its
    inspectors) is never assigned to the subject in a draw (audited write)."""

    def work() -> AvoidancePublic:
        row = ins.declare(session, actor, body.subject_uscc, body.reason,
                          account=body.inspector)
        [d] = [d for d in ins.list_declarations(session, actor) if d.id == row.id]
        return _avoidance(d)

    return await run_and_commit(session, work)


@router.post("/inspections/avoidances/{avoidance_id}/withdrawal",
             response_model=AvoidancePublic)
async def withdraw_avoidance(avoidance_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                             session: SessionDep, actor: Declarer) -> AvoidancePublic:
    """Withdraw a 回避 declaration (kept, dated: past draws stay reproducible)."""

    def work() -> AvoidancePublic:
        ins.withdraw(session, actor, avoidance_id)
        [d] = [d for d in ins.list_declarations(session, actor, include_withdrawn=True)
               if d.id == avoidance_id]
        return _avoidance(d)

    return await run_and_commit(session, work)
