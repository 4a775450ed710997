"""Error pages for browsers: the same status, code and message as the API's JSON error, as a
styled Chinese page in the site's layout (xinyong.api.errors decides who gets which).

404 offers the search box; 403 lists what the signed-in account may do instead; 422 names
each refused field in Chinese; 500 apologises without details (they are in the log).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from xinyong.accounts import Actor
from xinyong.api.deps import get_actor
from xinyong.core.logs import get_logger
from xinyong.web.menu import may_instead
from xinyong.web.pages import actor_of, render

log = get_logger(__name__)

TITLES = {400: "请求有误", 401: "需要登录", 403: "无权访问", 404: "页面不存在",
          405: "不支持该操作", 409: "操作冲突", 422: "请求内容有误", 500: "系统内部错误"}
ADVICE = {404: "您访问的页面不存在，或该信息不在公示期内。可以从首页查询信用主体。",
          500: "系统暂时无法完成该请求，请稍后重试。如问题持续，请联系信用办。"}


async def _who(request: Request) -> Actor:
    """The caller, for the header: resolved already by the route's dependencies, or (an
    unknown path never reaches them) resolved here the same way."""
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor):
        return actor
    factory = getattr(request.app.state, "sessions", None)
    if factory is None:
        return actor_of(request)
    session = factory()
    try:
        return await get_actor(request, session)
    except Exception as exc:  # the page must render even if the caller cannot be resolved
        log.warning("error_page_actor", error=repr(exc))
        return actor_of(request)
    finally:
        session.close()


async def error_page(request: Request, status: int, code: str, message: str,
                     errors: list[dict[str, Any]]) -> Response:
    actor = await _who(request)
    problems = [p for p in errors if p.get("message")] if status == 422 else []
    if all(p["message"] in message for p in problems):
        problems = []  # the message already says it
    ctx: dict[str, Any] = {
        "title": TITLES.get(status, "请求未能完成"), "status": status, "code": code,
        "message": ADVICE.get(500) if status >= 500 else message,
        "advice": ADVICE.get(status) if status == 404 else None,
        "problems": problems,
        "instead": may_instead(actor) if status in (401, 403) else [],
        "signed_in": actor.account_id is not None, "actor": actor,
        "query": ""}
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return render(request, "error.html", ctx, status, headers=headers)
