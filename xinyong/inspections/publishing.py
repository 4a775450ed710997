"""抽查结果公示: a task's result recorded by its department and published as a record of the
catalog type `inspection_result` (双随机抽查结果信息), sent through the ingest path like any
record (an atomic one-row batch, the inspecting department as provider, audited as a batch)
and judged for publication like any record: it then shows in the public column, the
subject's credit file and the credit report. The inspectors' names are not in the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Conflict, Invalid, NotFound
from xinyong.core.workdays import WorkingCalendar, load_calendar
from xinyong.inspections.model import RESULT_TYPE, matters, result_rules, results
from xinyong.inspections.tables import InspectionDraw, InspectionTask
from xinyong.subjects import Subject

CATEGORIES = {"organisation": "法人及非法人组织", "individual_business": "个体工商户"}


def document_number(d: InspectionDraw, task: InspectionTask) -> str:
    """The 抽查任务编号 of a task: year of the draw, draw and task ids."""
    return f"SJCC{d.drawn_on:%Y}{d.id:06d}{task.id:08d}"


def publish_until(result_on: date) -> date:
    """The last day a result stays on the site (results.yaml `publication_months`)."""
    from xinyong.publication import period_end

    return period_end(result_on, result_rules().publication_months)


def result_row(d: InspectionDraw, task: InspectionTask, subject: Subject,
               department_name: str) -> dict[str, Any]:
    """The 双随机抽查结果信息 row of a recorded task, by catalog field name."""
    m = matters().get(d.matter_id)
    on = task.result_on or clock.today()
    return {
        "subject_name": subject.name,
        "subject_category": CATEGORIES.get(subject.kind, "法人及非法人组织"),
        "subject_uscc": subject.uscc, "document_number": document_number(d, task),
        "matter_name": m.name if m else d.matter_id, "inspection_kind": "双随机抽查",
        "result": task.result, "result_note": task.result_note,
        "decision_date": on.isoformat(), "publish_until": publish_until(on).isoformat(),
        "authority_name": department_name, "authority_uscc": d.department_code,
        "provider_name": department_name, "provider_uscc": d.department_code}


def _publish(session: Session, actor: Actor, d: InspectionDraw, task: InspectionTask, *,
             secret: str, calendar: WorkingCalendar, today: date) -> int:
    """Send the result through the ingest path as one record; link it to the task."""
    from xinyong.catalog import default_catalog
    from xinyong.departments import find_department
    from xinyong.ingest import BatchInput, Record, ingest
    from xinyong.ingest.runner import audit_batch

    subject = session.get(Subject, task.subject_id)
    assert subject is not None
    dept = find_department(session, d.department_code)
    name = (dept.name if dept else None) or actor.department_name or d.department_code
    row = result_row(d, task, subject, name)
    summary = ingest(session, BatchInput(
        record_type=default_catalog().get(RESULT_TYPE), provider_uscc=d.department_code,
        operator=actor.name[:100], channel="inspection", received_on=today,
        file_name=row["document_number"], provider_name=name, atomic=True),
        [(1, row)], calendar=calendar, secret=secret, today=today)
    audit_batch(session, actor, summary, "inspection")
    rid = session.scalar(select(Record.id).where(
        Record.record_type == RESULT_TYPE, Record.natural_key == row["document_number"])
        .order_by(Record.id.desc()).limit(1))
    task.result_record_id = rid
    return int(rid or 0)


def record_result(session: Session, actor: Actor, task_id: int, result: str,
                  note: str | None = None, *, secret: str,
                  calendar: WorkingCalendar | None = None,
                  today: date | None = None) -> InspectionTask:
    """Record a task's result; it is published (抽查结果公示) the same day as a record of
    `inspection_result` (`secret`: the settings' key for identifier hashing at ingest;
    `today`: the day it is recorded, default the clock's)."""
    task = session.get(InspectionTask, task_id)
    d = session.get(InspectionDraw, task.draw_id) if task else None
    if task is None or d is None or (actor.role.value != "admin"
                                     and d.department_code != actor.department_uscc):
        raise NotFound(f"抽查任务 {task_id} 不存在", code="task_not_found")
    allowed = results()
    if result not in allowed:
        raise Invalid(f"抽查结果「{result[:20]}」不在允许范围内：" + "、".join(allowed),
                      code="result_invalid")
    if task.result is not None:
        raise Conflict(f"抽查任务 {task_id} 已记录结果「{task.result}」", code="result_recorded")
    today = today or clock.today()
    task.result, task.result_note = result, (" ".join((note or "").split())[:1000] or None)
    task.result_on = task.published_on = today
    session.flush()
    _publish(session, actor, d, task, secret=secret,
             calendar=calendar or load_calendar(session), today=today)
    session.flush()
    audit.append(session, actor, "inspections.result", details={
        "task_id": task.id, "draw_id": d.id, "result": result,
        "record_id": task.result_record_id})
    return task


@dataclass(frozen=True)
class PublishedResult:
    subject_name: str
    uscc: str
    matter: str
    department_code: str
    department_name: str
    result: str
    published_on: date
    record_id: int


def published_results(session: Session, limit: int = 200) -> list[PublishedResult]:
    """抽查结果公示: the results public today, newest first, read from the published records
    (so what a repair, an objection or the end of the window hides, this hides too)."""
    from xinyong.publication.reads import list_column

    page = list_column(session, RESULT_TYPE, clock.today(), per_page=limit)
    out = []
    for r in page.items:
        f = dict(r.fields)
        out.append(PublishedResult(r.subject_name, r.subject_uscc or "", f.get("检查事项", ""),
                                   r.provider_uscc, r.provider_name, f.get("检查结果", ""),
                                   r.decision_date, r.id))
    return out
