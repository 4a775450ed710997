"""Staff pages for listings （名单办理）: the department's queue of its listings and one page
per listing with the subject's statements （陈述申辩） and early-removal applications, and the
steps it may take now: notify, decide (recording how it considered the statement; refused
during the statement period), publish, decide an early-removal application. Each action goes
through the service the API calls (/api/v1/lists); the page only chooses which forms to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import ActorDep, DbId, SessionDep, SettingsDep
from xinyong.core import attachments, clock
from xinyong.core.errors import NotFound, XinyongError
from xinyong.core.settings import Settings
from xinyong.lists import (
    STATE_LABELS,
    allowed_actions,
    decide,
    get_list_kind,
    notify,
    persons_of,
    publish,
    rules,
    transitions_of,
)
from xinyong.lists import due_process as dp
from xinyong.web.auth.csrf import form_csrf as _form_csrf
from xinyong.web.cases.routes import FormFields, _gate, _not_found, _page

router = APIRouter(include_in_schema=False)
STAFF = (Permission.LISTS_DECIDE,)
REFUSED = ("当前账户无权办理名单。名单由作出列入的部门办理、信用办监督；信用主体请在“我的信用”中"
           "查看本主体的名单。")
OPEN = (rules.PROPOSED, rules.NOTICE_SENT, rules.LISTED)
ACTIONS = {"propose": "拟列入", "notify": "告知", "decide": "作出决定", "publish": "公示",
           "remove": "移出"}
DONE = {"notify": "已告知：告知书已生成，陈述申辩期开始计算。",
        "decide": "决定已作出，认定决定书已生成。",
        "publish": "已公示：名单专栏和信用档案自今日显示。",
        "removal-approve": "已准予提前移出：自今日停止公示。",
        "removal-reject": "已决定不予提前移出，理由将告知申请人。"}


@router.get("/cases/lists", response_class=HTMLResponse)
def list_queue(request: Request, actor: ActorDep, session: SessionDep, settings: SettingsDep,
               state: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, STAFF, REFUSED)) is not None:
        return refused
    chosen = state or "open"
    states = None if chosen == "all" else OPEN if chosen == "open" else (chosen,)
    items = dp.department_entries(session, actor, states=states)
    pending = dp.pending_for(session, [e.id for e in items])
    rows = [(e, get_list_kind(e.list_kind), pending.get(e.id, 0)) for e in items]
    return _page(request, settings, "cases_lists.html", {
        "title": "名单办理", "rows": rows, "state": chosen, "actor": actor,
        "states": {"open": "办理中", **STATE_LABELS, "all": "全部"}, "labels": STATE_LABELS,
        "today": clock.today(), "json_url": "/api/v1/lists"})


def _case(request: Request, session: Session, settings: Settings, actor: Actor,
          entry_id: int, *, error: XinyongError | None = None,
          form: dict[str, str] | None = None, done: str | None = None) -> Response:
    e = dp.case_view(session, actor, entry_id)
    kind = get_list_kind(e.list_kind)
    statements = dp.statements_of(session, e.id)
    apps = dp.removal_applications(session, e.id)
    today = clock.today()
    may = set(allowed_actions(e.state, kind.notice_required))
    basis = kind.basis(e.legal_basis_id)
    return _page(request, settings, "cases_list.html", {
        "title": f"名单记录 #{e.id}", "e": e, "kind": kind, "actor": actor,
        "basis": basis.cite() if basis else e.legal_basis_id,
        "persons": persons_of(session, e.id), "statements": statements,
        "unconsidered": [st for st in statements if st.consideration is None],
        "statement_files": {st.id: attachments.list_for(session, dp.STATEMENT, st.id)
                            for st in statements},
        "applications": apps,
        "app_files": {a.id: attachments.list_for(session, dp.REMOVAL, a.id) for a in apps},
        "removal_labels": dp.REMOVAL_LABELS, "labels": STATE_LABELS, "actions": ACTIONS,
        "steps": transitions_of(session, e.id), "may": may, "today": today,
        "period_running": e.statement_until is not None and today <= e.statement_until,
        "error": error.message if error else None, "errors": error.errors if error else [],
        "form": form or {}, "done": DONE.get(done or ""),
        "json_url": f"/api/v1/lists/{e.id}"}, 422 if error else 200)


@router.get("/cases/lists/{entry_id}", response_class=HTMLResponse)
def list_case(request: Request, entry_id: DbId, actor: ActorDep, session: SessionDep,
              settings: SettingsDep, done: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, STAFF, REFUSED)) is not None:
        return refused
    try:
        return _case(request, session, settings, actor, entry_id, done=done)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/lists")


def _act(request: Request, session: Session, settings: Settings, actor: Actor,
         entry_id: int, form: dict[str, str], action: str, work: Callable[[], Any]
         ) -> Response:
    try:
        dp.case_view(session, actor, entry_id)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/lists")
    try:
        work()
    except XinyongError as exc:
        session.rollback()
        return _case(request, session, settings, actor, entry_id, error=exc,
                     form={**form, "_action": action})
    return RedirectResponse(f"/cases/lists/{entry_id}?done={action}", status_code=303)


@router.post("/cases/lists/{entry_id}/{action}", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
def list_action(request: Request, entry_id: DbId, action: str, actor: ActorDep,
                session: SessionDep, settings: SettingsDep, form: FormFields) -> Response:
    if (refused := _gate(request, settings, actor, STAFF, REFUSED)) is not None:
        return refused

    def work() -> None:
        reason = form.get("reason", "")
        if action == "notify":
            notify(session, entry_id, actor, reason)
        elif action == "decide":
            decide(session, entry_id, actor, form.get("outcome", ""), reason,
                   consideration=form.get("consideration") or None)
        elif action == "publish":
            publish(session, entry_id, actor, reason)
        elif action in ("removal-approve", "removal-reject"):
            app_id = int(form.get("application_id") or 0)
            app = dp.get_removal_application(session, app_id)
            if app.entry_id != entry_id:
                raise NotFound(f"提前移出申请 {app_id} 不存在", code="removal_not_found")
            dp.decide_early_removal(session, actor, app_id, action == "removal-approve",
                                    reason)
        else:
            raise NotFound(f"没有“{action}”这一办理步骤", code="list_action_unknown")

    return _act(request, session, settings, actor, entry_id, form, action, work)
