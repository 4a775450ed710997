"""The monitoring reads as the credit office makes them (authorised, audited), the charts'
data, and the public turnaround figures (no permission: published on purpose)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, authorize
from xinyong.monitoring.charts import bar_chart
from xinyong.monitoring.drill import DrillTable, drill
from xinyong.monitoring.model import load_indicators
from xinyong.monitoring.period import Period
from xinyong.monitoring.service import (
    Figure,
    Scorecard,
    department_names,
    figures,
    indicator,
    scorecard,
    trend,
)


def read_scorecard(session: Session, actor: Actor, period: str, scope: str) -> Scorecard:
    authorize(actor, Permission.MONITORING_READ)
    card = scorecard(session, period, scope)
    audit.append(session, actor, "monitoring.scorecard.read", details={
        "period": card.period.key, "scope": scope, "rows": len(card.rows)})
    return card


def read_figures(session: Session, actor: Actor, period: str, dimension: str | None
                 ) -> list[Figure]:
    authorize(actor, Permission.MONITORING_READ)
    figs = figures(session, period, dimension=dimension)
    audit.append(session, actor, "monitoring.figures.read", details={
        "period": Period.parse(period).key, "dimension": dimension, "values": len(figs)})
    return figs


def read_drill(session: Session, actor: Actor, indicator_id: str, period: str, dimension: str,
               key: str, page: int = 1) -> DrillTable:
    authorize(actor, Permission.MONITORING_READ)
    table = drill(session, indicator_id, period, dimension, key, page=page)
    audit.append(session, actor, "monitoring.drill.read", details={
        "indicator": indicator_id, "period": Period.parse(period).key,
        "dimension": dimension, "key": key, "rows": len(table.rows), "total": table.total})
    return table


@dataclass(frozen=True)
class Chart:
    indicator_id: str
    title: str
    unit: str
    labels: list[str]
    values: list[float | None]
    met: list[bool | None]
    target: float | None

    def svg(self) -> str:
        return bar_chart(self.title, self.labels, self.values, self.unit, target=self.target,
                         met=self.met)

    def as_dict(self) -> dict[str, Any]:
        return {"indicator_id": self.indicator_id, "title": self.title, "unit": self.unit,
                "target": self.target,
                "points": [{"label": lab, "value": v, "met": m}
                           for lab, v, m in zip(self.labels, self.values, self.met,
                                                strict=True)]}


def trend_chart(session: Session, indicator_id: str, period: str, n: int = 12) -> Chart:
    ind = indicator(indicator_id)
    points = trend(session, indicator_id, period, n)
    return Chart(ind.id, f"{ind.name}（趋势）", ind.unit, [p.key for p, _f in points],
                 [f.value if f else None for _p, f in points],
                 [f.met if f else None for _p, f in points], ind.target.value)


def breakdown_chart(session: Session, indicator_id: str, period: str, dimension: str) -> Chart:
    ind = indicator(indicator_id)
    figs = figures(session, period, dimension=dimension, indicator_id=ind.id)
    names = department_names(session) if dimension == "department" else {}
    return Chart(ind.id, f"{ind.name}（{Period.parse(period).label}）", ind.unit,
                 [names.get(f.key, f.key) or "全市" for f in figs],
                 [f.value for f in figs], [f.met for f in figs], ind.target.value)


def read_charts(session: Session, actor: Actor, period: str,
                breakdown: str | None = None) -> list[Chart]:
    """A trend chart of each city-wide indicator (12 periods back); with `breakdown`
    (department, county, industry) the period's figure of each indicator by that dimension."""
    authorize(actor, Permission.MONITORING_READ)
    p = Period.parse(period)
    inds = [i for i in load_indicators().values() if p.kind in i.periods]
    if breakdown:
        charts = [breakdown_chart(session, i.id, period, breakdown) for i in inds
                  if breakdown in i.dimensions]
    else:
        charts = [trend_chart(session, i.id, period) for i in inds if "total" in i.dimensions]
    audit.append(session, actor, "monitoring.charts.read", details={
        "period": p.key, "breakdown": breakdown, "charts": len(charts)})
    return charts


# The platform's own turnaround, published per department and month (issue 19).
PUBLIC_INDICATORS = ("double_publicity_timeliness", "objections_on_time", "repairs_on_time",
                     "effective_objection_ratio")


@dataclass(frozen=True)
class TurnaroundRow:
    department_code: str
    department_name: str
    figures: dict[str, Figure | None]


def turnaround(session: Session, period: str) -> list[TurnaroundRow]:
    """Stored figures only (a month not computed shows nothing): public, not audited."""
    p = Period.parse(period)
    by = {(f.indicator_id, f.key): f for f in figures(session, p.key, dimension="department")
          if f.indicator_id in PUBLIC_INDICATORS}
    names = department_names(session)
    keys = sorted({k for (_i, k) in by})
    return [TurnaroundRow(k, names.get(k, k), {i: by.get((i, k)) for i in PUBLIC_INDICATORS})
            for k in keys]


def read_report(session: Session, actor: Actor, kind: str, period: str, fmt: str,
                authority: str) -> tuple[bytes, str]:
    """The quarterly report as PDF or XLSX (bytes, file name), audited."""
    from xinyong.monitoring.report import build, report_pdf, report_xlsx

    authorize(actor, Permission.MONITORING_READ)
    report = build(session, kind, period)
    data = report_pdf(report, authority) if fmt == "pdf" else report_xlsx(report)
    audit.append(session, actor, "monitoring.report.read", details={
        "kind": kind, "period": report.period.key, "format": fmt, "bytes": len(data)})
    return data, f"{report.period.key}{report.title}.{fmt}"
