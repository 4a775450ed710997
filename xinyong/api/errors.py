"""One table from error kind to HTTP status, one JSON error shape for every failure."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from xinyong.core.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
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
    ConfigError: 500,
}
# How a client is told to authenticate (RFC 9110: every 401 names a scheme): an API key as
# `Authorization: Bearer <key>` (or `X-API-Key`), or a web login.
WWW_AUTHENTICATE = 'Bearer realm="xinyong"'


class ProblemOut(BaseModel):
    row: int | None
    field: str | None
    rule: str
    message: str
    value: str | None


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


def install(app: FastAPI) -> None:
    @app.exception_handler(XinyongError)
    async def _domain(_req: Request, exc: XinyongError) -> JSONResponse:
        status = next((s for k, s in STATUS.items() if isinstance(exc, k)), 400)
        headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if status == 401 else None
        return SafeJSONResponse(error_body(status, exc.code, exc.message,
                                           [p.as_dict() for p in exc.errors]),
                                status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"row": None, "field": ".".join(str(p) for p in e.get("loc", ())),
                   "rule": e.get("type", "invalid"), "message": e.get("msg", ""),
                   "value": None} for e in exc.errors()]
        return SafeJSONResponse(error_body(422, "request_invalid", "请求参数不正确", errors),
                                status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "request_unreadable", 404: "not_found",
                405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {400: "请求内容无法解析", 404: "请求的资源不存在",
                   405: "不支持该请求方法"}.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        return SafeJSONResponse(error_body(exc.status_code, code, message),
                                status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> JSONResponse:
        # The exception's type only: its text may quote what was being stored (a record's
        # free text), which the log must not hold.
        log.error("unhandled_error", error=type(exc).__name__)
        return SafeJSONResponse(error_body(500, "internal_error", "系统内部错误，请稍后重试"),
                                status_code=500)
