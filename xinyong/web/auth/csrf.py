"""The session cookie's id and the CSRF token derived from it.

The cookie (signed by Starlette's SessionMiddleware, installed by create_app) holds only a
random session id. Signed in, the id names a `web_session` row (xinyong.accounts.sessions);
before login it names nothing and exists only so that the login form has a CSRF token. The
token is an HMAC of the id under a key derived from the secret key: nothing else is kept in
the cookie, and a form or an `X-CSRF-Token` header must echo it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import HTTPConnection, Request

SESSION_KEY = "sid"
# Ids handed out before login carry this prefix: they name no session row, so a public page
# view with one needs no database look-up. Ids of signed-in sessions never start with it.
ANONYMOUS = "a-"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def session_id(request: HTTPConnection, *, create: bool = False) -> str | None:
    """The id in this browser's cookie; with `create`, a new anonymous one if it has none."""
    if "session" not in request.scope:
        return None
    sid = request.session.get(SESSION_KEY)
    if isinstance(sid, str) and 20 <= len(sid) <= 100:
        return sid
    if not create:
        return None
    sid = ANONYMOUS + secrets.token_urlsafe(32)
    request.session.clear()
    request.session[SESSION_KEY] = sid
    return sid


def is_anonymous(sid: str) -> bool:
    return sid.startswith(ANONYMOUS)


def set_session_id(request: HTTPConnection, sid: str | None) -> None:
    """A fresh cookie: the new id after login (nothing of the anonymous one carries over), or
    none after logout."""
    request.session.clear()
    if sid:
        request.session[SESSION_KEY] = sid


def _token(request: HTTPConnection, sid: str) -> str:
    key: bytes = request.app.state.csrf_key
    return hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: HTTPConnection) -> str:
    """The CSRF token of this browser's session (starting an anonymous session if needed)."""
    sid = session_id(request, create=True)
    return _token(request, sid) if sid else ""


def csrf_ok(request: HTTPConnection, submitted: str | None) -> bool:
    sid = session_id(request)
    return bool(sid and submitted
                and hmac.compare_digest(_token(request, sid).encode(), submitted.encode()))


async def form_csrf(request: Request) -> None:
    """Route dependency of a form POST: hand the form's token to the actor dependency as the
    X-CSRF-Token header it checks, so pages need no JavaScript."""
    form = await request.form()
    token = form.get(FORM_FIELD)
    if isinstance(token, str) and token:
        request.scope["headers"] = [*request.scope["headers"],
                                    (HEADER.encode(), token.encode())]
        request.__dict__.pop("_headers", None)
