"""信用承诺 pages: the public column (示诺), the subject's own commitments with online
signing (承诺), and the accepting department's verification tasks with the verdict form
(践诺/监诺); the credit office sees every overdue task and the coverage. Each page calls the
same functions as its /api/v1 twin; forms carry the CSRF token."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from xinyong import commitments
from xinyong.accounts import Actor, Permission, can
from xinyong.api.deps import ActorDep, SessionDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.commitments import own_commitments, templates_out
from xinyong.commitments import reads, rules
from xinyong.core.errors import Forbidden, NotFound, XinyongError
from xinyong.core.workdays import load_calendar
from xinyong.departments.tables import Department
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
PublicReader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
PER_PAGE = 20
CodePath = Annotated[str, Path(pattern=r"^\d{20}$")]
WORK = (Permission.COMMITMENTS_VERIFY, Permission.COMMITMENTS_MANAGE)
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]


@router.get("/commitments", response_class=HTMLResponse)
def column(request: Request, session: SessionDep, actor: PublicReader,
           kind: Annotated[str, Query(max_length=30)] = "",
           page: Annotated[int, Query(ge=1, le=10000)] = 1) -> Response:
    kind_id = kind if kind in rules.KINDS else None
    _, total = reads.public_column(session, kind=kind_id, limit=1)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(page, pages)
    items, _ = reads.public_column(session, kind=kind_id, limit=PER_PAGE,
                                   offset=(page - 1) * PER_PAGE)
    return render(request, "commitments.html", {
        "title": "信用承诺", "items": items, "total": total, "page": page, "pages": pages,
        "params": {"kind": kind_id or ""}, "kinds": rules.KINDS, "kind": kind_id,
        "actor": actor, "json_url": "/api/v1/commitments"
        + (f"?kind={kind_id}" if kind_id else "")})


def _gate_subject(request: Request, actor: Actor) -> Response | None:
    refused = gate(request, actor, (Permission.OWN_FILE_READ,),
                   "“我的信用承诺”供信用主体（企业）账户使用。")
    if refused is None and not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体，请联系信用办", code="forbidden")
    return refused


def _departments(session: SessionDep) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def _mine(request: Request, session: SessionDep, actor: Actor, *, error: str | None = None,
          done: str | None = None, form: dict[str, str] | None = None) -> Response:
    items = own_commitments(session, actor)
    return render(request, "commitments_mine.html", {
        "title": "我的信用承诺", "items": items, "templates": templates_out(),
        "departments": _departments(session), "disclosures": rules.DISCLOSURES,
        "may_sign": can(actor, Permission.COMMITMENTS_SIGN), "error": error, "done": done,
        "form": form or {}, "csrf_token": csrf_token(request), "actor": actor,
        "json_url": "/api/v1/me/commitments"}, 422 if error else 200)


@router.get("/me/commitments", response_class=HTMLResponse)
def mine(request: Request, session: SessionDep, actor: ActorDep,
         done: Annotated[str, Query(max_length=20)] = "") -> Response:
    if (refused := _gate_subject(request, actor)) is not None:
        return refused
    return _mine(request, session, actor, done=done if done.isdigit() else None)


@router.post("/me/commitments", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
def sign(request: Request, session: SessionDep, actor: ActorDep,
         template_id: Annotated[str, Form(max_length=60)] = "",
         accepting_uscc: Annotated[str, Form(max_length=18)] = "",
         disclosure: Annotated[str, Form(max_length=10)] = "public",
         matter_detail: Short = "", agree: Annotated[str, Form(max_length=5)] = "") -> Response:
    if (refused := _gate_subject(request, actor)) is not None:
        return refused
    form = {"template_id": template_id, "accepting_uscc": accepting_uscc,
            "disclosure": disclosure, "matter_detail": matter_detail}
    try:
        if agree != "yes":
            raise XinyongError("请阅读承诺内容和违诺责任并勾选“本单位作出以上承诺”",
                               code="not_agreed")
        c = commitments.sign(session, actor, commitments.Signing(
            template_id, accepting_uscc, disclosure, matter_detail or None),
            calendar=load_calendar(session))
    except XinyongError as exc:
        session.rollback()
        return _mine(request, session, actor, error=exc.message, form=form)
    return RedirectResponse(f"/me/commitments?done={c.code}", status_code=303)


@router.get("/commitments/{code}", response_class=HTMLResponse,
            dependencies=[Depends(refuse_unknown_query)])
def one(request: Request, code: CodePath, session: SessionDep,
        actor: PublicReader) -> Response:
    v = reads.public_one(session, code)
    if v is None:
        raise NotFound(f"未找到承诺编码为 {code} 的公开信用承诺", code="commitment_not_found")
    return render(request, "commitment.html", {"title": f"信用承诺 {v.number}", "v": v,
                                               "actor": actor,
                                               "json_url": f"/api/v1/commitments/{v.code}"})


def _cases(request: Request, session: SessionDep, actor: Actor, *,
           error: str | None = None, done: str | None = None) -> Response:
    tasks = reads.queue(session, actor)
    manager = can(actor, Permission.COMMITMENTS_MANAGE)
    return render(request, "commitments_cases.html", {
        "title": "承诺核查", "tasks": tasks, "overdue": [t for t in tasks if t.overdue],
        "recent": reads.recent_for_department(session, actor),
        "coverage": reads.coverage(session, None, "region") if manager else None,
        "by_department": reads.coverage(session, None, "department") if manager else None,
        "fulfilments": rules.FULFILMENTS,
        "may_verify": can(actor, Permission.COMMITMENTS_VERIFY), "error": error, "done": done,
        "csrf_token": csrf_token(request), "actor": actor,
        "json_url": "/api/v1/commitments/tasks"}, 422 if error else 200)


@router.get("/cases/commitments", response_class=HTMLResponse)
def cases(request: Request, session: SessionDep, actor: ActorDep,
          done: Annotated[str, Query(max_length=20)] = "") -> Response:
    if (refused := gate(request, actor, WORK, "承诺核查供受理部门和信用办使用。")) is not None:
        return refused
    return _cases(request, session, actor, done=done if done.isdigit() else None)


@router.post("/cases/commitments/{code}/determination", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
def determine(request: Request, code: CodePath, session: SessionDep, actor: ActorDep,
              fulfilment: Annotated[str, Form(max_length=10)] = "",
              determined_on: Annotated[str, Form(max_length=10)] = "",
              unfulfilled_content: Long = "", liability_pursued: Long = "") -> Response:
    if (refused := gate(request, actor, (Permission.COMMITMENTS_VERIFY,),
                        "只有承诺受理单位可以认定承诺履行状态。")) is not None:
        return refused
    try:
        on = date.fromisoformat(determined_on) if determined_on else None
    except ValueError:
        on = None
    try:
        commitments.determine(session, actor, code, commitments.Determination(
            fulfilment, on, unfulfilled_content or None, liability_pursued or None),
            secret=request.app.state.settings.secret_key)
    except XinyongError as exc:
        session.rollback()
        return _cases(request, session, actor, error=exc.message)
    return RedirectResponse(f"/cases/commitments?done={code}", status_code=303)


def public_for_uscc(session: Any, uscc: str | None, as_of: date) -> list[reads.CommitmentView]:
    """The public commitments on a subject's credit file page (none for a person)."""
    if not uscc:
        return []
    from xinyong.subjects import get_subject

    return reads.for_subject(session, get_subject(session, uscc).id, as_of=as_of,
                             audience="public")
