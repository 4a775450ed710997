"""One table from error kind to HTTP status, one JSON error shape for every failure.

Content negotiation: an API client (a path under /api/ or /-/, or an Accept that asks for
JSON rather than HTML) gets the JSON shape; a browser (Accept: text/html, or no preference,
on a page path) gets the same status, code and message as a Chinese page, rendered by the
`html` hook that create_app passes (xinyong.web.errors.error_page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from xinyong.api.limits import RequestTooLarge, too_large_response
from xinyong.core.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    RuleViolation,
    Unauthenticated,
    XinyongError,
)
from xinyong.core.logs import get_logger

log = get_logger(__name__)

STATUS: dict[type[XinyongError], int] = {
    NotFound: 404,
    Invalid: 422,
    RuleViolation: 422,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
    ConfigError: 500,
}
# Paths that are always API: JSON whatever the Accept header says.
API_PREFIXES = ("/api/", "/-/", "/openapi.json")

# What the request's parameters are called on the pages, for a 422 that names the field.
FIELD_LABELS: dict[str, str] = {
    "record_id": "信息编号", "uscc": "统一社会信用代码", "q": "查询内容", "page": "页码",
    "per_page": "每页条数", "as_of": "查询日期", "provider": "数据提供单位",
    "region": "行政区划代码", "decided_from": "决定日期（起）", "decided_to": "决定日期（止）",
    "record_type": "信息类别", "objection_id": "异议编号", "app_id": "修复申请编号",
    "check_id": "核查编号", "batch_id": "批次编号", "notice_id": "公告编号",
    "entry_id": "名单条目编号", "state": "办理状态", "limit": "条数", "offset": "起始位置",
    "action": "操作类型", "purpose": "查询事由", "purpose_text": "查询事由说明",
    "name": "名称", "record": "信息编号", "entry": "名单条目编号", "body": "请求内容",
    "type": "信息类别", "atomic": "整批处理", "rows": "数据行", "title": "标题",
}
RULE_MESSAGES: dict[str, str] = {
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期，格式为 YYYY-MM-DD",
    "date_parsing": "应为日期，格式为 YYYY-MM-DD", "date_type": "应为日期，格式为 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间", "missing": "必须填写", "string_too_short": "内容过短",
    "string_too_long": "内容过长", "greater_than_equal": "数值过小",
    "greater_than": "数值过小", "less_than_equal": "数值过大", "less_than": "数值过大",
    "literal_error": "取值不在允许范围内", "enum": "取值不在允许范围内",
    "json_invalid": "不是有效的 JSON", "list_type": "应为列表", "dict_type": "应为对象",
    "model_attributes_type": "应为对象", "string_type": "应为文字",
}
LIMITS = {"greater_than_equal": ("ge", "不能小于{}"), "greater_than": ("gt", "应大于{}"),
          "less_than_equal": ("le", "不能大于{}"), "less_than": ("lt", "应小于{}"),
          "string_too_long": ("max_length", "不能超过{}个字符"),
          "string_too_short": ("min_length", "至少{}个字符")}

HtmlHook = Callable[[Request, int, str, str, list[dict[str, Any]]], Awaitable[Response]]

# How a client is told to authenticate (RFC 9110: every 401 names a scheme): an API key as
# `Authorization: Bearer <key>` (or `X-API-Key`), or a web login.
WWW_AUTHENTICATE = 'Bearer realm="xinyong"'


class ProblemOut(BaseModel):
    row: int | None
    field: str | None
    rule: str
    message: str
    value: str | None
    level: Literal["error", "warning"] = Field(
        "error", description="error: refused; warning: accepted and reported")


class ErrorBody(BaseModel):
    """Every error, whatever its status: `code` is stable, `message` is for people."""

    ok: Literal[False]
    status: int
    code: str
    message: str
    errors: list[ProblemOut]


# The statuses any operation may answer besides its own, declared on every route of the app
# (FastAPI(responses=...)) so that the OpenAPI document names every status code it can get:
# the error kinds above, what Starlette and the request guards answer (400 unreadable body,
# 413 too large, 429 too many attempts).
_DESCRIPTIONS = {
    400: "请求无法解析 (unreadable body)",
    401: "未登录或接口密钥无效 (missing or unknown credentials)",
    403: "无权执行此操作 (the caller lacks the permission)",
    404: "资源不存在或无权查看 (not found, or not the caller's to see)",
    409: "与当前状态冲突 (conflicts with the current state)",
    413: "请求或上传文件过大 (request or upload too large)",
    422: "请求参数或内容不正确 (invalid parameters or content; row/field/rule in errors)",
    429: "尝试过于频繁 (too many attempts; retry later)",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in _DESCRIPTIONS.items()}


class SafeJSONResponse(JSONResponse):
    """An error body that always encodes: text echoed from a request could hold a character
    UTF-8 cannot encode; it is then escaped rather than failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


