"""双随机 pages for the inspector's department (/inspections): the matters, a draw form, the
department's draws; one draw with its subjects, inspectors and result forms; and the public
抽查结果公示 (/inspections/results). Each calls the same service as its API twin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong import inspections as ins
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import ActorDep, SessionDep
from xinyong.api.routers.inspections import draw_model
from xinyong.core.errors import XinyongError
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
RUN = (Permission.INSPECTIONS_RUN,)
REFUSED = "双随机抽查由检查部门的监管检查人员办理。"


def _index(request: Request, actor: Actor, session: Session, error: str | None = None,
           status: int = 200) -> Response:
    return render(request, "inspections.html", {
        "title": "双随机抽查", "actor": actor, "matters": list(ins.matters().values()),
        "draws": [draw_model(session, d) for d in ins.list_draws(session, actor)],
        "avoidances": ins.list_declarations(session, actor),
        "csrf_token": csrf_token(request), "error": error,
        "json_url": "/api/v1/inspections/draws"}, status)


@router.get("/inspections", response_class=HTMLResponse)
def index(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := gate(request, actor, RUN, REFUSED)) is not None:
        return refused
    return _index(request, actor, session)


@router.post("/inspections/draws", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def new_draw(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := gate(request, actor, RUN, REFUSED)) is not None:
        return refused
    form = await request.form()
    seed_text = str(form.get("seed") or "").strip()
    try:
        seed = int(seed_text) if seed_text else None
        d = ins.draw(session, actor, str(form.get("matter") or ""), seed=seed,
                     use_grades=form.get("use_grades") != "no")
    except (XinyongError, ValueError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "随机种子应为整数"
        return _index(request, actor, session, message, 422)
    return RedirectResponse(f"/inspections/draws/{d.id}", status_code=303)


@router.post("/inspections/avoidances", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def declare_avoidance(request: Request, actor: ActorDep,
                            session: SessionDep) -> Response:
    """The inspector's own 回避 declaration (the API twin: POST /api/v1/inspections/avoidances,
    where a data officer also declares for its inspectors)."""
    if (refused := gate(request, actor, RUN, REFUSED)) is not None:
        return refused
    form = await request.form()
    try:
        ins.declare(session, actor, str(form.get("subject_uscc") or ""),
                    str(form.get("reason") or ""))
    except XinyongError as exc:
        session.rollback()
        return _index(request, actor, session, exc.message, 422)
    return RedirectResponse("/inspections#avoidances", status_code=303)


@router.get("/inspections/draws/{draw_id}", response_class=HTMLResponse)
def show_draw(request: Request, draw_id: int, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := gate(request, actor, RUN, REFUSED)) is not None:
        return refused
    d = draw_model(session, *ins.get_draw(session, actor, draw_id))
    return render(request, "inspection_draw.html", {
        "title": f"抽查 {d.id}", "actor": actor, "d": d, "results": ins.results(),
        "csrf_token": csrf_token(request), "json_url": f"/api/v1/inspections/draws/{d.id}"})


@router.post("/inspections/tasks/{task_id}/result", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def result(request: Request, task_id: int, actor: ActorDep,
                 session: SessionDep) -> Response:
    if (refused := gate(request, actor, RUN, REFUSED)) is not None:
        return refused
    form = await request.form()
    t = ins.record_result(session, actor, task_id, str(form.get("result") or ""),
                          str(form.get("note") or "") or None,
                          secret=request.app.state.settings.secret_key)
    return RedirectResponse(f"/inspections/draws/{t.draw_id}#task-{t.id}", status_code=303)


@router.get("/inspections/results", response_class=HTMLResponse)
def results(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    return render(request, "inspection_results.html", {
        "title": "双随机抽查结果公示", "actor": actor, "items": ins.published_results(session),
        "json_url": "/api/v1/public/inspection-results"})


@router.get("/grading/industry-reporting", response_class=HTMLResponse)
def industry_reporting(request: Request, actor: ActorDep, session: SessionDep,
                       year: int | None = None) -> Response:
    """For the credit office: which supervising departments reported industry evaluation
    results (行业信用评价) this year, those that have not first."""
    from xinyong.core import clock
    from xinyong.grading import reads

    if (refused := gate(request, actor, (Permission.DEPARTMENTS_MANAGE,),
                        "行业信用评价报送情况由信用办查看。")) is not None:
        return refused
    y = year if year and 2000 <= year <= 2100 else clock.today().year
    rows = reads.industry_reporting(session, actor, y)
    return render(request, "industry_reporting.html", {
        "title": "行业信用评价报送情况", "actor": actor, "year": y, "rows": rows,
        "missing": sum(1 for r in rows if r.results == 0),
        "json_url": f"/api/v1/grading/industry-reporting?year={y}"})
