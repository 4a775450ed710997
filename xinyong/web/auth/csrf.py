"""CSRF tokens kept in the signed session and echoed by forms (or the X-CSRF-Token header)."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

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
