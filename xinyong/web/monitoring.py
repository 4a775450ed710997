"""Monitoring pages: the credit office's scorecard (考核) with charts, the records behind a
shortfall, the XLSX; the public turnaround figures. Same reads as /api/v1/monitoring."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from xinyong import monitoring
from xinyong.accounts import PURPOSE_LABELS, Permission, declare_purpose
from xinyong.api.deps import ActorDep, DbId, SessionDep, SettingsDep
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.monitoring import PERIOD, xlsx_response
from xinyong.core import clock
from xinyong.core.errors import XinyongError
from xinyong.monitoring import reads, warnings, watch
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
READ = (Permission.MONITORING_READ,)
REFUSED = "信用监测和考核由信用办查看。"
PeriodQ = Annotated[str | None, Query(pattern=PERIOD)]
MonthQ = Annotated[str | None, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$")]


def _last_month() -> str:
    today = clock.today()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y}-{m:02d}"


def _default_period(session: SessionDep) -> str:
    stored = [p for p in monitoring.stored_periods(session) if "Q" not in p]
    return stored[0] if stored else _last_month()


@router.get("/monitoring", response_class=HTMLResponse)
def scorecard_page(request: Request, actor: ActorDep, session: SessionDep,
                   period: PeriodQ = None,
                   scope: Annotated[str, Query(pattern="^(department|county)$")] = "department"
                   ) -> Response:
    if (refused := gate(request, actor, READ, REFUSED)) is not None:
        return refused
    period = period or _default_period(session)
    card = reads.read_scorecard(session, actor, period, scope)
    charts = reads.read_charts(session, actor, period)
    spread = reads.read_charts(session, actor, period, scope)
    return render(request, "monitoring.html", {
        "title": "信用监测与考核", "actor": actor, "card": card, "scope": scope,
        "period": card.period.key, "periods": monitoring.stored_periods(session),
        "charts": [(c, Markup(c.svg())) for c in charts],  # noqa: S704 - escaped in charts.py
        "spread": [(c, Markup(c.svg())) for c in spread],  # noqa: S704
        "labels": monitoring.DIMENSION_LABELS,
        "quarter": f"{card.period.start.year}-Q{(card.period.start.month - 1) // 3 + 1}",
        "json_url": f"/api/v1/monitoring/scorecard?period={card.period.key}&scope={scope}"})


@router.get("/monitoring/drill", response_class=HTMLResponse)
def drill_page(request: Request, actor: ActorDep, session: SessionDep,
               indicator: Annotated[str, Query(max_length=60, pattern=r"^[a-z][a-z0-9_]*$")],
               period: Annotated[str, Query(pattern=PERIOD)],
               dimension: Annotated[str, Query(pattern="^(total|department|county|industry)$")],
               key: Annotated[str, Query(max_length=40, pattern=r"^[0-9A-Za-z_]*$")] = "",
               page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    if (refused := gate(request, actor, READ, REFUSED)) is not None:
        return refused
    table = reads.read_drill(session, actor, indicator, period, dimension, key, page)
    ind = monitoring.indicator(indicator)
    names = monitoring.department_names(session)
    pages = max((table.total + 49) // 50, 1)
    return render(request, "monitoring_drill.html", {
        "title": table.title, "actor": actor, "table": table, "indicator": ind,
        "period": monitoring.Period.parse(period), "dimension": dimension, "key": key,
        "key_name": names.get(key, key) or "全市", "labels": monitoring.DIMENSION_LABELS,
        "as_text": monitoring.as_text, "page": page, "pages": pages,
        "params": {"indicator": indicator, "period": period, "dimension": dimension,
                   "key": key},
        "json_url": f"/api/v1/monitoring/drill?indicator={indicator}&period={period}"
                    f"&dimension={dimension}&key={key}"})


@router.get("/monitoring/scorecard.xlsx")
def scorecard_xlsx(request: Request, actor: ActorDep, session: SessionDep,
                   period: Annotated[str, Query(pattern=PERIOD)],
                   scope: Annotated[str, Query(pattern="^(department|county)$")] = "department"
                   ) -> Response:
    if (refused := gate(request, actor, READ, REFUSED)) is not None:
        return refused
    card = reads.read_scorecard(session, actor, period, scope)
    return xlsx_response(monitoring.scorecard_xlsx(card), f"考核表-{card.period.key}.xlsx")


@router.get("/monitoring/report")
def report(request: Request, actor: ActorDep, session: SessionDep, settings: SettingsDep,
           kind: Annotated[str, Query(pattern="^(industry|region)$")],
           period: Annotated[str, Query(pattern=r"^20\d{2}-Q[1-4]$")],
           format: Annotated[str, Query(pattern="^(pdf|xlsx)$")] = "pdf") -> Response:
    if (refused := gate(request, actor, READ, REFUSED)) is not None:
        return refused
    data, name = reads.read_report(session, actor, kind, period, format,
                                   settings.platform_name)
    return xlsx_response(data, name, "application/pdf" if format == "pdf" else
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/figures", response_class=HTMLResponse,
            dependencies=[Depends(refuse_unknown_query)])
def figures_page(request: Request, actor: ActorDep, session: SessionDep,
                 period: MonthQ = None) -> Response:
    period = period or _default_period(session)
    rows = reads.turnaround(session, period)
    inds = monitoring.load_indicators()
    return render(request, "figures.html", {
        "title": "平台办理时效", "actor": actor, "rows": rows,
        "period": monitoring.Period.parse(period),
        "indicators": [inds[i] for i in reads.PUBLIC_INDICATORS],
        "json_url": f"/api/v1/monitoring/turnaround?period={period}"})


RESPOND = (Permission.WARNINGS_RESPOND,)


@router.get("/warnings", response_class=HTMLResponse)
def warnings_page(request: Request, actor: ActorDep, session: SessionDep,
                  state: Annotated[str | None, Query(pattern="^(open|answered)$")] = None,
                  done: Annotated[str | None, Query(pattern="^answered$")] = None
                  ) -> Response:
    if (refused := gate(request, actor, RESPOND, "风险预警由责任单位和信用办查看。")) is not None:
        return refused
    items = warnings.list_warnings(session, actor, state=state)
    return render(request, "warnings.html", {
        "title": "风险预警", "actor": actor, "items": items, "rules": warnings.load_rules(),
        "labels": warnings.STATE_LABELS, "state": state, "done": done,
        "names": monitoring.department_names(session), "csrf_token": csrf_token(request),
        "json_url": "/api/v1/monitoring/warnings"})


@router.post("/warnings/{warning_id}/response", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
def respond(request: Request, actor: ActorDep, session: SessionDep, warning_id: DbId,
            response: Annotated[str, Form(max_length=warnings.RESPONSE_MAX + 100)] = ""
            ) -> Response:
    if (refused := gate(request, actor, RESPOND, "风险预警由责任单位反馈。")) is not None:
        return refused
    warnings.respond(session, actor, warning_id, response)
    return RedirectResponse("/warnings?done=answered", status_code=303)


WATCH = (Permission.WATCH_SUBSCRIBE,)


def _watch_page(request: Request, session: SessionDep, actor: ActorDep, *,
                error: str | None = None, secret: str | None = None) -> Response:
    events = watch.inbox(session, actor)
    return render(request, "watch.html", {
        "title": "关注主体", "actor": actor, "subs": watch.subscriptions(session, actor),
        "events": events, "attempts": watch.attempts_of(session, [e.id for e in events]),
        "labels": watch.KIND_LABELS, "purposes": PURPOSE_LABELS,
        "department": watch.owner_of(actor)[0] == "department", "error": error,
        "secret": secret, "csrf_token": csrf_token(request),
        "json_url": "/api/v1/watch/inbox"}, 422 if error else 200)


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := gate(request, actor, WATCH, "关注主体供企业和部门使用。")) is not None:
        return refused
    return _watch_page(request, session, actor)


@router.post("/watch", response_class=HTMLResponse, dependencies=[Depends(form_csrf)])
def watch_add(request: Request, actor: ActorDep, session: SessionDep,
              uscc: Annotated[str, Form(max_length=40)] = "",
              webhook_url: Annotated[str, Form(max_length=500)] = "",
              purpose: Annotated[str, Form(max_length=20)] = "",
              purpose_text: Annotated[str, Form(max_length=200)] = "") -> Response:
    if (refused := gate(request, actor, WATCH, "关注主体供企业和部门使用。")) is not None:
        return refused
    try:
        declared = declare_purpose(purpose, purpose_text) if purpose else None
        new = watch.subscribe(session, actor, uscc, webhook_url=webhook_url or None,
                              purpose=declared)
    except XinyongError as exc:
        session.rollback()
        return _watch_page(request, session, actor, error=exc.message)
    return _watch_page(request, session, actor, secret=new.secret)