def _route_table(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, methods) of every route, included routers' under their full path;
    built once per app."""
    table: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, "allow_table", None)
    if table is None:
        table = []
        for route in app.routes:
            contexts = getattr(route, "effective_route_contexts", None)
            pairs = ([(c.path, c.methods) for c in contexts()] if contexts is not None
                     else [(getattr(route, "path", ""), getattr(route, "methods", None))])
            table += [(compile_path(path)[0], frozenset(methods))
                      for path, methods in pairs if path and methods]
        app.state.allow_table = table
    return table


def _allowed_methods(request: Request) -> str:
    """Every method some route of the app serves at this path (405's `Allow` header): the
    routes of one path may be declared apart (GET and POST /api/v1/accounts)."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for pattern, route_methods in _route_table(request.app):
        if pattern.match(path):
            methods |= route_methods
    return ", ".join(sorted(methods))


def error_body(status: int, code: str, message: str,
               errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "status": status, "code": code, "message": message,
            "errors": errors or []}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def rule_message(rule: str, ctx: Mapping[str, Any] | None) -> str:
    limit = LIMITS.get(rule)
    if limit and ctx and limit[0] in ctx:
        return limit[1].format(ctx[limit[0]])
    return RULE_MESSAGES.get(rule, "格式不正确")


def validation_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each failed parameter as a problem whose message names it in Chinese."""
    out = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        name = loc[1] if len(loc) > 1 and loc[0] in ("path", "query", "header", "body") \
            else (loc[-1] if loc else "")
        if loc[:1] == ["body"] and len(loc) > 2:
            name = loc[-1]
        rule = str(e.get("type", "invalid"))
        label = field_label(name)
        out.append({"row": None, "field": ".".join(loc), "rule": rule,
                    "message": f"{label}{rule_message(rule, e.get('ctx'))}",
                    "value": None})
    return out


def wants_json(request: Request) -> bool:
    if request.url.path.startswith(API_PREFIXES):
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def install(app: FastAPI, html: HtmlHook | None = None) -> None:
    async def respond(request: Request, status: int, code: str, message: str,
                      errors: list[dict[str, Any]],
                      headers: dict[str, str] | None = None) -> Response:
        if html is not None and not wants_json(request):
            page = await html(request, status, code, message, errors)
            page.headers.update(headers or {})  # Allow of a 405, WWW-Authenticate of a 401
            return page
        return SafeJSONResponse(error_body(status, code, message, errors), status_code=status,
                                headers=headers)

    @app.exception_handler(XinyongError)
    async def _domain(request: Request, exc: XinyongError) -> Response:
        status = next((s for k, s in STATUS.items() if isinstance(exc, k)), 400)
        headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if status == 401 else None
        return await respond(request, status, exc.code, exc.message,
                             [p.as_dict() for p in exc.errors], headers)

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, exc: RequestValidationError) -> Response:
        problems = validation_problems(exc)
        message = "请求参数不正确：" + "；".join(p["message"] for p in problems[:5])
        return await respond(request, 422, "request_invalid", message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, RequestTooLarge):
            return too_large_response(request.scope, exc.code, exc.message)
        code = {400: "request_unreadable", 404: "not_found",
                405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {400: "请求内容无法解析", 404: "请求的资源不存在",
                   405: "不支持该请求方法"}.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        return await respond(request, exc.status_code, code, message, [], headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The exception's type only: its text may quote what was being stored (a record's
        # free text), which the log must not hold.
        log.error("unhandled_error", error=type(exc).__name__)
        return await respond(request, 500, "internal_error", "系统内部错误，请稍后重试", [])
