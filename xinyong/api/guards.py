"""Request guards applied to every route (app-level dependencies).

Text that no database can store reached the server as a 500 wherever it was kept or echoed:
a lone UTF-16 surrogate (JSON may spell one, `"\\ud800"`; Python parses it into a string no
encoder accepts) and NUL (`\\u0000`, `%00`; PostgreSQL text and JSONB cannot hold it). Both
are refused here, once, with 422 naming where: in the path, the query string, a JSON body or
a URL-encoded form. Multipart forms carry files with NUL bytes of their own: their text
fields are checked by the services that take them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from xinyong.core.errors import Invalid, Problem

# `\uD800`-`\uDFFF` or `\u0000` as JSON escapes: only a body with one is parsed again.
_ESCAPED = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unstorable_at(value: Any, where: str = "body") -> str | None:
    """Where in a parsed JSON value a string no database can store is, if anywhere."""
    if isinstance(value, str):
        return where if _unstorable(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if _unstorable(k):
                return where
            if (found := _unstorable_at(v, f"{where}.{k[:40]}")) is not None:
                return found
        return None
    if isinstance(value, list):
        for i, v in enumerate(value):
            if (found := _unstorable_at(v, f"{where}.{i}")) is not None:
                return found
    return None


def _refuse(where: str) -> Invalid:
    return Invalid("请求内容含有无法存储的字符（NUL 或不成对的 UTF-16 代理项，"
                   "如 \\u0000、\\ud800）", code="text_invalid",
                   errors=[Problem(row=None, field=where, rule="unstorable_character",
                                   message="NUL 或不成对的 UTF-16 代理项")])


async def refuse_unstorable_text(request: Request) -> None:
    """422 text_invalid for NUL or a lone surrogate in the path, query, JSON or form body."""
    if "\x00" in request.scope.get("path", ""):
        raise _refuse("path")
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            raise _refuse(f"query.{key[:40]}")
    ctype = request.headers.get("content-type", "").lower()
    if "json" in ctype:
        body = await request.body()
        if not _ESCAPED.search(body):
            return
        try:
            value = json.loads(body)
        except ValueError:
            return  # not JSON at all: FastAPI's own validation answers 422
        where = _unstorable_at(value)
        if where is not None:
            raise _refuse(where)
    elif ctype.startswith("application/x-www-form-urlencoded"):
        # The form as parsed (and cached) for the route: a route with form fields has read
        # the body already, so it is not read again here.
        for key, item in (await request.form()).multi_items():
            if "\x00" in key or (isinstance(item, str) and "\x00" in item):
                raise _refuse(f"form.{key[:40]}")
