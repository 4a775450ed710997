"""Request guards applied to every route (app-level dependencies).

A JSON body may spell a lone UTF-16 surrogate (`"\\ud800"`): Python parses it into a string
that neither database can store and no response can encode, so it reached the server as a 500
wherever such a string was kept or echoed. It is refused here, once, with 422 naming the
problem. Query strings, paths and form fields are decoded by Starlette with replacement
characters and cannot carry one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from xinyong.core.errors import Invalid, Problem

# `\uD800`-`\uDFFF` as JSON escapes: only a body with one is parsed a second time.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate_at(value: Any, where: str = "body") -> str | None:
    """Where in a parsed JSON value a string with a lone surrogate is, if anywhere."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if _lone_surrogate_at(k) is not None:
                return where
            if (found := _lone_surrogate_at(v, f"{where}.{k[:40]}")) is not None:
                return found
        return None
    if isinstance(value, list):
        for i, v in enumerate(value):
            if (found := _lone_surrogate_at(v, f"{where}.{i}")) is not None:
                return found
    return None


async def refuse_unstorable_text(request: Request) -> None:
    """422 text_invalid for a JSON body that spells a lone surrogate anywhere."""
    if "json" not in request.headers.get("content-type", "").lower():
        return
    body = await request.body()
    if not _ESCAPED_SURROGATE.search(body):
        return
    try:
        value = json.loads(body)
    except ValueError:
        return  # not JSON at all: FastAPI's own validation answers 422
    where = _lone_surrogate_at(value)
    if where is not None:
        raise Invalid("请求内容含有无法存储的字符(不成对的 UTF-16 代理项,如 \\ud800)",
                      code="text_invalid",
                      errors=[Problem(row=None, field=where, rule="lone_surrogate",
                                      message="不成对的 UTF-16 代理项")])
