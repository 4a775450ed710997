"""Notices (通知公告): the public list and page, and the credit office's page to write,
publish and withdraw them (the same service as `xinyong notices` and /api/v1/notices)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong import notices
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import ActorDep, DbId, SessionDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.core.errors import XinyongError
from xinyong.notices.service import BODY_MAX
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
PublicReader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
MANAGE = (Permission.NOTICES_MANAGE,)
REFUSED = "通知公告由信用办管理员发布和维护。"
PER_PAGE = 20
Text = Annotated[str, Form(max_length=BODY_MAX + 100)]


def _manage_page(request: Request, session: SessionDep, actor: Actor, *,
                 edit: notices.Notice | None = None, form: dict[str, str] | None = None,
                 error: XinyongError | None = None, done: str | None = None) -> Response:
    return render(request, "notices_manage.html", {
        "title": "公告管理", "actor": actor, "items": notices.list_all(session, actor),
        "labels": notices.STATE_LABELS, "edit": edit, "form": form or {},
        "error": error.message if error else None, "done": done,
        "csrf_token": csrf_token(request)}, 422 if error else 200)


# The manage pages first: /notices/{notice_id} would otherwise take "manage" as an id.

@router.get("/notices/manage", response_class=HTMLResponse)
def manage(request: Request, actor: ActorDep, session: SessionDep,
           edit: Annotated[int | None, Query(ge=1)] = None,
           done: str | None = None) -> Response:
    if (refused := gate(request, actor, MANAGE, REFUSED)) is not None:
        return refused
    target = notices.get_notice(session, edit) if edit else None
    form = {"title": target.title, "body": target.body} if target else {}
    return _manage_page(request, session, actor, edit=target, form=form,
                        done={"saved": "已保存。", "published": "已发布。",
                              "withdrawn": "已撤下。"}.get(done or ""))


@router.post("/notices/manage", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
def save(request: Request, actor: ActorDep, session: SessionDep, title: Text = "",
         body: Text = "", notice_id: Annotated[str, Form()] = "",
         publish: Annotated[str, Form()] = "") -> Response:
    if (refused := gate(request, actor, MANAGE, REFUSED)) is not None:
        return refused
    inp = notices.NoticeInput(title, body)
    target = None
    try:
        if notice_id.isdigit():
            target = notices.get_notice(session, int(notice_id))
            notices.update(session, actor, target.id, inp)
        else:
            notices.create(session, actor, inp, publish=publish == "yes")
    except XinyongError as exc:
        session.rollback()
        return _manage_page(request, session, actor, edit=target,
                            form={"title": title, "body": body}, error=exc)
    return RedirectResponse("/notices/manage?done=saved", status_code=303)


@router.post("/notices/manage/{notice_id}/state", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
def change_state(request: Request, notice_id: DbId, actor: ActorDep, session: SessionDep,
                 state: Annotated[str, Form(max_length=20)] = "") -> Response:
    if (refused := gate(request, actor, MANAGE, REFUSED)) is not None:
        return refused
    try:
        notices.set_state(session, actor, notice_id, state)
    except XinyongError as exc:
        session.rollback()
        return _manage_page(request, session, actor, error=exc)
    done = "published" if state == notices.PUBLISHED else "withdrawn"
    return RedirectResponse(f"/notices/manage?done={done}", status_code=303)


@router.get("/notices", response_class=HTMLResponse,
            dependencies=[Depends(refuse_unknown_query)])
def notice_list(request: Request, session: SessionDep, actor: PublicReader,
                page: Annotated[int, Query(ge=1, le=10000)] = 1) -> Response:
    items, total = notices.list_published(session, limit=PER_PAGE, offset=0)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(page, pages)
    items, _ = notices.list_published(session, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render(request, "notices.html", {
        "title": "通知公告", "items": items, "total": total, "page": page, "pages": pages,
        "params": {},
        "actor": actor, "json_url": "/api/v1/notices"})


@router.get("/notices/{notice_id}", response_class=HTMLResponse,
            dependencies=[Depends(refuse_unknown_query)])
def notice_page(request: Request, notice_id: DbId, session: SessionDep,
                actor: PublicReader) -> Response:
    n = notices.get_published(session, notice_id)
    return render(request, "notice.html", {"title": n.title, "n": n, "actor": actor,
                                           "json_url": f"/api/v1/notices/{n.id}"})
