"""Named counts the indicators are built from: each a set-based SELECT, never a loop over rows.

A source returns a `Source`: a SELECT whose rows carry `unit` (what is counted: a record, a
subject, a batch), `dept` (the providing or acting department's USCC, or NULL), `region` (the
subject's 6-digit division code, or NULL) and `w` (the weight: 1, or a batch's row count); and
whether to add the weights (`weighted`) or count distinct units. `aggregate` then groups it by
one dimension with one GROUP BY. A source that has no data to offer returns None: the
figure is "no data yet", never a zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, literal, null, or_, select
from sqlalchemy.orm import Session

from xinyong.departments.tables import Department
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.measures.tables import CheckFeedback
from xinyong.monitoring import providers
from xinyong.monitoring.period import Period
from xinyong.objections.tables import Objection
from xinyong.repair.tables import RepairApplication
from xinyong.screening.tables import ScreeningCheck
from xinyong.subjects.tables import Subject

EFFECTIVE_OBJECTION = ("corrected", "revoked")  # xinyong.objections.service.EFFECTIVE


@dataclass(frozen=True)
class Source:
    stmt: Select[Any]
    weighted: bool = False


SourceFn = Callable[[Period, dict[str, Any]], Source | None]
SOURCES: dict[str, SourceFn] = {}


def source(fn: SourceFn) -> SourceFn:
    SOURCES[fn.__name__] = fn
    return fn


def _day_after(d: date) -> datetime:
    return datetime.combine(d + timedelta(days=1), time())


def _enterprise() -> Any:
    # 企业（含个体工商户）: registered by market regulation, USCC registration department 9.
    return and_(Subject.uscc.like("9%"), Subject.merged_into_id.is_(None))


def _subject_cols() -> tuple[Any, ...]:
    return (Subject.id.label("unit"), null().label("dept"),
            Subject.region_code.label("region"), literal(1).label("w"))


@source
def active_enterprises(p: Period, params: dict[str, Any]) -> Source:
    """Enterprises (USCC starting with 9, not merged) the platform knew by the period's end.
    The platform holds no 存续/注销 status: see decision 0018."""
    return Source(select(*_subject_cols()).where(
        _enterprise(), Subject.created_at < _day_after(p.end)))


def _in_effect(end: date) -> Any:
    return and_(ListEntry.published_on.is_not(None), ListEntry.published_on <= end,
                or_(ListEntry.removed_on.is_(None), ListEntry.removed_on > end),
                or_(ListEntry.listed_until.is_(None), ListEntry.listed_until >= end))


@source
def listed_enterprises(p: Period, params: dict[str, Any]) -> Source:
    """Enterprises with a published entry of `list_kind` in effect on the period's last day."""
    return Source(select(*_subject_cols()).join(ListEntry, ListEntry.subject_id == Subject.id)
                  .where(_enterprise(), ListEntry.list_kind == params["list_kind"],
                         _in_effect(p.end)).distinct())


@source
def a_grade_taxpayers(p: Period, params: dict[str, Any]) -> Source:
    """A-grade taxpayers: enterprises with a valid 纳税信用 A result among the industry
    evaluation results the tax department reports (providers.a_grade_taxpayers), or listed in
    effect on the red list on the basis tax_a_grade (the 红名单 of A-grade taxpayers)."""
    red = (select(ListEntry.subject_id)
           .where(ListEntry.list_kind == "red", ListEntry.legal_basis_id == "tax_a_grade",
                  _in_effect(p.end)))
    graded = providers.a_grade_taxpayers(p.end)
    held = or_(Subject.id.in_(red), Subject.id.in_(graded)) if graded is not None else (
        Subject.id.in_(red))
    return Source(select(*_subject_cols()).where(_enterprise(), held))


@source
def commitments(p: Period, params: dict[str, Any]) -> Source | None:
    """Commitments and their fulfilment (承诺及践诺) made up to the period's end."""
    stmt = providers.commitments_made(p.end)
    return Source(stmt, weighted=True) if stmt is not None else None


@source
def frequent_penalised(p: Period, params: dict[str, Any]) -> Source:
    months = int(params.get("months", 12))
    # The 12 months ending on the period's last day: (end − 12 months, end].
    start = _add_months(p.end, -months) + timedelta(days=1)
    counted = (select(Record.subject_id).where(Record.record_type == "penalty",
                                               Record.decision_date >= start,
                                               Record.decision_date <= p.end)
               .group_by(Record.subject_id)
               .having(func.count() >= int(params.get("min_penalties", 3))).subquery())
    return Source(select(*_subject_cols()).join(counted, counted.c.subject_id == Subject.id)
                  .where(_enterprise()))


def _add_months(d: date, n: int) -> date:
    import calendar

    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _record_types(params: dict[str, Any]) -> Any:
    types = params.get("record_types")
    return Record.record_type.in_(types) if types else literal(True)


def _records(p: Period, params: dict[str, Any], *extra: Any) -> Source:
    return Source(select(Record.id.label("unit"), Provider.uscc.label("dept"),
                         null().label("region"), literal(1).label("w"))
                  .join(Provider, Provider.id == Record.provider_id)
                  .where(Record.received_on >= p.start, Record.received_on <= p.end,
                         _record_types(params), *extra))


@source
def records_received(p: Period, params: dict[str, Any]) -> Source:
    return _records(p, params)


