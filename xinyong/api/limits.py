"""Request size limits, enforced while the body streams in (an ASGI middleware).

- A declared `Content-Length` over the limit is refused before one byte is read.
- A body without one (chunked) is counted as it arrives and refused as soon as it passes the
  limit, so a 100 MB JSON body is never held, let alone parsed.
- A multipart form is followed part by part: the sixth file is refused at its headers and a
  file larger than the attachment limit at the byte that passes it, before the route (or
  the form parser's temporary files) sees the rest.

The limit is `max_json_bytes` for JSON bodies and `max_request_bytes` for everything else;
the refusal is 413 with a Chinese message, in the platform's JSON error shape for API
clients and as a short page for browsers.
"""

from __future__ import annotations

from html import escape
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024


class RequestTooLarge(HTTPException):
    """Raised from inside `receive`: it reaches the app's handler for HTTP errors (FastAPI
    re-raises HTTP errors met while reading a body instead of turning them into 400)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(status_code=413, detail=message)
        self.code, self.message = code, message


def too_large_response(scope: Scope, code: str, message: str) -> Response:
    headers = Headers(scope=scope)
    path: str = scope.get("path", "")
    if not path.startswith("/api/") and "text/html" in headers.get("accept", ""):
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>请求过大</title>"
                            f"<p>{escape(message)}</p><p><a href=\"javascript:history.back()\">"
                            f"返回</a></p>", status_code=413)
    return JSONResponse({"ok": False, "status": 413, "code": code, "message": message,
                         "errors": []}, status_code=413)


def _mb(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n} 字节"


class _MultipartWatch:
    """Counts the files of a multipart body and the bytes of each as chunks go by."""

    def __init__(self, boundary: bytes, max_files: int, max_file_bytes: int) -> None:
        self.max_files, self.max_file_bytes = max_files, max_file_bytes
        self.files = 0
        self.header_field = b""
        self.header_value = b""
        self.file_name: str | None = None
        self.size = 0
        self.error: RequestTooLarge | None = None
        callbacks: dict[str, Any] = {
            "on_part_begin": self._part_begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data}
        self.parser: MultipartParser | None = MultipartParser(
            boundary, callbacks)  # type: ignore[arg-type]  # a TypedDict of callables

    def _part_begin(self) -> None:
        self.file_name, self.size = None, 0
        self.header_field = self.header_value = b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        if self.header_field.lower() == b"content-disposition":
            _kind, options = parse_options_header(self.header_value)
            if b"filename" in options:
                self.file_name = options[b"filename"].decode("utf-8", "replace")
        self.header_field = self.header_value = b""

    def _headers_finished(self) -> None:
        if self.file_name is not None:
            self.files += 1
            if self.files > self.max_files:
                raise RequestTooLarge("attachment_too_many",
                                      f"附件最多{self.max_files}个，第{self.files}个未接收")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.file_name is None:
            return
        self.size += end - start
        if self.size > self.max_file_bytes:
            name = self.file_name.replace("\\", "/").rsplit("/", 1)[-1][:100] or "附件"
            raise RequestTooLarge("attachment_too_large",
                                  f"附件「{name}」超过 {_mb(self.max_file_bytes)}")

    def feed(self, chunk: bytes) -> None:
        if self.parser is None or not chunk:
            return
        try:
            self.parser.write(chunk)
        except MultipartParseError:
            self.parser = None  # malformed: the form parser will refuse it with 400


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_json_bytes: int, max_files: int,
                 max_file_bytes: int) -> None:
        self.app = app
        self.max_bytes, self.max_json_bytes = max_bytes, max_json_bytes
        self.max_files, self.max_file_bytes = max_files, max_file_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "")
        kind, params = parse_options_header(content_type)
        is_json = kind == b"application/json" or kind.endswith(b"+json")
        limit = self.max_json_bytes if is_json else self.max_bytes
        message = (f"请求内容超过 {_mb(limit)}，未予接收"
                   + ("；大批量数据请分批推送或用文件报送" if is_json else ""))
        declared = headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await too_large_response(scope, "request_too_large", message)(scope, receive, send)
            return
        watch = (_MultipartWatch(params[b"boundary"], self.max_files, self.max_file_bytes)
                 if kind == b"multipart/form-data" and params.get(b"boundary") else None)
        received = 0

        async def limited() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                body: bytes = msg.get("body", b"")
                received += len(body)
                if received > limit:
                    raise RequestTooLarge("request_too_large", message)
                if watch is not None:
                    watch.feed(body)
            return msg

        await self.app(scope, limited, send)
