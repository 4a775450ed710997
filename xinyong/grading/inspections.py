"""双随机、一公开: inspection matters (检查事项清单) as data, draws by grade with a recorded seed,
two inspectors per sampled subject, results recorded and published (抽查结果公示), and the
share of draws that used credit grades (the 80 % indicator).

A draw is reproducible: the population is ordered by subject id, each grade's stratum is
sampled with `random.Random(f"{seed}:{grade}")`, inspectors are shuffled with
`random.Random(f"{seed}:inspectors")`; re-running with the same seed on the same population,
grades and inspectors gives the same sample and the same assignments.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.catalog.model import LegalBasis
from xinyong.core import clock
from xinyong.core.db import load_all_tables
from xinyong.core.errors import ConfigError, Conflict, Forbidden, Invalid, NotFound
from xinyong.grading.model import default_models
from xinyong.grading.sources import PERSON
from xinyong.grading.tables import GradeResult, InspectionDraw, InspectionTask
from xinyong.subjects import Subject

DATA = Path(__file__).parent / "data"
RESULTS = ("合格", "不合格", "发现问题已责令整改", "未发现问题", "未发现开展本次抽查涉及的经营活动",
           "通过登记的住所（经营场所）无法联系", "不配合检查")
MAX_SEED = 2**31 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Population(_Strict):
    record_type: str | None = None


class Matter(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    department_class: str
    population: Population
    legal_basis: list[LegalBasis] = Field(min_length=1)


class MatterList(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    matters: list[Matter] = Field(min_length=1)


class Sampling(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    scales: dict[str, dict[str, float]]
    ungraded: float = Field(ge=0, le=1)

    def ratios(self, scale: str) -> dict[str, float]:
        return self.scales[scale]


def _load(path: Path, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name} 不符合规则：{exc}") from exc


@cache
def matters() -> dict[str, Matter]:
    return {m.id: m for m in _load(DATA / "matters.yaml", MatterList).matters}


@cache
def sampling() -> Sampling:
    s: Sampling = _load(DATA / "sampling.yaml", Sampling)
    for scale, table in s.scales.items():
        if any(not 0 <= r <= 1 for r in table.values()):
            raise ConfigError(f"sampling.yaml: 抽查比例应在0到1之间（{scale}）")
    return s


def matter(matter_id: str) -> Matter:
    try:
        return matters()[matter_id]
    except KeyError:
        raise NotFound(f"检查事项 {matter_id} 不在检查事项清单中",
                       code="matter_not_found") from None


def _department(actor: Actor) -> str:
    if not actor.department_uscc:
        raise Forbidden("抽查由检查部门的账户发起，该账户未关联部门", code="no_department")
    return actor.department_uscc


def population(session: Session, m: Matter) -> list[tuple[int, str, str | None, str | None]]:
    """(subject_id, uscc, legal representative, latest grade or None), ordered by id: the
    organisations of the matter's 检查对象名录库 with their latest grade."""
    t = load_all_tables().tables
    record = t["record"]
    stmt = select(Subject.id, Subject.uscc, Subject.legal_representative).where(
        Subject.kind != PERSON, Subject.merged_into_id.is_(None))
    if m.population.record_type:
        stmt = stmt.where(Subject.id.in_(select(record.c.subject_id).where(
            record.c.record_type == m.population.record_type)))
    latest = (select(GradeResult.subject_id, func.max(GradeResult.id).label("rid"))
              .where(GradeResult.as_of <= clock.today())
              .group_by(GradeResult.subject_id).subquery())
    grades = dict(session.execute(
        select(latest.c.subject_id, GradeResult.grade)
        .join(GradeResult, GradeResult.id == latest.c.rid)).tuples().all())
    return [(sid, uscc or "", rep, grades.get(sid))
            for sid, uscc, rep in session.execute(stmt.order_by(Subject.id)).tuples()]


@dataclass(frozen=True)
class Inspector:
    account_id: int
    name: str
    display_name: str | None


def inspectors(session: Session, department_code: str) -> list[Inspector]:
    """执法检查人员名录库: active accounts with the inspector role in the department."""
    t = load_all_tables().tables
    acc, dep = t["account"], t["department"]
    rows = session.execute(select(acc.c.id, acc.c.name, acc.c.display_name)
                           .join(dep, dep.c.id == acc.c.department_id)
                           .where(acc.c.role == "inspector", acc.c.active.is_(True),
                                  dep.c.code == department_code).order_by(acc.c.id))
    return [Inspector(*r) for r in rows]


def _scale_of_grades() -> str:
    from xinyong.grading.model import DEFAULT_MODEL, model_for

    try:
        return model_for(clock.today(), DEFAULT_MODEL).scale.id
    except NotFound:
        return next(iter(default_models())).scale.id


