"""Monitoring (信用监测): indicators, stored figures, the scorecard with its drill-down and XLSX,
charts' data, and the public turnaround figures. The twin of /monitoring and /figures."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong import monitoring
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, SettingsDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.monitoring import reads, warnings

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
Public = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
Reader = Annotated[Actor, Depends(require(Permission.MONITORING_READ))]
Manager = Annotated[Actor, Depends(require(Permission.MONITORING_MANAGE))]
PERIOD = r"^20\d{2}-(0[1-9]|1[0-2]|Q[1-4])$"
PeriodQ = Annotated[str, Query(pattern=PERIOD, description="2026-11（月）或 2026-Q4（季度）")]
MonthQ = Annotated[str, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$",
                              description="2026-11")]
if TYPE_CHECKING:
    IndicatorId = str
else:  # the indicator ids of the YAML, so that the schema lists them and FastAPI refuses others
    IndicatorId = Literal[tuple(monitoring.load_indicators())]
Dimension = Literal["total", "department", "county", "industry"]
Scope = Literal["department", "county"]
KeyQ = Annotated[str, Query(max_length=40, pattern=r"^[0-9A-Za-z_]*$")]


class IndicatorOut(BaseModel):
    id: str
    name: str
    unit: str
    target: str
    dimensions: list[str]
    periods: list[str]
    source: str
    legal_basis: str
    effective_from: str
    effective_to: str | None


class FigureOut(BaseModel):
    indicator_id: str
    period: str
    dimension: str
    key: str
    numerator: int
    denominator: int | None
    value: float | None
    met: bool | None
    no_data: bool


class ScoreCellOut(BaseModel):
    indicator_id: str
    value: float | None
    shown: str
    met: bool | None
    drill: str | None


class ScoreRowOut(BaseModel):
    key: str
    name: str
    shortfalls: int
    cells: list[ScoreCellOut]


class ScorecardOut(BaseModel):
    period: str
    scope: str
    computed: bool
    indicators: list[str]
    rows: list[ScoreRowOut]


class DrillOut(BaseModel):
    indicator_id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    total: int
    page: int


class ChartPoint(BaseModel):
    label: str
    value: float | None
    met: bool | None


class ChartOut(BaseModel):
    indicator_id: str
    title: str
    unit: str
    target: float | None
    points: list[ChartPoint]


class ComputeIn(BaseModel):
    period: str = Field(pattern=PERIOD, description="2026-11（月）或 2026-Q4（季度）")
    recompute: bool = False


class ComputeOut(BaseModel):
    period: str
    indicators: int
    values: int
    recomputed: bool


class TurnaroundOut(BaseModel):
    department_code: str
    department_name: str
    figures: dict[str, FigureOut | None]


def indicator_out(i: monitoring.Indicator) -> IndicatorOut:
    lb = i.legal_basis
    return IndicatorOut(id=i.id, name=i.name, unit=i.unit, target=i.target.label(i.unit),
                        dimensions=list(i.dimensions), periods=list(i.periods), source=i.source,
                        legal_basis=f"《{lb.title}》{lb.document_number or ''}",
                        effective_from=lb.effective_from.isoformat(),
                        effective_to=lb.effective_to.isoformat() if lb.effective_to else None)


def scorecard_out(card: monitoring.Scorecard) -> ScorecardOut:
    return ScorecardOut(
        period=card.period.key, scope=card.scope, computed=card.computed,
        indicators=[i.id for i in card.indicators],
        rows=[ScoreRowOut(key=r.key, name=r.name, shortfalls=r.shortfalls, cells=[
            ScoreCellOut(indicator_id=c.indicator.id,
                         value=c.figure.value if c.figure else None,
                         shown=c.figure.shown(c.indicator.unit) if c.figure else "—",
                         met=c.figure.met if c.figure else None,
                         drill=c.indicator.drill) for c in r.cells]) for r in card.rows])


@router.get("/indicators", response_model=list[IndicatorOut],
            summary="监测指标（定义、目标、来源和法律依据）",
            dependencies=[Depends(refuse_unknown_query)])
def indicators(_actor: Public) -> list[IndicatorOut]:
    return [indicator_out(i) for i in monitoring.load_indicators().values()]


@router.post("/compute", response_model=ComputeOut, summary="计算并保存一个统计期的指标，信用办")
def compute(body: ComputeIn, session: SessionDep, actor: Manager) -> ComputeOut:
    r = monitoring.compute(session, actor, body.period, recompute=body.recompute)
    return ComputeOut(period=r.period, indicators=r.indicators, values=r.values,
                      recomputed=r.recomputed)


@router.get("/figures", response_model=list[FigureOut], summary="已保存的指标数值，信用办")
def figures(session: SessionDep, actor: Reader, period: PeriodQ,
            dimension: Dimension | None = None) -> list[FigureOut]:
    return [FigureOut(**f.__dict__)
            for f in reads.read_figures(session, actor, period, dimension)]


@router.get("/scorecard", response_model=ScorecardOut,
            summary="考核：各部门（或县市区）各项指标对照目标，信用办")
def scorecard(session: SessionDep, actor: Reader, period: PeriodQ,
              scope: Scope = "department") -> ScorecardOut:
    return scorecard_out(reads.read_scorecard(session, actor, period, scope))


@router.get("/scorecard.xlsx", summary="考核表（XLSX），信用办",
            response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet": {}}}})
def scorecard_xlsx(session: SessionDep, actor: Reader, period: PeriodQ,
                   scope: Scope = "department") -> Response:
    card = reads.read_scorecard(session, actor, period, scope)
    return xlsx_response(monitoring.scorecard_xlsx(card), f"考核表-{card.period.key}.xlsx")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str, media_type: str = XLSX) -> Response:
    from urllib.parse import quote

    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


QuarterQ = Annotated[str, Query(pattern=r"^20\d{2}-Q[1-4]$", description="2026-Q4")]


@router.get("/report",
            summary="季度信用状况监测报告（行业 industry／区域 region；PDF 或 XLSX），信用办",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}, XLSX: {}}}})
def report(session: SessionDep, actor: Reader, settings: SettingsDep,
           kind: Literal["industry", "region"], period: QuarterQ,
           format: Literal["pdf", "xlsx"] = "pdf") -> Response:
    data, name = reads.read_report(session, actor, kind, period, format,
                                   settings.platform_name)
    return xlsx_response(data, name, "application/pdf" if format == "pdf" else XLSX)


@router.get("/drill", response_model=DrillOut, summary="未达标项背后的记录，信用办")
def drill(session: SessionDep, actor: Reader, indicator: IndicatorId, period: PeriodQ,
          dimension: Dimension, key: KeyQ = "",
          page: Annotated[int, Query(ge=1, le=100000)] = 1) -> DrillOut:
    t = reads.read_drill(session, actor, indicator, period, dimension, key, page)
    return DrillOut(indicator_id=t.indicator_id, title=t.title, columns=t.columns,
                    rows=[[monitoring.as_text(v) for v in row] for row in t.rows],
                    total=t.total, page=t.page)


@router.get("/charts", response_model=list[ChartOut],
            summary="趋势图的数据（与页面上的SVG图相同），信用办")
def charts(session: SessionDep, actor: Reader, period: PeriodQ,
           breakdown: Literal["department", "county", "industry"] | None = None
           ) -> list[ChartOut]:
    return [ChartOut(**c.as_dict())
            for c in reads.read_charts(session, actor, period, breakdown)]


@router.get("/turnaround", response_model=list[TurnaroundOut],
            summary="平台办理时效（公开）：各部门按月的公示及时率、异议和修复按时办结率、有效异议占比",
            dependencies=[Depends(refuse_unknown_query)])
def turnaround(session: SessionDep, _actor: Public, period: MonthQ) -> list[TurnaroundOut]:
    return [TurnaroundOut(department_code=r.department_code,
                          department_name=r.department_name,
                          figures={k: FigureOut(**f.__dict__) if f else None
                                   for k, f in r.figures.items()})
            for r in reads.turnaround(session, period)]




Responder = Annotated[Actor, Depends(require(Permission.WARNINGS_RESPOND))]


class WarningOut(BaseModel):
    id: int
    rule_id: str
    rule_name: str
    department_uscc: str
    subject_name: str | None
    facts: str
    advice: str
    risk_class: str | None = Field(description="企业风险分类（信用分级分类模型接入后提供）")
    raised_on: date
    due_on: date
    state: Literal["open", "answered"]
    response: str | None
    responded_by: str | None
    responded_on: date | None


class RaiseOut(BaseModel):
    raised: int
    already: int


class ResponseIn(BaseModel):
    response: str = Field(min_length=2, max_length=warnings.RESPONSE_MAX)


def warning_out(w: monitoring.MonitoringWarning) -> WarningOut:
    rule = warnings.load_rules().get(w.rule_id)
    return WarningOut(id=w.id, rule_id=w.rule_id, rule_name=rule.name if rule else w.rule_id,
                      department_uscc=w.department_uscc, subject_name=w.subject_name,
                      facts=w.facts, advice=rule.advice if rule else "", risk_class=w.risk_class,
                      raised_on=w.raised_on, due_on=w.due_on, state=w.state,
                      response=w.response, responded_by=w.responded_by,
                      responded_on=w.responded_on)


@router.post("/warnings/raise", response_model=RaiseOut,
             summary="按今天运行预警规则，信用办（指定日期：xinyong monitoring warn --as-of）")
def raise_warnings(session: SessionDep, actor: Manager) -> RaiseOut:
    r = warnings.raise_warnings(session, actor)
    return RaiseOut(raised=r.raised, already=r.already)


@router.get("/warnings", response_model=list[WarningOut],
            summary="风险预警（信用办看全部，部门看本单位的；不公开，不是惩戒措施）")
def list_warnings(session: SessionDep, actor: Responder,
                  state: Literal["open", "answered"] | None = None) -> list[WarningOut]:
    return [warning_out(w) for w in warnings.list_warnings(session, actor, state=state)]


@router.post("/warnings/{warning_id}/response", response_model=WarningOut,
             summary="反馈预警核实情况（责任单位）")
def respond(warning_id: DbId, body: ResponseIn, session: SessionDep,
            actor: Responder) -> WarningOut:
    return warning_out(warnings.respond(session, actor, warning_id, body.response))