@source
def records_judged(p: Period, params: dict[str, Any]) -> Source:
    """Records received in the period whose timeliness is known (a decision date and a
    deadline in working days)."""
    return _records(p, params, Record.late.is_not(None))


@source
def records_on_time(p: Period, params: dict[str, Any]) -> Source:
    return _records(p, params, Record.late.is_(False))


def _batches(p: Period, params: dict[str, Any], weight: Any) -> Source:
    types = params.get("record_types")
    return Source(select(Batch.id.label("unit"), Provider.uscc.label("dept"),
                         null().label("region"), weight.label("w"))
                  .join(Provider, Provider.id == Batch.provider_id)
                  .where(Batch.received_on >= p.start, Batch.received_on <= p.end,
                         Batch.record_type.in_(types) if types else literal(True)),
                  weighted=True)


@source
def rows_submitted(p: Period, params: dict[str, Any]) -> Source:
    return _batches(p, params, Batch.total)


@source
def rows_valid(p: Period, params: dict[str, Any]) -> Source:
    return _batches(p, params, Batch.total - Batch.rejected)


@source
def case_submissions(p: Period, params: dict[str, Any]) -> Source:
    """联合奖惩案例: a measure a department reports as applied after a check (措施实施反馈
    "applied"), counted in the month it was reported."""
    return Source(select(CheckFeedback.id.label("unit"),
                         ScreeningCheck.department_uscc.label("dept"),
                         null().label("region"), literal(1).label("w"))
                  .join(ScreeningCheck, ScreeningCheck.id == CheckFeedback.check_id)
                  .where(CheckFeedback.outcome == "applied",
                         CheckFeedback.created_at >= _day_after(p.start - timedelta(days=1)),
                         CheckFeedback.created_at < _day_after(p.end)))


def _objections(*conds: Any) -> Source:
    return Source(select(Objection.id.label("unit"), Objection.provider_uscc.label("dept"),
                         null().label("region"), literal(1).label("w")).where(*conds))


@source
def objections_effective(p: Period, params: dict[str, Any]) -> Source:
    """Objections decided in the period that were right (the record corrected or revoked)."""
    return _objections(Objection.state.in_(EFFECTIVE_OBJECTION),
                       Objection.decided_on >= p.start, Objection.decided_on <= p.end)


def _due(decided: Any, due: Any, p: Period) -> Any:
    # Whose clock ended in the period: decided in it, or still open with the due day in it.
    return or_(and_(decided >= p.start, decided <= p.end),
               and_(decided.is_(None), due >= p.start, due <= p.end))


@source
def objections_due(p: Period, params: dict[str, Any]) -> Source:
    return _objections(_due(Objection.decided_on, Objection.decide_due, p))


@source
def objections_decided_on_time(p: Period, params: dict[str, Any]) -> Source:
    return _objections(Objection.decided_on >= p.start, Objection.decided_on <= p.end,
                       or_(Objection.decide_due.is_(None),
                           Objection.decided_on <= Objection.decide_due))


def _repairs(*conds: Any) -> Source:
    return Source(select(RepairApplication.id.label("unit"),
                         RepairApplication.provider_uscc.label("dept"),
                         null().label("region"), literal(1).label("w")).where(*conds))


@source
def repairs_due(p: Period, params: dict[str, Any]) -> Source:
    return _repairs(_due(RepairApplication.decided_on, RepairApplication.decide_due, p))


@source
def repairs_decided_on_time(p: Period, params: dict[str, Any]) -> Source:
    return _repairs(RepairApplication.decided_on >= p.start,
                    RepairApplication.decided_on <= p.end,
                    or_(RepairApplication.decide_due.is_(None),
                        RepairApplication.decided_on <= RepairApplication.decide_due))


def aggregate(session: Session, src: Source, dimension: str) -> dict[str, int]:
    """One GROUP BY: the source's count per key of the dimension ("" for the total)."""
    sq = src.stmt.subquery()
    measure = func.sum(sq.c.w) if src.weighted else func.count(func.distinct(sq.c.unit))
    if dimension == "total":
        return {"": int(session.execute(select(func.coalesce(measure, 0))).scalar_one())}
    if dimension == "department":
        key: Any = sq.c.dept
        stmt = select(key, measure).select_from(sq).where(key.is_not(None))
    elif dimension == "county":
        key = func.coalesce(sq.c.region, Department.region_code)
        stmt = (select(key, measure).select_from(sq)
                .outerjoin(Department, Department.code == sq.c.dept).where(key.is_not(None)))
    elif dimension == "industry":
        key = func.coalesce(Department.department_class, "")
        stmt = select(key, measure).select_from(sq).join(Department,
                                                          Department.code == sq.c.dept)
    else:  # pragma: no cover - the model refuses other dimensions
        raise ValueError(dimension)
    return {str(k): int(n or 0) for k, n in session.execute(stmt.group_by(key)).tuples()}


def registry_keys(session: Session, dimension: str) -> list[str]:
    """The keys every department/county/industry has, with or without data (a department
    that sent nothing is a shortfall, not a missing row)."""
    if dimension == "department":
        col: Any = Department.code
    elif dimension == "county":
        col = Department.region_code
    elif dimension == "industry":
        col = func.coalesce(Department.department_class, "")
    else:
        return [""]
    return [str(k) for k in session.scalars(select(col).distinct())]
