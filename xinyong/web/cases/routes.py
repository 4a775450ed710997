"""Staff pages for the cases about subjects' rights: the objection (异议) and credit repair
(信用修复) queues and one page per case, for the credit office (admin: sees all, routes
objections) and the deciding departments' data officers (see and decide their own).

Each page calls the same service as its API twin (/api/v1/objections, /api/v1/repairs): the
queues list through the services' role scope, and every action goes through the service
function the API handler calls, which checks the permission and the state again; the pages
only decide which forms to show. Forms carry the session's CSRF token (`_form_csrf`, shared
with the case officer pages) and work without JavaScript. A refusal from a service
(XinyongError) re-renders the page with its message (422); nothing is half-done, because the
request's transaction is rolled back first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, can
from xinyong.api.deps import ActorDep, DbId, SessionDep, SettingsDep
from xinyong.api.routers.objections import clocks_of
from xinyong.audit.rules import mask_value
from xinyong.catalog import default_catalog
from xinyong.core import attachments
from xinyong.core.errors import Invalid, NotFound, XinyongError
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest.tables import Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.objections import reads as objection_reads
from xinyong.objections import service as objections
from xinyong.objections.tables import Objection
from xinyong.repair import reads as repair_reads
from xinyong.repair import service as repair
from xinyong.repair.tables import RepairApplication
from xinyong.subjects.tables import Subject
from xinyong.web.auth.csrf import csrf_token
from xinyong.web.auth.csrf import form_csrf as _form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)

OBJECTION_STAFF = (Permission.OBJECTIONS_DECIDE, Permission.OBJECTIONS_MANAGE)
REPAIR_STAFF = (Permission.REPAIR_DECIDE, Permission.REPAIR_MANAGE)
OBJECTIONS_REFUSED = ("当前账户无权办理异议。异议由信用办转办、数据提供单位核查处理；"
                      "信用主体请在“我的信用”中查看本主体的异议。")
REPAIRS_REFUSED = ("当前账户无权办理信用修复申请。修复申请由作出认定的单位办理、信用办督办；"
                   "信用主体请在“我的信用”中查看本主体的申请。")
ALL = "all"  # the queue filter's "every state" (the services take None for it)
OUTCOME_LABELS = {objections.CORRECTED: "更正（生成新版本，原记录留存历史）",
                  objections.REVOKED: "撤销（停止公示）", objections.KEPT: "维持原记录"}
OBJECTION_ACTIONS = {"file": "提出异议", "route": "转办", "decide": "核查处理"}
REPAIR_ACTIONS = {"submit": "提交申请", "forward": "推送认定单位", "accept": "受理",
                  "refuse": "不予受理", "approve": "准予修复", "reject": "不予修复",
                  "sync": "同步上级平台", "break": "认定违反修复承诺"}
OBJECTION_STEPS = {"route": "转办", "decide": "核查办结"}
REPAIR_STEPS = {"forward": "推送认定单位", "accept": "受理", "decide": "修复决定",
                "sync": "同步上级平台"}
COMMITMENT_LABELS = {"made": "已作出", "in_force": "履行中", "broken": "已违反"}
DONE = {"route": "已转办。", "decide": "处理结果已保存，异议已办结。", "accept": "已受理。",
        "refuse": "已决定不予受理。", "approve": "已准予修复：该信息停止公示、停止共享。",
        "reject": "已决定不予修复。",
        "commitment-broken": "已认定违反修复承诺：该信息按最长公示期重新公示。"}
QUEUE_LIMIT = 200  # rows a queue shows; the state filter narrows it


async def _fields(request: Request) -> dict[str, str]:
    """The submitted form's text fields, trimmed (read once; `_form_csrf` reads the same
    cached form before the actor is resolved)."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(_fields)]


def _page(request: Request, settings: Settings, name: str, ctx: dict[str, Any],
          status: int = 200) -> Response:
    token = csrf_token(request) if "session" in request.scope else ""
    base: dict[str, Any] = {
        "csrf_token": token,
        "objection_labels": objections.STATE_LABELS, "repair_labels": repair.STATE_LABELS,
        "json_url": None, "error": None, "errors": [], "done": None, "form": {}}
    return render(request, name, base | ctx, status)


def _gate(request: Request, settings: Settings, actor: Actor,
          permissions: Iterable[Permission], refused: str) -> Response | None:
    """Anonymous: to the login page and back here; signed in without the permission: 403
    (the site's error page, with what the account may do instead)."""
    return gate(request, actor, tuple(permissions), refused)


def _not_found(request: Request, settings: Settings, exc: XinyongError,
               back: str) -> Response:
    return _page(request, settings, "cases_message.html",
                 {"title": "未找到", "message": exc.message, "back": back}, status=404)


