"""The subject's own pages (我的信用): its whole credit file with each record's status, the
repair notice of each penalty, and filing an objection or a repair application with
attachments. Each page calls the same service as its API twin; forms carry the CSRF token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from xinyong.accounts import Actor, Permission
from xinyong.accounts.access import read_own_file
from xinyong.api.deps import ActorDep, CatalogDep, DbId, SessionDep, SettingsDep
from xinyong.api.routers.objections import clocks_of
from xinyong.catalog import default_catalog
from xinyong.core import attachments, clock
from xinyong.core.errors import Forbidden, XinyongError
from xinyong.core.workdays import load_calendar
from xinyong.ingest.tables import Record
from xinyong.lists import (
    STATE_LABELS,
    ListEntry,
    default_list_kinds,
    earliest_removal,
    get_list_kind,
    rules,
)
from xinyong.lists import due_process as dp
from xinyong.objections import reads as objection_reads
from xinyong.objections import service as objections
from xinyong.publication.tables import PublicationJudgement
from xinyong.repair import reads as repair_reads
from xinyong.repair import service as repair
from xinyong.repair.notices import latest_notice, repairable_types
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
OWN = (Permission.OWN_FILE_READ,)
REFUSED = "“我的信用”供信用主体（企业）账户查看本主体的信用信息。"
BASE = "/api/v1/me/lists"


def _gate(request: Request, actor: Actor) -> Response | None:
    refused = gate(request, actor, OWN, REFUSED)
    if refused is None and not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体，请联系信用办", code="forbidden")
    return refused


def entry_view(session: Any, e: Any) -> dict[str, Any]:
    """What the subject's pages show of one listing, and what it may do now."""
    kind = get_list_kind(e.list_kind)
    today = clock.today()
    early = earliest_removal(kind, e)
    apps = dp.removal_applications(session, e.id)
    statement_open = (e.state == rules.NOTICE_SENT and e.statement_until is not None
                      and today <= e.statement_until)
    removal_open = (e.state in rules.IN_FORCE and early is not None and today >= early
                    and not any(a.state == dp.SUBMITTED for a in apps))
    basis = kind.basis(e.legal_basis_id)
    return {"e": e, "kind": kind, "state_label": STATE_LABELS[e.state],
            "basis": basis.cite() if basis else e.legal_basis_id,
            "statements": dp.statements_of(session, e.id), "applications": apps,
            "statement_open": statement_open, "removal_open": removal_open,
            "early": early, "early_rule": kind.early_removal_for(e.legal_basis_id).rule,
            "notice_url": f"{BASE}/{e.id}/notice.pdf" if e.notice_number else None,
            "decision_url": f"{BASE}/{e.id}/decision.pdf"
            if e.decision_number and kind.source == "internal" else None}


def _page(request: Request, settings: Any, name: str, ctx: dict[str, Any],
          status: int = 200) -> Response:
    base = {"csrf_token": csrf_token(request),
            "objection_labels": objections.STATE_LABELS, "repair_labels": repair.STATE_LABELS}
    return render(request, name, base | ctx, status)


def _document(session: Session, record_id: int | None) -> str:
    """A record as a user names it: its kind and document number, never its row id."""
    record = session.get(Record, record_id) if record_id is not None else None
    if record is None:
        return "（信息已不存在）"
    name = default_catalog().get(record.record_type).name
    return f"{name} {record.data.get('document_number') or record.natural_key}"


def _target(session: Session, o: Any) -> str:
    if o.record_id is not None:
        return _document(session, o.record_id)
    entry = session.get(ListEntry, o.list_entry_id) if o.list_entry_id else None
    if entry is None:
        return "名单信息"
    kind = default_list_kinds().get(entry.list_kind)
    return f"{kind.name if kind else '名单'} {entry.document_number}"


