"""The records behind a shortfall (one click from the scorecard): late rows, rejected rows,
missing monthly case submissions (the checks whose measures were not reported), objections and
repairs past their clock, effective objections. Read live, for the period and the department,
county or industry of the scorecard cell; natural persons' names masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.core.errors import NotFound
from xinyong.core.masking import mask_name
from xinyong.departments.tables import Department
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.measures.tables import CheckFeedback, CheckPrompt
from xinyong.monitoring.period import Period
from xinyong.monitoring.service import indicator
from xinyong.monitoring.sources import EFFECTIVE_OBJECTION
from xinyong.objections.tables import Objection
from xinyong.repair.tables import RepairApplication
from xinyong.screening.tables import ScreeningCheck
from xinyong.subjects.tables import Subject

PER_PAGE = 50
RECORD_TYPE_LABELS = {"licence": "行政许可", "penalty": "行政处罚"}


@dataclass(frozen=True)
class DrillTable:
    indicator_id: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    page: int


def _scope(col: Any, dimension: str, key: str) -> Any:
    if dimension == "department":
        return col == key
    if dimension == "county":
        return col.in_(select(Department.code).where(Department.region_code == key))
    if dimension == "industry":
        return col.in_(select(Department.code).where(
            func.coalesce(Department.department_class, "") == key))
    return col.is_not(None) | col.is_(None)


def _name(name: str, kind: str | None) -> str:
    return mask_name(name) if kind == "person" else name


def _page(session: Session, stmt: Any, page: int) -> tuple[list[Any], int]:
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return list(rows), total


def _late(session: Session, p: Period, dim: str, key: str, params: dict[str, Any],
          page: int) -> tuple[str, list[str], list[list[Any]], int]:
    stmt = (select(Record, Provider.name, Subject.kind)
            .join(Provider, Provider.id == Record.provider_id)
            .join(Subject, Subject.id == Record.subject_id)
            .where(Record.late.is_(True), Record.received_on >= p.start,
                   Record.received_on <= p.end,
                   Record.record_type.in_(params.get("record_types") or ["licence", "penalty"]),
                   _scope(Provider.uscc, dim, key))
            .order_by(Record.received_on, Record.id))
    rows, total = _page(session, stmt, page)
    return ("迟报记录（超过7个工作日报送）",
            ["记录编号", "类别", "行政决定文书号", "主体", "决定日期", "报送期限", "报送日期",
             "数据提供单位"],
            [[r.id, RECORD_TYPE_LABELS.get(r.record_type, r.record_type),
              str(r.data.get("document_number", "")), _name(r.subject_name, kind),
              r.decision_date, r.deadline, r.received_on, prov] for r, prov, kind in rows], total)


def _rejected(session: Session, p: Period, dim: str, key: str, params: dict[str, Any],
              page: int) -> tuple[str, list[str], list[list[Any]], int]:
    stmt = (select(Batch, Provider.name).join(Provider, Provider.id == Batch.provider_id)
            .where(Batch.rejected > 0, Batch.received_on >= p.start, Batch.received_on <= p.end,
                   _scope(Provider.uscc, dim, key))
            .order_by(Batch.received_on, Batch.id))
    rows, total = _page(session, stmt, page)
    return ("含不合规行的报送批次",
            ["批次", "类别", "报送日期", "报送行数", "不合规行数", "数据提供单位"],
            [[b.id, RECORD_TYPE_LABELS.get(b.record_type, b.record_type), b.received_on,
              b.total, b.rejected, prov] for b, prov in rows], total)


def _missing_cases(session: Session, p: Period, dim: str, key: str, params: dict[str, Any],
                   page: int) -> tuple[str, list[str], list[list[Any]], int]:
    """Checks in the period whose measure prompts the department has not reported on: the
    cases it could have submitted."""
    start = datetime.combine(p.start, time())
    end = datetime.combine(p.end + timedelta(days=1), time())
    stmt = (select(CheckPrompt, ScreeningCheck.department_name)
            .join(ScreeningCheck, ScreeningCheck.id == CheckPrompt.check_id)
            .outerjoin(CheckFeedback, CheckFeedback.prompt_id == CheckPrompt.id)
            .where(CheckFeedback.id.is_(None), CheckPrompt.created_at >= start,
                   CheckPrompt.created_at < end,
                   _scope(ScreeningCheck.department_uscc, dim, key))
            .order_by(CheckPrompt.created_at, CheckPrompt.id))
    rows, total = _page(session, stmt, page)
    return ("未反馈措施实施情况的核查提示（本月未报送案例）",
            ["核查编号", "提示时间", "主体", "措施", "核查单位"],
            [[c.check_id, c.created_at, c.subject_name if c.uscc else mask_name(c.subject_name),
              c.measure_name, dept] for c, dept in rows], total)


def _overdue(model: Any, title: str, session: Session, p: Period, dim: str, key: str,
             page: int) -> tuple[str, list[str], list[list[Any]], int]:
    late = or_(and_(model.decided_on.is_not(None), model.decide_due.is_not(None),
                    model.decided_on > model.decide_due,
                    model.decided_on >= p.start, model.decided_on <= p.end),
               and_(model.decided_on.is_(None), model.decide_due >= p.start,
                    model.decide_due <= p.end))
    stmt = (select(model, Subject.kind).join(Subject, Subject.id == model.subject_id)
            .where(late, _scope(model.provider_uscc, dim, key)).order_by(model.decide_due))
    rows, total = _page(session, stmt, page)
    return (title, ["编号", "主体", "状态", "办理期限", "办结日期", "数据提供单位"],
            [[o.id, _name(o.subject_name, kind), o.state, o.decide_due, o.decided_on,
              o.provider_name] for o, kind in rows], total)


def _effective(session: Session, p: Period, dim: str, key: str, params: dict[str, Any],
               page: int) -> tuple[str, list[str], list[list[Any]], int]:
    stmt = (select(Objection, Subject.kind).join(Subject, Subject.id == Objection.subject_id)
            .where(Objection.state.in_(EFFECTIVE_OBJECTION), Objection.decided_on >= p.start,
                   Objection.decided_on <= p.end, _scope(Objection.provider_uscc, dim, key))
            .order_by(Objection.decided_on))
    rows, total = _page(session, stmt, page)
    return ("有效异议（记录已更正或撤销）", ["编号", "主体", "结果", "办结日期", "数据提供单位"],
            [[o.id, _name(o.subject_name, kind), o.state, o.decided_on, o.provider_name]
             for o, kind in rows], total)


def drill(session: Session, indicator_id: str, period: str, dimension: str, key: str, *,
          page: int = 1) -> DrillTable:
    ind = indicator(indicator_id)
    p = Period.parse(period)
    if ind.drill is None:
        raise NotFound(f"监测指标 {ind.id} 没有明细", code="drill_not_found")
    params = ind.numerator.params
    page = max(page, 1)
    if ind.drill == "late_records":
        title, cols, rows, total = _late(session, p, dimension, key, params, page)
    elif ind.drill == "rejected_rows":
        title, cols, rows, total = _rejected(session, p, dimension, key, params, page)
    elif ind.drill == "missing_cases":
        title, cols, rows, total = _missing_cases(session, p, dimension, key, params, page)
    elif ind.drill == "objections_overdue":
        title, cols, rows, total = _overdue(Objection, "超期未办结的异议", session, p,
                                            dimension, key, page)
    elif ind.drill == "repairs_overdue":
        title, cols, rows, total = _overdue(RepairApplication, "超期未办结的信用修复申请",
                                            session, p, dimension, key, page)
    else:
        title, cols, rows, total = _effective(session, p, dimension, key, params, page)
    return DrillTable(ind.id, title, cols, rows, total, page)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
