"""Case officer pages: run a check, see hits, measures and legal basis, record feedback and
mark false matches. Each page calls the same service as its API twin (/api/v1/checks).

Forms carry the session's CSRF token as a field; `_form_csrf` hands it to the shared actor
dependency as the X-CSRF-Token header it checks, so pages need no JavaScript.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import ActorDep, DbId, SessionDep, SettingsDep
from xinyong.core.errors import Invalid, XinyongError
from xinyong.measures import FeedbackItem, default_measures, feedback_of
from xinyong.screening import access as checks_access
from xinyong.screening.check import CheckRequest, person_key, run_check
from xinyong.screening.match import STEP_LABELS
from xinyong.web.auth.csrf import csrf_token
from xinyong.web.auth.csrf import form_csrf as _form_csrf
from xinyong.web.checks.verdict import verdict
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
OUTCOMES = {"applied": "已实施", "not_applied": "未实施"}
REFUSED = "信用核查（逢办必查）由联合奖惩实施部门的经办人使用。"

__all__ = ["_form_csrf", "router"]  # _form_csrf: kept for pages that import it from here


def _gate(request: Request, actor: Actor, permission: Permission) -> Response | None:
    return gate(request, actor, (permission,), REFUSED)


def _page(request: Request, settings: Any, name: str, ctx: dict[str, Any],
          status: int = 200) -> Response:
    base = {"csrf_token": csrf_token(request)
            if "session" in request.scope else "", "matters": default_measures().matters,
            "step_labels": STEP_LABELS, "outcomes": OUTCOMES,
            "licence_kinds": {k: v.name for k, v in default_measures().licence_kinds.items()}}
    return render(request, name, base | ctx, status)


@router.get("/checks", response_class=HTMLResponse)
def check_form(request: Request, actor: ActorDep, settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor, Permission.CHECKS_RUN)) is not None:
        return refused
    return _page(request, settings, "check_form.html", {"title": "信用核查（逢办必查）",
                                                         "form": {}, "error": None,
                                                         "actor": actor})


@router.post("/checks", response_class=HTMLResponse, dependencies=[Depends(_form_csrf)])
async def check_submit(request: Request, actor: ActorDep, session: SessionDep,
                       settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor, Permission.CHECKS_RUN)) is not None:
        return refused
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    # ID numbers are hashed here, as received, and not echoed back into the form.
    raw_rep, raw_person = form.pop("legal_representative_id", ""), form.pop("person_id", "")
    try:
        rep_key, rep_masked = person_key(settings.secret_key, raw_rep)
        key, masked = person_key(settings.secret_key, raw_person)
        result = run_check(session, CheckRequest(
            form.get("matter", ""), form.get("uscc") or None, form.get("name") or None,
            form.get("legal_representative") or None,
            form.get("licence_kind") or None if form.get("matter") == "licensing" else None,
            key, masked, rep_key, rep_masked), actor)
    except XinyongError as exc:
        return _page(request, settings, "check_form.html", {
            "title": "信用核查（逢办必查）", "form": form, "error": exc.message,
            "actor": actor}, status=422)
    return RedirectResponse(f"/checks/{result['id']}", status_code=303)


def _result_page(request: Request, session: Any, settings: Any, actor: Actor, check_id: int,
                 error: str | None = None, status: int = 200) -> Response:
    check = checks_access.read_check(session, actor, check_id)
    done = {f.measure_id: f for f in feedback_of(session, check_id)}
    found = verdict(session, check.result)
    query = check.result.get("query") or {}
    # The masked ID numbers the officer gave (the clear numbers were never stored).
    query_ids = [(label, query[key]) for key, label in (
        ("legal_representative_id", "法定代表人证件"), ("person_id", "申请人证件"))
        if query.get(key)]
    return _page(request, settings, "check_result.html", {
        "title": f"核查结果 #{check.id}：{found.label}", "check": check, "r": check.result,
        "done": done, "found": found, "query_ids": query_ids,
        "error": error, "actor": actor, "json_url": f"/api/v1/checks/{check.id}"},
        status=status)


@router.get("/checks/{check_id}", response_class=HTMLResponse)
def check_page(request: Request, check_id: DbId, actor: ActorDep, session: SessionDep,
               settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor, Permission.CHECKS_RUN)) is not None:
        return refused
    return _result_page(request, session, settings, actor, check_id)


@router.post("/checks/{check_id}/feedback", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
async def feedback_submit(request: Request, check_id: DbId, actor: ActorDep,
                          session: SessionDep, settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor, Permission.CHECKS_FEEDBACK)) is not None:
        return refused
    form = await request.form()
    try:
        items = [FeedbackItem(mid, str(v), str(form.get("reason_" + mid, "")) or None,
                              _day(str(form.get("until_" + mid, ""))))
                 for k, v in form.items() if str(k).startswith("outcome_") and v
                 for mid in [str(k)[len("outcome_"):]]]
        checks_access.give_feedback(session, actor, check_id, items)
    except XinyongError as exc:
        if exc.code == "check_not_found":
            raise  # another department's check: the styled 404 page, as for a missing one
        session.rollback()
        return _result_page(request, session, settings, actor, check_id, exc.message, 422)
    return RedirectResponse(f"/checks/{check_id}", status_code=303)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid("实施期限格式应为 YYYY-MM-DD", code="applied_until_invalid") from None


@router.post("/checks/{check_id}/confirmations", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
async def confirmation_submit(request: Request, check_id: DbId, actor: ActorDep,
                              session: SessionDep, settings: SettingsDep) -> Response:
    """Confirm a name hit that decides nothing alone: the measures it makes applicable are
    prompted on this check (same service as POST /api/v1/checks/{id}/confirmations)."""
    if (refused := _gate(request, actor, Permission.CHECKS_FEEDBACK)) is not None:
        return refused
    form = await request.form()
    try:
        checks_access.confirm(session, actor, check_id,
                              int(str(form.get("subject_id", "0")) or 0),
                              str(form.get("reason", "")))
    except (XinyongError, ValueError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "参数错误"
        return _result_page(request, session, settings, actor, check_id, message, 422)
    return RedirectResponse(f"/checks/{check_id}", status_code=303)


@router.post("/checks/{check_id}/reviews", response_class=HTMLResponse,
             dependencies=[Depends(_form_csrf)])
async def review_submit(request: Request, check_id: DbId, actor: ActorDep,
                        session: SessionDep, settings: SettingsDep) -> Response:
    if (refused := _gate(request, actor, Permission.CHECKS_FEEDBACK)) is not None:
        return refused
    form = await request.form()
    try:
        checks_access.review(session, actor, check_id,
                             int(str(form.get("subject_id", "0")) or 0),
                             str(form.get("reason", "")))
    except (XinyongError, ValueError) as exc:
        if isinstance(exc, XinyongError) and exc.code == "check_not_found":
            raise  # another department's check: the styled 404 page, as for a missing one
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "参数错误：请选择要标记的主体"
        return _result_page(request, session, settings, actor, check_id, message, 422)
    return RedirectResponse(f"/checks/{check_id}", status_code=303)
