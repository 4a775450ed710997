"""The subject's own listings on /me: a proposed listing from its notice on (with the notice
document and the statement deadline), the statement form （陈述申辩） within the period, the
decision document, and the early-removal application where the list kind allows it. Each
page calls the same service as its API twin (/api/v1/me/lists)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.api.deps import ActorDep, DbId, SessionDep, SettingsDep
from xinyong.core import attachments, clock
from xinyong.core.errors import XinyongError
from xinyong.lists import due_process as dp
from xinyong.web.auth.csrf import form_csrf
from xinyong.web.me.routes import BASE, _gate, _page, _uploads, entry_view

router = APIRouter(include_in_schema=False)


def _entry_page(request: Request, session: Any, settings: Any, actor: Any, entry_id: int, *,
                error: XinyongError | None = None, form: dict[str, str] | None = None,
                done: str | None = None) -> Response:
    # A refused submission shows the listing again (statements, files, steps): a read too.
    e = dp.own_entry(session, actor, entry_id, audited=True)
    view = entry_view(session, e)
    files = {st.id: attachments.list_for(session, dp.STATEMENT, st.id)
             for st in view["statements"]}
    return _page(request, settings, "list_entry.html", {
        "title": f"{view['kind'].name}：{view['state_label']}", "v": view, "files": files,
        "removal_labels": dp.REMOVAL_LABELS, "form": form or {}, "today": clock.today(),
        "error": error.message if error else None, "errors": error.errors if error else [],
        "done": done, "json_url": f"{BASE}/{e.id}"}, 422 if error else 200)


@router.get("/me/lists/{entry_id}", response_class=HTMLResponse)
def list_entry_page(request: Request, entry_id: DbId, actor: ActorDep, session: SessionDep,
                    settings: SettingsDep, done: str | None = None) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    labels = {"statement": "陈述申辩已提交，认定部门作出决定前将审查并记录采纳情况。",
              "removal": "提前移出申请已提交，等待认定部门审核。"}
    return _entry_page(request, session, settings, actor, entry_id,
                       done=labels.get(done or ""))


async def _submit(request: Request, entry_id: int, actor: Any, session: Any, settings: Any,
                  kind: str) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    form, uploads = await _uploads(request)
    try:
        if kind == "statement":
            dp.submit_statement(session, actor, dp.Statement(
                entry_id, form.get("text", ""), tuple(uploads), form.get("contact") or None))
        else:
            dp.apply_early_removal(session, actor, dp.RemovalRequest(
                entry_id, form.get("reasons", ""), tuple(uploads)))
    except XinyongError as exc:
        session.rollback()
        # An entry that is not the subject's own raises here: the error page answers.
        return _entry_page(request, session, settings, actor, entry_id, error=exc,
                           form={**form, "_form": kind})
    return RedirectResponse(f"/me/lists/{entry_id}?done={kind}", status_code=303)


@router.post("/me/lists/{entry_id}/statement", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def statement_submit(request: Request, entry_id: DbId, actor: ActorDep,
                           session: SessionDep, settings: SettingsDep) -> Response:
    return await _submit(request, entry_id, actor, session, settings, "statement")


@router.post("/me/lists/{entry_id}/removal", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def removal_submit(request: Request, entry_id: DbId, actor: ActorDep,
                         session: SessionDep, settings: SettingsDep) -> Response:
    return await _submit(request, entry_id, actor, session, settings, "removal")
