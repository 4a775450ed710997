"""One table from error kind to HTTP status, one JSON error shape for every failure."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.api.limits import RequestTooLarge, too_large_response
from xinyong.core.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    RuleViolation,
    XinyongError,
)
from xinyong.core.logs import get_logger

log = get_logger(__name__)

STATUS: dict[type[XinyongError], int] = {
    NotFound: 404,
    Invalid: 422,
    RuleViolation: 422,
    Conflict: 409,
    Forbidden: 403,
    RateLimited: 429,
    ConfigError: 500,
}


def error_body(status: int, code: str, message: str,
               errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "status": status, "code": code, "message": message,
            "errors": errors or []}


def install(app: FastAPI) -> None:
    @app.exception_handler(XinyongError)
    async def _domain(_req: Request, exc: XinyongError) -> JSONResponse:
        status = next((s for k, s in STATUS.items() if isinstance(exc, k)), 400)
        return JSONResponse(error_body(status, exc.code, exc.message,
                                       [p.as_dict() for p in exc.errors]), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _request(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"row": None, "field": ".".join(str(p) for p in e.get("loc", ())),
                   "rule": e.get("type", "invalid"), "message": e.get("msg", ""),
                   "value": None} for e in exc.errors()]
        return JSONResponse(error_body(422, "request_invalid", "请求参数不正确", errors),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(req: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, RequestTooLarge):
            return too_large_response(req.scope, exc.code, exc.message)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {404: "请求的资源不存在", 405: "不支持该请求方法"}.get(exc.status_code,
                                                                          str(exc.detail))
        return JSONResponse(error_body(exc.status_code, code, message),
                            status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_error", error=repr(exc))
        return JSONResponse(error_body(500, "internal_error", "系统内部错误,请稍后重试"),
                            status_code=500)
