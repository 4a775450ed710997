"""Credit report pages: /subjects/{uscc}/report (request a report: kind, domains, format,
version by role) and /reports/verify (check a report by number or by uploading the file, and
see it as issued). The downloads are the API's own GET routes (/api/v1/reports/...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong import reports
from xinyong.accounts import PURPOSE_LABELS, Permission, Purpose, can
from xinyong.api.deps import ActorDep, SessionDep, SettingsDep
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.reports import MAX_UPLOAD, file_verdict, issued_verdict
from xinyong.core.errors import NotFound, XinyongError
from xinyong.publication.reads import find_public_subject
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.pages import render
from xinyong.web.routes import PublicReader

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_unknown_query)])


@router.get("/subjects/{uscc}/report", response_class=HTMLResponse)
def report_page(uscc: str, request: Request, session: SessionDep,
                actor: PublicReader) -> Response:
    subject = find_public_subject(session, uscc)
    if subject.uscc and subject.uscc != uscc.strip().upper():
        return RedirectResponse(f"/subjects/{subject.uscc}/report", status_code=301)
    versions = [("public", "社会公开版")]
    if can(actor, Permission.OWN_FILE_READ) and actor.subject_uscc == subject.uscc:
        versions.insert(0, ("own", "主体自查版（含本主体非公示信息）"))
    if can(actor, Permission.RECORDS_READ_SHARED):
        versions.insert(0, ("department", "部门查询版（须声明查询事由，记入审计）"))
    return render(request, "report_request.html", {
        "title": f"{subject.name} 信用报告", "subject": subject, "actor": actor,
        "versions": versions, "domains": reports.default_domains(),
        "purposes": [(p.value, PURPOSE_LABELS[p]) for p in Purpose],
        "json_url": f"/api/v1/reports/public/{subject.uscc}"})


def _verify_page(request: Request, actor: object, verdict: object = None,
                 number: str = "", error: str | None = None, status: int = 200) -> Response:
    return render(request, "report_verify.html", {
        "title": "信用报告验证", "actor": actor, "verdict": verdict, "number": number,
        "error": error, "csrf_token": csrf_token(request) if "session" in request.scope
        else "", "json_url": (f"/api/v1/reports/issued/{number}" if number
                              else "/api/v1/reports/domains")}, status)


@router.get("/reports/verify", response_class=HTMLResponse)
def verify_page(request: Request, session: SessionDep, settings: SettingsDep,
                actor: PublicReader,
                number: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    if not number:
        return _verify_page(request, actor)
    number = number.strip().upper()
    try:
        verdict = issued_verdict(session, settings, number)
    except NotFound as exc:
        return _verify_page(request, actor, number=number, error=exc.message, status=404)
    return _verify_page(request, actor, verdict, number)


@router.post("/reports/verify", response_class=HTMLResponse,
             dependencies=[Depends(form_csrf)])
async def verify_upload(request: Request, session: SessionDep, settings: SettingsDep,
                        actor: ActorDep,
                        file: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    data = await file.read(MAX_UPLOAD + 1) if file is not None else b""
    if not data:
        return _verify_page(request, actor, error="请选择要验证的报告文件（PDF 或 JSON）",
                            status=422)
    if len(data) > MAX_UPLOAD:
        return _verify_page(request, actor, error="报告文件超过 8 MB", status=422)
    try:
        verdict = await run_in_threadpool(file_verdict, session, settings, data)
    except XinyongError as exc:
        return _verify_page(request, actor, error=exc.message, status=422)
    return _verify_page(request, actor, verdict, verdict.number or "")
