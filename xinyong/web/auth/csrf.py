"""CSRF tokens kept in the signed session and echoed by forms (or the X-CSRF-Token header)."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(session: dict[str, Any]) -> str:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_ok(session: dict[str, Any], submitted: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    return bool(isinstance(expected, str) and expected and submitted
                and hmac.compare_digest(expected.encode(), submitted.encode()))


async def form_csrf(request: Request) -> None:
    """Route dependency of a form POST: hand the form's token to the actor dependency as the
    X-CSRF-Token header it checks, so pages need no JavaScript."""
    form = await request.form()
    token = form.get(FORM_FIELD)
    if isinstance(token, str) and token:
        request.scope["headers"] = [*request.scope["headers"],
                                    (HEADER.encode(), token.encode())]
        request.__dict__.pop("_headers", None)