@router.get("/me", response_class=HTMLResponse)
def my_file(request: Request, actor: ActorDep, session: SessionDep, settings: SettingsDep,
            catalog: CatalogDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    view = read_own_file(session, catalog, actor)
    ids = [r.id for r in view.records]
    judged = {j.record_id: j for j in session.scalars(
        select(PublicationJudgement).where(PublicationJudgement.record_id.in_(ids)))}
    repairable = set(repairable_types(catalog))
    notices = {r.id: latest_notice(session, r.id) for r in view.records
               if r.record_type in repairable}
    today = clock.today()
    # Records of a type retired from the catalog (effective_to passed) stay here, marked.
    retired = {r.id for r in view.records
               if (rt := catalog.find(r.record_type)) is None or not rt.in_force(today)}
    return _page(request, settings, "me.html", {
        "title": "我的信用", "view": view, "judged": judged, "notices": notices,
        "today": today, "actor": actor, "retired": retired,
        "objections": objections.list_objections(session, actor),
        "lists": [entry_view(session, e) for e in dp.own_entries(session, actor)],
        "repairs": repair.list_applications(session, actor),
        "json_url": "/api/v1/me/file"})


async def _uploads(request: Request) -> tuple[dict[str, str], list[attachments.Upload]]:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if not isinstance(v, UploadFile)}
    ups = [attachments.Upload(f.filename or "", await f.read(attachments.MAX_BYTES + 1))
           for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    return fields, ups


@router.get("/me/objections/new", response_class=HTMLResponse)
def objection_form(request: Request, actor: ActorDep, settings: SettingsDep,
                   record: int | None = None, entry: int | None = None) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    target, target_id = ("record", record) if record else ("list_entry", entry)
    return _page(request, settings, "objection_form.html", {
        "title": "提出异议", "target": target, "target_id": target_id, "form": {},
        "error": None, "errors": []})


@router.post("/me/objections", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def objection_submit(request: Request, actor: ActorDep, session: SessionDep,
                           settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    form, uploads = await _uploads(request)
    target = form.get("target", "record")
    try:
        o = objections.file_objection(
            session, actor, objections.Filing(target, int(form.get("target_id") or 0),
                                              form.get("reasons", ""), tuple(uploads),
                                              contact=form.get("contact") or None),
            clocks=clocks_of(settings), calendar=load_calendar(session),
            secret=settings.secret_key)
    except (XinyongError, ValueError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "参数错误"
        errors = exc.errors if isinstance(exc, XinyongError) else []
        return _page(request, settings, "objection_form.html", {
            "title": "提出异议", "target": target, "target_id": form.get("target_id"),
            "form": form, "error": message, "errors": errors}, 422)
    return RedirectResponse(f"/me/objections/{o.id}", status_code=303)


@router.get("/me/objections/{objection_id}", response_class=HTMLResponse)
def objection_page(request: Request, objection_id: DbId, actor: ActorDep,
                   session: SessionDep, settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    o = objection_reads.read(session, actor, objection_id)
    return _page(request, settings, "objection.html", {
        "title": f"异议 #{o.id}", "o": o, "steps": objections.steps_of(session, o.id),
        "target": _target(session, o),
        "files": attachments.list_for(session, "objection", o.id),
        "json_url": f"/api/v1/objections/{o.id}"})


def _repair_form(request: Request, session: Any, settings: Any, actor: Actor, record_id: int,
                 form: dict[str, str], error: str | None, errors: list[Any],
                 status: int = 200) -> Response:
    blocked = None
    commitment = None
    eligible_from = None
    try:
        # Ownership first: nothing about another subject's record (open applications, end
        # dates, why it cannot be repaired) is told to this one.
        repair.owned_record(session, actor, record_id)
        repair_reads.audit_eligibility(session, actor, record_id, actor.subject_uscc)
        el = repair.eligibility(session, record_id, clock.today())
        commitment = repair.commitment_text(el.subject.name,
                                            str(el.record.data.get("document_number", "")),
                                            el.rule_set)
        eligible_from = el.repairable_from
    except XinyongError as exc:
        blocked = exc
    return _page(request, settings, "repair_form.html", {
        "title": "申请信用修复", "record_id": record_id, "blocked": blocked,
        "commitment": commitment, "eligible_from": eligible_from, "form": form,
        "error": error, "errors": errors}, status)


@router.get("/me/repairs/new", response_class=HTMLResponse)
def repair_form(request: Request, actor: ActorDep, session: SessionDep, settings: SettingsDep,
                record: int = 0) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    return _repair_form(request, session, settings, actor, record, {}, None, [])


@router.post("/me/repairs", response_class=HTMLResponse, dependencies=[Depends(form_csrf)])
async def repair_submit(request: Request, actor: ActorDep, session: SessionDep,
                        settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    form, uploads = await _uploads(request)
    try:
        record_id = int(form.get("record_id") or 0)
        app = repair.apply(session, actor, repair.Application(
            record_id, form.get("fulfilment", ""), form.get("commitment") == "yes",
            tuple(uploads)), calendar=load_calendar(session))
    except (XinyongError, ValueError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "参数错误"
        errors = exc.errors if isinstance(exc, XinyongError) else []
        return _repair_form(request, session, settings, actor,
                            int(form.get("record_id") or 0) if str(form.get("record_id", ""))
                            .isdigit() else 0, form, message, errors, 422)
    return RedirectResponse(f"/me/repairs/{app.id}", status_code=303)


@router.get("/me/repairs/{app_id}", response_class=HTMLResponse)
def repair_page(request: Request, app_id: DbId, actor: ActorDep, session: SessionDep,
                settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    app = repair_reads.read(session, actor, app_id)
    return _page(request, settings, "repair.html", {
        "title": f"信用修复申请 #{app.id}", "a": app,
        "document": _document(session, app.record_id), "steps": repair.steps_of(session, app.id),
        "files": attachments.list_for(session, "repair", app.id),
        "json_url": f"/api/v1/repairs/{app.id}"})