def _state_filter(state: str | None) -> tuple[str, str | None]:
    """(what the filter shows, what the service is asked): the queue opens on the cases
    still being handled."""
    chosen = state or "open"
    return chosen, None if chosen == ALL else chosen


def _documents(session: Session, record_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Record id -> (record type name, document number) for the rows of a queue."""
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    catalog = default_catalog()
    return {rid: (catalog.name_of(rt), key) for rid, rt, key in session.execute(
        select(Record.id, Record.record_type, Record.natural_key)
        .where(Record.id.in_(ids))).tuples()}


def _target_label(o: Objection, docs: dict[int, tuple[str, str]],
                  entries: dict[int, str]) -> str:
    if o.record_id is not None:
        kind, number = docs.get(o.record_id, ("信用信息", ""))
        return f"{kind} {number}"
    return f"名单 {entries.get(o.list_entry_id or 0, '')}"


# -- objections ---------------------------------------------------------------------------

@router.get("/cases/objections", response_class=HTMLResponse)
def objection_queue(request: Request, actor: ActorDep, session: SessionDep,
                    settings: SettingsDep, state: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, OBJECTION_STAFF,
                         OBJECTIONS_REFUSED)) is not None:
        return refused
    chosen, asked = _state_filter(state)
    error, status = None, 200
    try:
        items = objection_reads.read_queue(session, actor, state=asked, limit=QUEUE_LIMIT)
    except XinyongError as exc:
        items, error, status = [], exc.message, 422
    late = {od.objection.id: od for od in objections.overdue(
        session, load_calendar(session), ids=[o.id for o in items])}
    docs = _documents(session, (o.record_id for o in items if o.record_id is not None))
    entry_ids = [o.list_entry_id for o in items if o.list_entry_id is not None]
    entries = dict(session.execute(select(ListEntry.id, ListEntry.document_number).where(
        ListEntry.id.in_(entry_ids))).tuples().all()) if entry_ids else {}
    rows = [(o, _target_label(o, docs, entries), late.get(o.id)) for o in items]
    return _page(request, settings, "cases_objections.html", {
        "title": "异议办理", "rows": rows, "overdue_steps": OBJECTION_STEPS, "state": chosen,
        "limited": len(items) >= QUEUE_LIMIT,
        "states": {"open": "办理中", **objections.STATE_LABELS, ALL: "全部"}, "actor": actor,
        "error": error, "json_url": "/api/v1/objections" + (f"?state={quote(asked)}"
                                                            if asked else "")}, status)


def _correction_fields(session: Session, actor: Actor, o: Objection) -> list[dict[str, Any]]:
    """The record's fields with their current values, for a correction. Showing them is a
    non-public read of the record (it may be unpublished or name a person): audited."""
    record = session.get(Record, o.record_id) if o.record_id is not None else None
    if record is None:
        return []
    rt = default_catalog().get(record.record_type)
    data = mask_value(record.data)
    subject = session.get(Subject, o.subject_id)
    audit.append(session, actor, "objection.record_read",
                 subject_uscc=subject.uscc if subject else None,
                 details={"objection_id": o.id, "record_ids": [record.id]})
    out = []
    for spec in rt.fields:
        value = data.get(spec.name)
        shown = ";".join(str(v) for v in value) if isinstance(value, list) else value
        out.append({"name": spec.name, "header": spec.header, "value": shown,
                    "key": spec.name in rt.natural_key, "codes": spec.codes or [],
                    "person_id": spec.type == "person_id"})
    return out


def _objection_page(request: Request, session: Session, settings: Settings, actor: Actor,
                    objection_id: int, *, error: XinyongError | None = None,
                    form: dict[str, str] | None = None, done: str | None = None) -> Response:
    o = objection_reads.read(session, actor, objection_id)
    may_route = can(actor, Permission.OBJECTIONS_MANAGE) and o.state == objections.MARKED
    may_decide = (o.state == objections.ROUTED and can(actor, Permission.OBJECTIONS_DECIDE)
                  and (actor.role == Role.ADMIN or actor.department_uscc == o.provider_uscc))
    outcomes = {k: v for k, v in OUTCOME_LABELS.items()
                if k != objections.CORRECTED or o.target == "record"}
    providers = list(session.scalars(select(Provider).order_by(Provider.name))) \
        if may_route else []
    docs = _documents(session, [o.record_id] if o.record_id is not None else [])
    entry = session.get(ListEntry, o.list_entry_id) if o.list_entry_id is not None else None
    late = next(iter(objections.overdue(session, load_calendar(session), ids=[o.id])), None)
    return _page(request, settings, "cases_objection.html", {
        "title": f"异议 #{o.id}", "o": o, "actor": actor, "overdue_steps": OBJECTION_STEPS,
        "target": _target_label(o, docs, {entry.id: entry.document_number} if entry else {}),
        "steps": objections.steps_of(session, o.id), "actions": OBJECTION_ACTIONS,
        "files": attachments.list_for(session, "objection", o.id), "late": late,
        "may_route": may_route, "may_decide": may_decide, "providers": providers,
        "outcomes": outcomes, "fields": _correction_fields(session, actor, o)
        if may_decide and o.target == "record" else [],
        "error": error.message if error else None, "errors": error.errors if error else [],
        "form": form or {}, "done": DONE.get(done or ""),
        "json_url": f"/api/v1/objections/{o.id}"}, 422 if error else 200)


@router.get("/cases/objections/{objection_id}", response_class=HTMLResponse)
def objection_page(request: Request, objection_id: DbId, actor: ActorDep, session: SessionDep,
                   settings: SettingsDep, done: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, OBJECTION_STAFF,
                         OBJECTIONS_REFUSED)) is not None:
        return refused
    try:
        return _objection_page(request, session, settings, actor, objection_id, done=done)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/objections")


def _objection_action(request: Request, session: Session, settings: Settings, actor: Actor,
                      objection_id: int, form: dict[str, str], action: str,
                      work: Callable[[], None]) -> Response:
    """Run one action on a visible objection; a refusal re-renders the page with it."""
    try:
        objections.view(session, actor, objection_id)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/objections")
    try:
        work()
    except XinyongError as exc:
        session.rollback()
        return _objection_page(request, session, settings, actor, objection_id, error=exc,
                               form=form)
    return RedirectResponse(f"/cases/objections/{objection_id}?done={action}", status_code=303)


@router.post("/cases/objections/{objection_id}/route", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
def objection_route(request: Request, objection_id: DbId, actor: ActorDep,
                    session: SessionDep, settings: SettingsDep, form: FormFields) -> Response:
    if (refused := _gate(request, settings, actor, OBJECTION_STAFF,
                         OBJECTIONS_REFUSED)) is not None:
        return refused

    def work() -> None:
        uscc = form.get("provider_uscc", "")
        if not uscc:
            raise Invalid("请选择转办的数据提供单位", code="provider_required")
        objections.route(session, objection_id, actor, uscc, clocks=clocks_of(settings),
                         calendar=load_calendar(session))

    return _objection_action(request, session, settings, actor, objection_id, form, "route",
                             work)


def _decision(form: dict[str, str]) -> objections.Decision:
    """The decision form as the service's Decision: `change_<field>` inputs left empty are
    not changes (a field cannot be emptied from this form)."""
    revoked_on = None
    if form.get("outcome") == objections.REVOKED and form.get("revoked_on"):
        try:
            revoked_on = date.fromisoformat(form["revoked_on"])
        except ValueError:
            raise Invalid("撤销日期格式应为 YYYY-MM-DD", code="revoked_on_invalid") from None
    changes = {k.removeprefix("change_"): v for k, v in form.items()
               if k.startswith("change_") and v} if form.get("outcome") == "corrected" else None
    if not form.get("outcome"):
        raise Invalid("请选择处理结果：更正、撤销或维持", code="objection_outcome_invalid")
    return objections.Decision(form["outcome"], form.get("reasons", ""), changes, revoked_on)


@router.post("/cases/objections/{objection_id}/decision", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
def objection_decide(request: Request, objection_id: DbId, actor: ActorDep,
                     session: SessionDep, settings: SettingsDep, form: FormFields) -> Response:
    if (refused := _gate(request, settings, actor, OBJECTION_STAFF,
                         OBJECTIONS_REFUSED)) is not None:
        return refused

    def work() -> None:
        objections.decide(session, objection_id, actor, _decision(form),
                          calendar=load_calendar(session), secret=settings.secret_key)

    return _objection_action(request, session, settings, actor, objection_id, form, "decide",
                             work)


# -- repair applications ------------------------------------------------------------------

def _current_due(app: RepairApplication) -> tuple[str, date | None] | None:
    """The step an application waits for and its due date (None once nothing is due)."""
    return {repair.SUBMITTED: ("forward", app.forward_due),
            repair.FORWARDED: ("accept", app.accept_due),
            repair.ACCEPTED: ("decide", app.decide_due),
            repair.APPROVED: ("sync", app.sync_due)}.get(app.state)


@router.get("/cases/repairs", response_class=HTMLResponse)
def repair_queue(request: Request, actor: ActorDep, session: SessionDep,
                 settings: SettingsDep, state: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, REPAIR_STAFF,
                         REPAIRS_REFUSED)) is not None:
        return refused
    chosen, asked = _state_filter(state)
    error, status = None, 200
    try:
        items = repair_reads.read_queue(session, actor, state=asked, limit=QUEUE_LIMIT)
    except XinyongError as exc:
        items, error, status = [], exc.message, 422
    late = {od.application.id: od for od in repair.overdue(session, ids=[a.id for a in items])}
    docs = _documents(session, (a.record_id for a in items))
    rows = [(a, docs.get(a.record_id, ("", "")), _current_due(a), late.get(a.id))
            for a in items]
    return _page(request, settings, "cases_repairs.html", {
        "title": "信用修复办理", "rows": rows, "overdue_steps": REPAIR_STEPS, "state": chosen,
        "limited": len(items) >= QUEUE_LIMIT,
        "states": {"open": "办理中", **repair.STATE_LABELS, ALL: "全部"}, "actor": actor,
        "error": error, "json_url": "/api/v1/repairs" + (f"?state={quote(asked)}"
                                                         if asked else "")}, status)


def _repair_page(request: Request, session: Session, settings: Settings, actor: Actor,
                 app_id: int, *, error: XinyongError | None = None,
                 form: dict[str, str] | None = None, done: str | None = None) -> Response:
    app = repair_reads.read(session, actor, app_id)
    deciding = can(actor, Permission.REPAIR_DECIDE) and (
        actor.role == Role.ADMIN or actor.department_uscc == app.provider_uscc)
    may = {"accept": deciding and app.state == repair.FORWARDED,
           "refuse": deciding and app.state == repair.FORWARDED,
           "approve": deciding and app.state == repair.ACCEPTED,
           "reject": deciding and app.state == repair.ACCEPTED,
           "commitment-broken": deciding and app.state in (repair.APPROVED, repair.SYNCED)
           and app.commitment_state == "in_force"}
    late = next(iter(repair.overdue(session, ids=[app.id])), None)
    return _page(request, settings, "cases_repair.html", {
        "title": f"信用修复申请 #{app.id}", "a": app, "actor": actor, "may": may,
        "overdue_steps": REPAIR_STEPS,
        "document": _documents(session, [app.record_id]).get(app.record_id, ("", "")),
        "steps": repair.steps_of(session, app.id), "actions": REPAIR_ACTIONS,
        "files": attachments.list_for(session, "repair", app.id), "late": late,
        "due": _current_due(app), "codes": repair.REFUSAL_CODES,
        "commitment_labels": COMMITMENT_LABELS,
        "error": error.message if error else None, "errors": error.errors if error else [],
        "form": form or {}, "done": DONE.get(done or ""),
        "json_url": f"/api/v1/repairs/{app.id}"}, 422 if error else 200)


@router.get("/cases/repairs/{app_id}", response_class=HTMLResponse)
def repair_page(request: Request, app_id: DbId, actor: ActorDep, session: SessionDep,
                settings: SettingsDep, done: str | None = None) -> Response:
    if (refused := _gate(request, settings, actor, REPAIR_STAFF,
                         REPAIRS_REFUSED)) is not None:
        return refused
    try:
        return _repair_page(request, session, settings, actor, app_id, done=done)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/repairs")


def _repair_work(session: Session, actor: Actor, app_id: int, action: str,
                 form: dict[str, str]) -> None:
    """One deciding step through the same service function as its API handler."""
    reasons, code = form.get("reasons", ""), form.get("code", "")
    if action == "accept":
        repair.accept(session, app_id, actor, calendar=load_calendar(session))
    elif action == "refuse":
        repair.refuse(session, app_id, actor, reasons, code)
    elif action == "approve":
        repair.approve(session, app_id, actor, reasons, calendar=load_calendar(session))
    elif action == "reject":
        repair.reject(session, app_id, actor, reasons, code)
    elif action == "commitment-broken":
        repair.break_commitment(session, app_id, actor, reasons)
    else:
        raise NotFound(f"没有“{action}”这一办理步骤", code="repair_action_unknown")


@router.post("/cases/repairs/{app_id}/{action}", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
def repair_action(request: Request, app_id: DbId, action: str, actor: ActorDep,
                  session: SessionDep, settings: SettingsDep, form: FormFields) -> Response:
    if (refused := _gate(request, settings, actor, REPAIR_STAFF,
                         REPAIRS_REFUSED)) is not None:
        return refused
    try:
        repair.view(session, actor, app_id)
    except XinyongError as exc:
        return _not_found(request, settings, exc, "/cases/repairs")
    try:
        _repair_work(session, actor, app_id, action, form)
    except XinyongError as exc:
        session.rollback()
        # `_action`: which of the page's forms to fill again with what was submitted.
        return _repair_page(request, session, settings, actor, app_id, error=exc,
                            form={**form, "_action": action})
    return RedirectResponse(f"/cases/repairs/{app_id}?done={action}", status_code=303)