def draw(session: Session, actor: Actor, matter_id: str, *, seed: int | None = None,
         ratios: dict[str, float] | None = None, use_grades: bool = True) -> InspectionDraw:
    """Draw a sample for `matter_id` by the actor's department (an audited write)."""
    m = matter(matter_id)
    if actor.department_class not in (m.department_class, None) and actor.role.value != "admin":
        raise Forbidden(f"检查事项「{m.name}」不由本部门实施", code="forbidden")
    dept = _department(actor)
    pool = inspectors(session, dept)
    if len(pool) < 2:
        raise Conflict("本部门执法检查人员名录库中不足2名检查人员，不能抽查",
                       code="too_few_inspectors")
    s = seed if seed is not None else random.SystemRandom().randrange(1, MAX_SEED)
    if not 0 <= s <= MAX_SEED:
        raise Invalid("随机种子应为0至2147483647之间的整数", code="seed_invalid")
    table = dict(ratios or sampling().ratios(_scale_of_grades()))
    table["ungraded"] = table.get("ungraded", sampling().ungraded)
    people = population(session, m)
    strata: dict[str, list[tuple[int, str, str | None, str | None]]] = {}
    for row in people:
        key = (row[3] or "ungraded") if use_grades else "all"
        strata.setdefault(key, []).append(row)
    chosen = []
    for key in sorted(strata):
        rows = strata[key]
        ratio = table.get(key, table["ungraded"]) if use_grades else table.get("all", 0.2)
        k = min(len(rows), math.ceil(len(rows) * ratio))
        chosen += random.Random(f"{s}:{key}").sample(rows, k)
    chosen.sort(key=lambda r: r[0])
    d = InspectionDraw(matter_id=m.id, department_code=dept, seed=s, drawn_on=clock.today(),
                       used_grades=use_grades, ratios=table, population=len(people),
                       sampled=len(chosen), created_by=actor.name, created_at=clock.now())
    session.add(d)
    session.flush()
    rng = random.Random(f"{s}:inspectors")
    for sid, uscc, rep, grade in chosen:
        # 回避: no inspector of the subject's own department (a department inspected as a
        # subject) and none who is its contact (its legal representative by name).
        ok = [i for i in pool if i.display_name != rep and dept != uscc] or pool
        pair = rng.sample(ok, 2) if len(ok) >= 2 else rng.sample(pool, 2)
        session.add(InspectionTask(draw_id=d.id, subject_id=sid, grade=grade,
                                   inspector_1=pair[0].account_id,
                                   inspector_2=pair[1].account_id))
    session.flush()
    audit.append(session, actor, "inspections.draw", details={
        "draw_id": d.id, "matter": m.id, "seed": s, "population": len(people),
        "sampled": len(chosen), "used_grades": use_grades})
    return d


def get_draw(session: Session, actor: Actor, draw_id: int) -> tuple[InspectionDraw,
                                                                    list[InspectionTask]]:
    d = session.get(InspectionDraw, draw_id)
    if d is None or (actor.role.value != "admin" and d.department_code != actor.department_uscc):
        raise NotFound(f"抽查 {draw_id} 不存在", code="draw_not_found")
    tasks = list(session.scalars(select(InspectionTask).where(InspectionTask.draw_id == d.id)
                                 .order_by(InspectionTask.id)))
    audit.append(session, actor, "inspections.read", details={"draw_id": d.id})
    return d, tasks


def list_draws(session: Session, actor: Actor) -> list[InspectionDraw]:
    stmt = select(InspectionDraw).order_by(InspectionDraw.id.desc()).limit(100)
    if actor.role.value != "admin":
        stmt = stmt.where(InspectionDraw.department_code == (actor.department_uscc or ""))
    draws = list(session.scalars(stmt))
    audit.append(session, actor, "inspections.read", details={"draws": len(draws)})
    return draws


def record_result(session: Session, actor: Actor, task_id: int, result: str,
                  note: str | None = None) -> InspectionTask:
    """Record a task's result; it is published (抽查结果公示) on the same day."""
    task = session.get(InspectionTask, task_id)
    d = session.get(InspectionDraw, task.draw_id) if task else None
    if task is None or d is None or (actor.role.value != "admin"
                                     and d.department_code != actor.department_uscc):
        raise NotFound(f"抽查任务 {task_id} 不存在", code="task_not_found")
    if result not in RESULTS:
        raise Invalid(f"抽查结果「{result[:20]}」不在允许范围内：" + "、".join(RESULTS),
                      code="result_invalid")
    if task.result is not None:
        raise Conflict(f"抽查任务 {task_id} 已记录结果「{task.result}」", code="result_recorded")
    task.result, task.result_note = result, (note or None)
    task.result_on = task.published_on = clock.today()
    session.flush()
    audit.append(session, actor, "inspections.result", details={
        "task_id": task.id, "draw_id": d.id, "result": result})
    return task


@dataclass(frozen=True)
class PublishedResult:
    subject_name: str
    uscc: str
    matter: str
    department_code: str
    result: str
    published_on: Any


def published_results(session: Session, limit: int = 200) -> list[PublishedResult]:
    """抽查结果公示: the recorded results, newest first (public)."""
    rows = session.execute(
        select(Subject.name, Subject.uscc, InspectionDraw.matter_id,
               InspectionDraw.department_code, InspectionTask.result,
               InspectionTask.published_on)
        .join(InspectionTask, InspectionTask.subject_id == Subject.id)
        .join(InspectionDraw, InspectionDraw.id == InspectionTask.draw_id)
        .where(InspectionTask.published_on.is_not(None))
        .order_by(InspectionTask.published_on.desc(), InspectionTask.id.desc()).limit(limit))
    return [PublishedResult(n, u or "", matters()[m].name if m in matters() else m, dc, r, p)
            for n, u, m, dc, r, p in rows]


def grade_share(session: Session, year: int) -> tuple[int, int]:
    """(draws that used grades, all draws) in `year`: the 信用关联度 (goal ≥ 80 %)."""
    from datetime import date

    rows = session.execute(select(InspectionDraw.used_grades, func.count())
                           .where(InspectionDraw.drawn_on >= date(year, 1, 1),
                                  InspectionDraw.drawn_on <= date(year, 12, 31))
                           .group_by(InspectionDraw.used_grades)).tuples().all()
    used = sum(n for u, n in rows if u)
    return used, sum(n for _, n in rows)
