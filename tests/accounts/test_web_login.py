"""Web login: CSRF on forms, lock-out after repeated failures, cookie-authenticated API calls
need the CSRF token too."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.accounts.helpers import client_as, make_account
from tests.factories import PROVIDER, penalty
from xinyong.accounts import Role
from xinyong.audit import AuditEntry
from xinyong.core.db import unit_of_work

PASSWORD = "正确的密码 horse"


def _csrf(c) -> str:
    return c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]


def _login(c, name: str, password: str, csrf: str | None = None):
    return c.post("/login", data={"name": name, "password": password,
                                  "csrf_token": csrf if csrf is not None else _csrf(c),
                                  "next": "/login"}, follow_redirects=False)


def test_login_and_logout(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement")
    with client_as(settings, None, base_url="https://testserver") as c:
        r = _login(c, "officer", PASSWORD)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
        assert c.get("/api/v1/me").json()["role"] == "data_officer"
        # Signed in, the login page sends the account on to its home page (数据报送 for a
        # data officer), whose header says who is signed in and offers the logout form.
        page = c.get("/login")
        assert page.url.path == "/uploads" and "<h1>数据报送</h1>" in page.text
        assert "officer（数据报送员" in page.text and "退出登录" in page.text
        assert c.post("/logout", data={"csrf_token": _csrf(c)},
                      follow_redirects=False).status_code == 303
        assert c.get("/api/v1/me").json()["role"] == "public"


def test_forms_without_the_csrf_token_are_refused(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement")
    with client_as(settings, None, base_url="https://testserver") as c:
        _csrf(c)
        assert _login(c, "officer", PASSWORD, csrf="forged").status_code == 403
        assert _login(c, "officer", PASSWORD, csrf="").status_code == 403
        assert c.get("/api/v1/me").json()["role"] == "public"
        assert _login(c, "officer", PASSWORD).status_code == 303
        # A cookie-authenticated API write without the header is refused, with it accepted.
        r = c.post("/api/v1/batches/penalty", json=[penalty()])
        assert r.status_code == 403 and r.json()["code"] == "csrf_invalid"
        r = c.post("/api/v1/batches/penalty", json=[penalty()],
                   headers={"X-CSRF-Token": _csrf(c)})
        assert r.status_code == 200, r.text
        assert c.post("/logout", data={}).status_code == 403


def test_five_failures_lock_the_account(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement")
    with client_as(settings, None, base_url="https://testserver") as c:
        for _ in range(settings.login_max_failures - 1):
            r = _login(c, "officer", "wrong password")
            assert r.status_code == 401 and "用户名或密码错误" in r.text
        r = _login(c, "officer", "wrong password")
        assert r.status_code == 423 and "锁定" in r.text
        # Locked: even the right password is refused.
        r = _login(c, "officer", PASSWORD)
        assert r.status_code == 423
        assert c.get("/api/v1/me").json()["role"] == "public"
    with unit_of_work(engine) as s:
        locked = s.scalar(select(AuditEntry).where(AuditEntry.action == "account.locked"))
        assert locked is not None and json.loads(locked.details)["minutes"] == 15


def test_the_lock_expires(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement")
    short = settings.model_copy(update={"login_lockout_minutes": 0, "login_max_failures": 2})
    with client_as(short, None, base_url="https://testserver") as c:
        _login(c, "officer", "x")
        _login(c, "officer", "x")
        assert _login(c, "officer", PASSWORD).status_code == 303


def test_unknown_users_get_the_same_answer(engine, settings):
    with client_as(settings, None, base_url="https://testserver") as c:
        r = _login(c, "nobody", "whatever")
    assert r.status_code == 401 and "用户名或密码错误" in r.text
