"""Compute indicator values for a period and keep them; read them back for the scorecard,
trends and reports. Takes a Session, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Conflict, NotFound
from xinyong.departments.tables import Department
from xinyong.monitoring.model import Indicator, format_value, load_indicators
from xinyong.monitoring.period import Period
from xinyong.monitoring.sources import SOURCES, aggregate, registry_keys
from xinyong.monitoring.tables import IndicatorValue


@dataclass(frozen=True)
class ComputeResult:
    period: str
    indicators: int
    values: int
    recomputed: bool
    skipped: list[str] = field(default_factory=list)  # not in force in the period


def stored_periods(session: Session) -> list[str]:
    return sorted(session.scalars(select(IndicatorValue.period).distinct()), reverse=True)


def compute(session: Session, actor: Actor, period: str, *, recompute: bool = False
            ) -> ComputeResult:
    """Compute every indicator in force for the period, per dimension, and store the values.
    A period already computed is refused unless `recompute` (then its values are replaced)."""
    p = Period.parse(period)
    existing = session.scalar(select(func.count()).select_from(IndicatorValue)
                              .where(IndicatorValue.period == p.key))
    if existing and not recompute:
        raise Conflict(f"统计期 {p.key} 的指标已计算并保存；如需按现有数据重新计算，"
                       "请使用 --recompute（将记入审计日志）", code="period_computed")
    if existing:
        session.execute(delete(IndicatorValue).where(IndicatorValue.period == p.key))
    now, rows, skipped, used = clock.now(), [], [], 0
    for ind in load_indicators().values():
        if p.kind not in ind.periods or not ind.in_force(p.end):
            skipped.append(ind.id)
            continue
        used += 1
        num_src = SOURCES[ind.numerator.source](p, ind.numerator.params)
        den_src = (SOURCES[ind.denominator.source](p, ind.denominator.params)
                   if ind.denominator else None)
        no_data = num_src is None or (ind.denominator is not None and den_src is None)
        for dim in ind.dimensions:
            nums = aggregate(session, num_src, dim) if num_src is not None else {}
            dens = aggregate(session, den_src, dim) if den_src is not None else {}
            keys = set(nums) | set(dens) | set(registry_keys(session, dim))
            for key in sorted(keys):
                n = nums.get(key, 0)
                d = dens.get(key, 0) if ind.denominator else None
                value = None if no_data else ind.value(n, d)
                rows.append({
                    "indicator_id": ind.id, "period": p.key, "dimension": dim, "key": key,
                    "numerator": n, "denominator": d, "value": value,
                    "target_op": ind.target.op, "target_value": ind.target.value,
                    "met": ind.target.met(value), "no_data": no_data,
                    "computed_at": now, "computed_by": actor.name})
    if rows:
        session.execute(insert(IndicatorValue), rows)
    audit.append(session, actor, "monitoring.compute", details={
        "period": p.key, "indicators": used, "values": len(rows), "recompute": bool(existing)})
    return ComputeResult(p.key, used, len(rows), bool(existing), skipped)


@dataclass(frozen=True)
class Figure:
    indicator_id: str
    period: str
    dimension: str
    key: str
    numerator: int
    denominator: int | None
    value: float | None
    met: bool | None
    no_data: bool

    def shown(self, unit: str) -> str:
        return "暂无数据" if self.no_data else format_value(self.value, unit)


def _figure(v: IndicatorValue) -> Figure:
    return Figure(v.indicator_id, v.period, v.dimension, v.key, v.numerator, v.denominator,
                  v.value, v.met, v.no_data)


def figures(session: Session, period: str, *, dimension: str | None = None,
            indicator_id: str | None = None, key: str | None = None) -> list[Figure]:
    p = Period.parse(period)
    stmt = select(IndicatorValue).where(IndicatorValue.period == p.key)
    if dimension:
        stmt = stmt.where(IndicatorValue.dimension == dimension)
    if indicator_id:
        stmt = stmt.where(IndicatorValue.indicator_id == indicator_id)
    if key is not None:
        stmt = stmt.where(IndicatorValue.key == key)
    return [_figure(v) for v in session.scalars(stmt.order_by(IndicatorValue.indicator_id,
                                                              IndicatorValue.key))]


def trend(session: Session, indicator_id: str, period: str, n: int = 12, *,
          dimension: str = "total", key: str = "") -> list[tuple[Period, Figure | None]]:
    """The stored figure of this period and the n-1 before it (None where not computed)."""
    indicator(indicator_id)
    periods = Period.parse(period).previous(n)
    found = {v.period: _figure(v) for v in session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                     IndicatorValue.dimension == dimension,
                                     IndicatorValue.key == key,
                                     IndicatorValue.period.in_([q.key for q in periods])))}
    return [(q, found.get(q.key)) for q in periods]


def indicator(indicator_id: str) -> Indicator:
    found = load_indicators().get(indicator_id)
    if found is None:
        raise NotFound(f"监测指标 {indicator_id} 不存在", code="indicator_not_found")
    return found


def department_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Department.code, Department.name)).tuples().all())


@dataclass(frozen=True)
class ScoreCell:
    indicator: Indicator
    figure: Figure | None

    @property
    def shortfall(self) -> bool:
        return self.figure is not None and self.figure.met is False


@dataclass(frozen=True)
class ScoreRow:
    key: str
    name: str
    cells: list[ScoreCell]

    @property
    def shortfalls(self) -> int:
        return sum(1 for c in self.cells if c.shortfall)


@dataclass(frozen=True)
class Scorecard:
    period: Period
    scope: str  # department | county
    indicators: list[Indicator]
    rows: list[ScoreRow]
    computed: bool


SCOPES = ("department", "county")


def scorecard(session: Session, period: str, scope: str) -> Scorecard:
    """Each department (or county), each indicator against its target, from stored values."""
    p = Period.parse(period)
    if scope not in SCOPES:
        raise NotFound(f"考核范围 {scope} 不存在：department 或 county", code="scope_not_found")
    inds = [i for i in load_indicators().values() if scope in i.dimensions
            and p.kind in i.periods]
    by = {(f.indicator_id, f.key): f for f in figures(session, p.key, dimension=scope)}
    names = department_names(session) if scope == "department" else {}
    keys = sorted({k for (_i, k) in by} | set(registry_keys(session, scope)))
    rows = [ScoreRow(k, names.get(k, k), [ScoreCell(i, by.get((i.id, k))) for i in inds])
            for k in keys if k]
    rows.sort(key=lambda r: (-r.shortfalls, r.key))
    return Scorecard(p, scope, inds, rows, computed=bool(by))
