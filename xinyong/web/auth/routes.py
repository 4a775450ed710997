"""Login and logout pages. The session cookie is signed (Starlette SessionMiddleware,
installed by create_app) and holds only a random session id; whose session it is, and whether
it still holds, is kept server-side (xinyong.accounts.sessions). Login starts a new session
id; logout ends the session at once, so a replayed cookie no longer signs in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from xinyong.accounts import Role
from xinyong.accounts import service as accounts
from xinyong.api.deps import ActorDep, SessionDep, SettingsDep, client_address, identity_limits
from xinyong.web.auth.csrf import csrf_ok, csrf_token, session_id, set_session_id

router = APIRouter(tags=["web-auth"], include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

ROLE_LABELS = {Role.ADMIN: "信用办管理员", Role.DATA_OFFICER: "数据报送员",
               Role.CASE_OFFICER: "联合奖惩经办人", Role.INSPECTOR: "监管检查人员",
               Role.SUBJECT: "信用主体", Role.PUBLIC: "公众"}
REASONS = {"login_failed": "用户名或密码错误",
           "account_locked": "因连续输错密码,账户已暂时锁定,请稍后再试或联系信用办管理员",
           "too_many_attempts": "登录尝试次数过多,请{minutes}分钟后再试"}
STATUS = {"account_locked": 423, "too_many_attempts": 429}


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would turn the login page into a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/login"


def _refused(request: Request, settings: SettingsDep, message: str) -> Response:
    return templates.TemplateResponse(request, "refused.html", {
        "title": "请求被拒绝", "platform_name": settings.platform_name, "message": message},
        status_code=403)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: ActorDep, settings: SettingsDep,
               next: str | None = None) -> Response:  # noqa: A002 - the usual name
    token = csrf_token(request)
    if actor.account_id is not None:
        return templates.TemplateResponse(request, "signed_in.html", {
            "title": "已登录", "platform_name": settings.platform_name, "actor": actor,
            "role_label": ROLE_LABELS[actor.role], "csrf_token": token})
    return templates.TemplateResponse(request, "login.html", {
        "title": "登录", "platform_name": settings.platform_name, "csrf_token": token,
        "next": _safe_next(next), "name": "", "error": None,
        "max_failures": settings.login_max_failures,
        "lockout_minutes": settings.login_lockout_minutes})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, session: SessionDep, settings: SettingsDep,
                 name: Annotated[str, Form(max_length=100)] = "",
                 password: Annotated[str, Form(max_length=200)] = "",
                 csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
                 next: Annotated[str, Form(max_length=500)] = "/login",  # noqa: A002
                 ) -> Response:
    if not csrf_ok(request, csrf_token_):
        return _refused(request, settings, "表单已过期或来源不明(CSRF 校验失败),请刷新登录页后重试")
    limits = identity_limits(settings)
    client = client_address(request)
    outcome = accounts.login(session, name, password, client=client,
                             max_failures=settings.login_max_failures,
                             lockout=timedelta(minutes=settings.login_lockout_minutes),
                             limits=limits)
    if outcome.account is None:
        reason = outcome.reason or "login_failed"
        return templates.TemplateResponse(request, "login.html", {
            "title": "登录", "platform_name": settings.platform_name,
            "csrf_token": csrf_token(request), "next": _safe_next(next),
            "name": name, "error": REASONS.get(reason, REASONS["login_failed"]).format(
                minutes=limits.minutes),
            "max_failures": settings.login_max_failures,
            "lockout_minutes": settings.login_lockout_minutes},
            status_code=STATUS.get(reason, 401))
    # A fresh session id on login: nothing from the anonymous session carries over.
    set_session_id(request, accounts.start_web_session(
        session, outcome.account, client=client,
        max_age=timedelta(seconds=settings.session_max_age_s)))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep,
           csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
           ) -> Response:
    if not csrf_ok(request, csrf_token_):
        return _refused(request, settings, "表单已过期或来源不明(CSRF 校验失败),请刷新页面后重试")
    sid = session_id(request)
    if sid:
        accounts.logout(session, sid, client=client_address(request))
    set_session_id(request, None)
    return RedirectResponse("/login", status_code=303)
