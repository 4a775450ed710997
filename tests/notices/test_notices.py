"""Notices (通知公告): the credit office writes, publishes and withdraws them (web page, API,
CLI, all audited); the public sees the published ones on the home page and /notices."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS, CLI, client_as
from xinyong import notices
from xinyong.accounts import Role
from xinyong.audit import AuditEntry
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden, Invalid

ADMIN = replace(ACTORS[Role.ADMIN], account_id=1)


def test_only_the_credit_office_writes_notices_and_every_change_is_audited(engine):
    with unit_of_work(engine) as s:
        with pytest.raises(Forbidden):
            notices.create(s, ACTORS[Role.DATA_OFFICER], notices.NoticeInput("标题", "正文"))
        with pytest.raises(Invalid) as exc:
            notices.create(s, CLI, notices.NoticeInput(" ", ""))
        assert [p.field for p in exc.value.errors] == ["title", "body"]
        n = notices.create(s, CLI, notices.NoticeInput("  关于开展信用修复培训的通知 ",
                                                       "各单位：\n\n定于下周举办。"))
        assert n.state == notices.DRAFT and n.title == "关于开展信用修复培训的通知"
        assert notices.list_published(s) == ([], 0)
        notices.set_state(s, CLI, n.id, notices.PUBLISHED)
        assert notices.list_published(s)[1] == 1 and n.published_on is not None
        notices.update(s, CLI, n.id, notices.NoticeInput("关于开展信用修复培训的通知（更新）",
                                                         "时间改为下月。"))
        notices.set_state(s, CLI, n.id, notices.WITHDRAWN)
        assert notices.list_published(s) == ([], 0)
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
        assert actions == ["notice.create", "notice.publish", "notice.update",
                           "notice.withdraw"]


def test_the_manage_page_publishes_and_the_home_page_shows_it(engine, settings):
    with client_as(settings, ADMIN) as c:
        page = c.get("/notices/manage").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/notices/manage", data={"title": "2027年度信用修复工作安排",
                                            "body": "第一段。\n\n第二段。", "publish": "yes",
                                            "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        assert "已保存" in c.get(r.headers["location"]).text
        bad = c.post("/notices/manage", data={"title": "", "body": "x", "csrf_token": token})
        assert bad.status_code == 422 and "标题必须填写" in bad.text
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        home = c.get("/").text
        assert "2027年度信用修复工作安排" in home.split('id="notices-h"')[1]
        listed = c.get("/api/v1/notices").json()
        assert listed["total"] == 1
        nid = listed["items"][0]["id"]
        page = c.get(f"/notices/{nid}").text
        assert "<p>第一段。</p>" in page and "<p>第二段。</p>" in page
        assert c.get("/notices/manage").status_code == 200  # anonymous: the login page
        assert c.get("/notices/manage", follow_redirects=False).status_code == 303
    with client_as(settings, replace(ACTORS[Role.DATA_OFFICER], account_id=2)) as c:
        assert c.get("/notices/manage").status_code == 403


def test_the_api_and_the_cli_manage_notices(engine, settings):
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        r = c.post("/api/v1/notices", json={"title": "接口发布的公告", "body": "正文",
                                            "publish": True})
        assert r.status_code == 201 and r.json()["state_label"] == "已发布"
        nid = r.json()["id"]
        r = c.post(f"/api/v1/notices/{nid}/state", json={"state": "withdrawn"})
        assert r.json()["state"] == "withdrawn"
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        assert c.get(f"/api/v1/notices/{nid}").status_code == 404
        # Nobody signed in: 401 (no credentials), not 403.
        assert c.post("/api/v1/notices", json={"title": "x", "body": "y"}).status_code == 401
    with client_as(settings, ACTORS[Role.SUBJECT]) as c:
        assert c.post("/api/v1/notices", json={"title": "x", "body": "y"}).status_code == 403
    env = {"XINYONG_DATABASE_URL": settings.database_url, "XINYONG_ENVIRONMENT": "test",
           "XINYONG_SECRET_KEY": settings.secret_key}
    runner = CliRunner()
    added = runner.invoke(cli, ["notices", "add", "--title", "命令行公告", "--body", "正文",
                                "--publish", "--operator", "root"], env=env)
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["notices", "list", "--json"], env=env)
    rows = json.loads(listed.output)
    assert [(r["title"], r["state"]) for r in rows][0] == ("命令行公告", "published")
    with unit_of_work(engine) as s:
        who = s.scalar(select(AuditEntry.actor_name).where(AuditEntry.action == "notice.create")
                       .order_by(AuditEntry.seq.desc()))
        assert who == "root"
