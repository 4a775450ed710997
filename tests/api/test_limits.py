"""Finding 12 of #14: request and upload size limits. An oversized body gets 413 with a
Chinese message before it is read or parsed; a sixth file is refused at its headers and an
oversized file at the limit, before the rest of the body is read. The app is driven through
ASGI directly so that the test sees how many bytes were pulled (and allocates no 100 MB)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.accounts.helpers import ACTORS, client_as
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor

MB = 1024 * 1024
PDF = b"%PDF-1.4\n"


def _call(app: Any, path: str, headers: dict[str, str],
          chunks: Iterator[bytes]) -> tuple[int, bytes, int]:
    """POST `chunks` to the app; returns status, body and the bytes the app pulled."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "https", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("testserver", 443), "state": {},
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    # In a thread of its own: the browser tests' Playwright (sync API) leaves an event loop
    # running in this worker's main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, pulled


@pytest.fixture
def app(engine, settings) -> Any:
    built = create_app(settings)
    built.dependency_overrides[get_actor] = lambda: ACTORS[Role.ADMIN]
    return built


def _json_flood(total: int, chunk: int = MB) -> Iterator[bytes]:
    yield b"["
    sent = 1
    row = json.dumps({"subject_name": "示范市华盛食品有限公司"}, ensure_ascii=False).encode()
    piece = b",".join([row] * (chunk // (len(row) + 1)))
    while sent < total:
        yield piece + b","
        sent += len(piece) + 1


def test_a_declared_100_mb_body_is_refused_before_a_byte_is_read(app, settings):
    status, body, pulled = _call(app, "/api/v1/batches/penalty",
                                 {"content-type": "application/json",
                                  "content-length": str(100 * MB)}, _json_flood(100 * MB))
    assert status == 413 and pulled == 0
    answer = json.loads(body)
    assert answer["code"] == "request_too_large" and "10 MB" in answer["message"]


def test_a_streamed_100_mb_json_body_is_refused_without_parsing(app, settings):
    status, body, pulled = _call(app, "/api/v1/batches/penalty",
                                 {"content-type": "application/json"}, _json_flood(100 * MB))
    assert status == 413 and json.loads(body)["code"] == "request_too_large"
    assert pulled <= settings.max_json_bytes + 2 * MB


def _multipart(files: list[tuple[str, int]], boundary: str = "xyBOUNDARY",
               chunk: int = 64 * 1024) -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\nrecord\r\n"
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"target_id\"\r\n\r\n1\r\n"
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"reasons\"\r\n\r\n有误\r\n"
           ).encode()
    for name, size in files:
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
               f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode() + PDF
        left = size - len(PDF)
        while left > 0:
            yield b"0" * min(chunk, left)
            left -= chunk
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()


FORM = {"content-type": "multipart/form-data; boundary=xyBOUNDARY"}


def test_a_sixth_file_is_refused_before_it_is_read(app):
    files = [(f"证明{n}.pdf", 4 * MB) for n in range(1, 7)]
    status, body, pulled = _call(app, "/api/v1/objections", FORM, _multipart(files))
    answer = json.loads(body)
    assert status == 413 and answer["code"] == "attachment_too_many"
    assert "最多5个" in answer["message"]
    # Five files went by; of the sixth, no more than its headers and one chunk.
    assert pulled < 5 * 4 * MB + 128 * 1024


def test_a_file_over_5_mb_is_refused_at_the_limit(app):
    status, body, pulled = _call(app, "/api/v1/objections", FORM,
                                 _multipart([("大文件.pdf", 30 * MB)]))
    answer = json.loads(body)
    assert status == 413 and answer["code"] == "attachment_too_large"
    assert "大文件.pdf" in answer["message"] and "5 MB" in answer["message"]
    assert pulled < 5 * MB + 128 * 1024


def test_browsers_get_a_page_and_lowered_limits_apply(engine, settings):
    small = settings.model_copy(update={"max_request_bytes": 2048, "max_json_bytes": 1024})
    with client_as(small, ACTORS[Role.ADMIN]) as c:
        r = c.post("/api/v1/batches/penalty", json=[{"x": "y" * 2000}])
        assert r.status_code == 413 and r.json()["code"] == "request_too_large"
        r = c.post("/me/objections", content=b"x" * 4096,
                   headers={"accept": "text/html", "content-type": "application/x-www-form-"
                            "urlencoded"})
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        assert "请求内容超过" in r.text
        # Within the limits, requests go through as before.
        assert c.post("/api/v1/batches/penalty", json=[]).status_code != 413
