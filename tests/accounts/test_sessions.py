"""Finding 6 of #14: web sessions are server-side state. The cookie carries only a random
session id; logout, a password change, disabling, lock-out and an administrator end the
session at once, so a replayed cookie signs nobody in."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.accounts.helpers import CLI, client_as, make_account
from tests.factories import PROVIDER
from xinyong.accounts import Role
from xinyong.accounts import service as accounts
from xinyong.accounts.tables import WebSession
from xinyong.audit import AuditEntry
from xinyong.cli.main import app as cli
from xinyong.core import clock
from xinyong.core.db import unit_of_work

PASSWORD = "正确的密码 horse"


def _csrf(c) -> str:
    return c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]


def _login(c, name: str = "officer", password: str = PASSWORD):
    return c.post("/login", data={"name": name, "password": password,
                                  "csrf_token": _csrf(c), "next": "/login"},
                  follow_redirects=False)


def _signed_in(settings, cookie: str) -> str:
    """Who a replayed cookie signs in, from a fresh browser."""
    with client_as(settings, None, base_url="https://testserver") as c:
        c.cookies.set("xinyong_session", cookie)
        return str(c.get("/api/v1/me").json()["role"])


@pytest.fixture
def cookie(engine, settings) -> str:
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER)
    with client_as(settings, None, base_url="https://testserver") as c:
        assert _login(c).status_code == 303
        value = c.cookies.get("xinyong_session")
    assert value and _signed_in(settings, value) == "data_officer"
    return value


def test_the_cookie_carries_only_a_session_id_stored_hashed(engine, cookie):
    payload = json.loads(base64.b64decode(cookie.split(".")[0] + "=="))
    assert list(payload) == ["sid"]
    with unit_of_work(engine) as s:
        row = s.scalar(select(WebSession))
        assert row is not None and row.token_hash != payload["sid"]
        assert payload["sid"] not in json.dumps([str(getattr(row, c.key))
                                                 for c in WebSession.__table__.columns])


def test_a_cookie_replayed_after_logout_signs_nobody_in(engine, settings, cookie):
    with client_as(settings, None, base_url="https://testserver") as c:
        c.cookies.set("xinyong_session", cookie)
        r = c.post("/logout", data={"csrf_token": _csrf(c)}, follow_redirects=False)
        assert r.status_code == 303
    assert _signed_in(settings, cookie) == "public"
    with unit_of_work(engine) as s:
        row = s.scalar(select(WebSession))
        assert row is not None and row.reason == "logout" and row.revoked_at is not None
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "session.logout"))


def test_a_password_change_ends_every_session(engine, settings, cookie):
    with unit_of_work(engine) as s:
        accounts.set_password(s, CLI, "officer", "another long password")
    assert _signed_in(settings, cookie) == "public"


def test_a_disabled_account_is_signed_out_at_once(engine, settings, cookie):
    with unit_of_work(engine) as s:
        accounts.set_active(s, CLI, "officer", False)
    assert _signed_in(settings, cookie) == "public"
    with unit_of_work(engine) as s:
        accounts.set_active(s, CLI, "officer", True)
    # Enabling again does not bring the old session back.
    assert _signed_in(settings, cookie) == "public"


def test_a_lock_out_ends_every_session(engine, settings, cookie):
    with client_as(settings, None, base_url="https://testserver") as c:
        for _ in range(settings.login_max_failures):
            r = _login(c, password="wrong password")
        assert r.status_code == 423
    assert _signed_in(settings, cookie) == "public"


def test_an_administrator_ends_all_sessions(engine, settings, cookie):
    r = CliRunner().invoke(cli, ["accounts", "end-sessions", "officer"], obj=settings)
    assert r.exit_code == 0, r.output
    assert "1" in r.output
    assert _signed_in(settings, cookie) == "public"
    with unit_of_work(engine) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "session.end_all"))
        assert entry is not None and json.loads(entry.details)["sessions_ended"] == 1


def test_an_expired_session_signs_nobody_in(engine, settings, cookie):
    # The server decides when a session ends, whatever the cookie's own max-age says.
    with unit_of_work(engine) as s:
        s.execute(update(WebSession).values(expires_at=clock.now() - timedelta(seconds=1)))
    assert _signed_in(settings, cookie) == "public"
