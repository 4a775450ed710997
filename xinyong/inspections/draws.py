"""双随机 draws: the population (检查对象名录库) of a matter with its latest grades, the
department's inspectors (执法检查人员名录库), the draw by grade with a recorded seed and two
inspectors per sampled subject, and the share of draws that used grades (the 80 % indicator).

A draw is reproducible: the population is ordered by subject id, each grade's stratum is
sampled with `random.Random(f"{seed}:{grade}")`, inspectors are drawn with
`random.Random(f"{seed}:inspectors")` subject by subject in id order; re-running with the same
seed on the same population, grades, inspectors and 回避 declarations gives the same sample
and the same assignments. Declarations are never deleted (a withdrawal is dated), so those in
force at a past draw can be read again (`avoidance.declared_at`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.db import load_all_tables
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.grading import reads as grades
from xinyong.inspections.avoidance import declared_at
from xinyong.inspections.model import MAX_SEED, Matter, matter, sampling
from xinyong.inspections.tables import InspectionDraw, InspectionTask
from xinyong.subjects import Subject

PERSON = "person"  # natural persons are never drawn (and never graded)


@dataclass(frozen=True)
class Candidate:
    subject_id: int
    uscc: str
    legal_representative: str | None
    grade: str | None


@dataclass(frozen=True)
class Inspector:
    account_id: int
    name: str
    display_name: str | None


@dataclass(frozen=True)
class Assignment:
    subject_id: int
    grade: str | None
    inspectors: tuple[int, int]


@dataclass(frozen=True)
class Sample:
    """What a seed gives on a population: the assignments and how many (subject, inspector)
    pairs the 回避 declarations excluded."""

    population: int
    assignments: list[Assignment]
    excluded_avoidance: int


def _department(actor: Actor) -> str:
    if not actor.department_uscc:
        raise Forbidden("抽查由检查部门的账户发起，该账户未关联部门", code="no_department")
    return actor.department_uscc


def population(session: Session, m: Matter) -> list[Candidate]:
    """The organisations of the matter's 检查对象名录库 with their latest grade (read through
    the grading domain's contract), ordered by id."""
    record = load_all_tables().tables["record"]
    stmt = select(Subject.id, Subject.uscc, Subject.legal_representative).where(
        Subject.kind != PERSON, Subject.merged_into_id.is_(None))
    if m.population.record_type:
        stmt = stmt.where(Subject.id.in_(select(record.c.subject_id).where(
            record.c.record_type == m.population.record_type)))
    latest = grades.latest_grades(session)
    return [Candidate(sid, uscc or "", rep, latest.get(sid))
            for sid, uscc, rep in session.execute(stmt.order_by(Subject.id)).tuples()]


def inspectors(session: Session, department_code: str) -> list[Inspector]:
    """执法检查人员名录库: active accounts with the inspector role in the department."""
    t = load_all_tables().tables
    acc, dep = t["account"], t["department"]
    rows = session.execute(select(acc.c.id, acc.c.name, acc.c.display_name)
                           .join(dep, dep.c.id == acc.c.department_id)
                           .where(acc.c.role == "inspector", acc.c.active.is_(True),
                                  dep.c.code == department_code).order_by(acc.c.id))
    return [Inspector(*r) for r in rows]


def sample(people: list[Candidate], pool: list[Inspector], seed: int,
           table: dict[str, float], *, use_grades: bool, department_code: str,
           avoid: dict[str, set[int]]) -> Sample:
    """The pure draw: the sample per grade and two inspectors per sampled subject. An
    inspector who declared 回避 for the subject's code is never assigned to it; the older
    rules (no inspector of a department drawn as its own subject, none named as the
    subject's legal representative) are kept where the pool allows."""
    strata: dict[str, list[Candidate]] = {}
    for c in people:
        strata.setdefault((c.grade or "ungraded") if use_grades else "all", []).append(c)
    chosen: list[Candidate] = []
    for key in sorted(strata):
        rows = strata[key]
        ratio = table.get(key, table["ungraded"]) if use_grades else table.get("all", 0.2)
        k = min(len(rows), math.ceil(len(rows) * ratio))
        chosen += random.Random(f"{seed}:{key}").sample(rows, k)
    chosen.sort(key=lambda c: c.subject_id)
    rng = random.Random(f"{seed}:inspectors")
    out, excluded = [], 0
    for c in chosen:
        declared = avoid.get(c.uscc, set())
        eligible = [i for i in pool if i.account_id not in declared]
        excluded += len(pool) - len(eligible)
        if len(eligible) < 2:
            raise Conflict(f"统一社会信用代码 {c.uscc} 的检查对象因回避可派检查人员不足2名，"
                           "请补充执法检查人员后再抽查", code="too_few_inspectors_avoidance")
        ok = [i for i in eligible
              if i.display_name != c.legal_representative and department_code != c.uscc]
        pair = rng.sample(ok if len(ok) >= 2 else eligible, 2)
        out.append(Assignment(c.subject_id, c.grade, (pair[0].account_id, pair[1].account_id)))
    return Sample(len(people), out, excluded)


def draw(session: Session, actor: Actor, matter_id: str, *, seed: int | None = None,
         ratios: dict[str, float] | None = None, use_grades: bool = True,
         today: date | None = None) -> InspectionDraw:
    """Draw a sample for `matter_id` by the actor's department (an audited write); `today`:
    the day of the draw (default the clock's)."""
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
    table = dict(ratios or sampling().ratios(grades.scale_in_force()))
    table["ungraded"] = table.get("ungraded", sampling().ungraded)
    now = clock.now()
    result = sample(population(session, m), pool, s, table, use_grades=use_grades,
                    department_code=dept, avoid=declared_at(session, dept, now))
    d = InspectionDraw(matter_id=m.id, department_code=dept, seed=s,
                       drawn_on=today or clock.today(),
                       used_grades=use_grades, ratios=table, population=result.population,
                       sampled=len(result.assignments), created_by=actor.name, created_at=now,
                       excluded_avoidance=result.excluded_avoidance)
    session.add(d)
    session.flush()
    session.add_all([InspectionTask(draw_id=d.id, subject_id=a.subject_id, grade=a.grade,
                                    inspector_1=a.inspectors[0], inspector_2=a.inspectors[1])
                     for a in result.assignments])
    session.flush()
    audit.append(session, actor, "inspections.draw", details={
        "draw_id": d.id, "matter": m.id, "seed": s, "population": result.population,
        "sampled": len(result.assignments), "used_grades": use_grades,
        "excluded_avoidance": result.excluded_avoidance})
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


def grade_share(session: Session, year: int) -> tuple[int, int]:
    """(draws that used grades, all draws) in `year`: the 信用关联度 (goal ≥ 80 %)."""
    rows = session.execute(select(InspectionDraw.used_grades, func.count())
                           .where(InspectionDraw.drawn_on >= date(year, 1, 1),
                                  InspectionDraw.drawn_on <= date(year, 12, 31))
                           .group_by(InspectionDraw.used_grades)).tuples().all()
    used = sum(n for u, n in rows if u)
    return used, sum(n for _, n in rows)

