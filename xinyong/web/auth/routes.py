"""Login and logout pages. The session cookie is signed (Starlette SessionMiddleware,
installed by create_app) and holds only a random session id; whose session it is, and whether
it still holds, is kept server-side (xinyong.accounts.sessions). Login starts a new session
id; logout ends the session at once, so a replayed cookie no longer signs in.

After login the account lands on the page it asked for (`next`) or on its role's home page
(xinyong.web.menu.landing_for: 我的信用, 工作台, 信用核查, 数据报送...). `GET /logout` shows a
confirmation form: logging out is a POST with the CSRF token."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.accounts import Actor
from xinyong.accounts import service as accounts
from xinyong.api.deps import ActorDep, SessionDep, SettingsDep, client_address, identity_limits
from xinyong.web.auth.csrf import csrf_ok, csrf_token, session_id, set_session_id
from xinyong.web.menu import ROLE_LABELS, landing_for
from xinyong.web.pages import render

router = APIRouter(tags=["web-auth"], include_in_schema=False)

__all__ = ["ROLE_LABELS", "router"]
REASONS = {"login_failed": "用户名或密码错误",
           "account_locked": "因连续输错密码，账户已暂时锁定，请稍后再试或联系信用办管理员",
           "too_many_attempts": "登录尝试次数过多，请{minutes}分钟后再试"}
STATUS = {"account_locked": 423, "too_many_attempts": 429}


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would turn the login page into a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not target.startswith(("/login", "/logout")):
        return target
    return ""


def _landing(actor: Actor, target: str | None) -> str:
    return _safe_next(target) or landing_for(actor)


def _refused(request: Request, settings: SettingsDep, message: str) -> Response:
    return render(request, "refused.html", {"title": "请求被拒绝", "message": message},
                  status=403)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: ActorDep, settings: SettingsDep,
               next: str | None = None,  # noqa: A002 - the usual name
               logged_out: str | None = None) -> Response:
    if actor.account_id is not None:
        # Already signed in: straight on to where the account was going, or its home page.
        return RedirectResponse(_landing(actor, next), status_code=303)
    return render(request, "login.html", {
        "title": "登录", "csrf_token": csrf_token(request),
        "next": _safe_next(next), "name": "", "error": None, "logged_out": bool(logged_out),
        "max_failures": settings.login_max_failures,
        "lockout_minutes": settings.login_lockout_minutes})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, session: SessionDep, settings: SettingsDep,
                 name: Annotated[str, Form(max_length=100)] = "",
                 password: Annotated[str, Form(max_length=200)] = "",
                 csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
                 next: Annotated[str, Form(max_length=500)] = "",  # noqa: A002
                 ) -> Response:
    if not csrf_ok(request, csrf_token_):
        return _refused(request, settings,
                        "表单已过期或来源不明（CSRF 校验失败），请刷新登录页后重试")
    limits = identity_limits(settings)
    client = client_address(request)
    outcome = accounts.login(session, name, password, client=client,
                             max_failures=settings.login_max_failures,
                             lockout=timedelta(minutes=settings.login_lockout_minutes),
                             limits=limits)
    if outcome.account is None:
        reason = outcome.reason or "login_failed"
        return render(request, "login.html", {
            "title": "登录", "csrf_token": csrf_token(request),
            "next": _safe_next(next), "name": name,
            "error": REASONS.get(reason, REASONS["login_failed"]).format(
                minutes=limits.minutes),
            "max_failures": settings.login_max_failures,
            "lockout_minutes": settings.login_lockout_minutes},
            status=STATUS.get(reason, 401))
    # A fresh session id on login: nothing from the anonymous session carries over.
    set_session_id(request, accounts.start_web_session(
        session, outcome.account, client=client,
        max_age=timedelta(seconds=settings.session_max_age_s)))
    actor = accounts.actor_for(session, outcome.account)
    return RedirectResponse(_landing(actor, next), status_code=303)


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request, actor: ActorDep) -> Response:
    """A link or a typed address reaches this page; logging out itself is the form's POST."""
    if actor.account_id is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "logout.html", {"title": "退出登录", "actor": actor,
                                           "csrf_token": csrf_token(request)})


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep,
           csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
           ) -> Response:
    if not csrf_ok(request, csrf_token_):
        return _refused(request, settings,
                        "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
    sid = session_id(request)
    if sid:
        accounts.logout(session, sid, client=client_address(request))
    set_session_id(request, None)
    return RedirectResponse("/login?logged_out=1", status_code=303)
