"""Staff case pages (/cases/objections, /cases/repairs) through the HTTP layer, on SQLite and
PostgreSQL: who sees which queue, due dates and overdue marks, each action a data officer or
the credit office takes from a form, refusals shown on the page (422), and the CSRF token."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts.helpers import ACTORS, make_account
from tests.factories import COMPANY, COMPANY_2, PROVIDER, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import proposal
from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.audit import AuditEntry
from xinyong.core import clock
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.lists import propose
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks
from xinyong.repair import service as repair

TODAY = clock.today()
REPAIRABLE = TODAY - timedelta(days=200)  # 一般 under Order 36: past its 3-month minimum
DOC1, DOC2, DOC3 = ("示市监处罚〔2026〕1号", "示市监处罚〔2026〕2号", "示市监处罚〔2026〕3号")
LATE_FILED = date(2026, 9, 29)  # decided within 5 working days of routing: by 2026-10-12
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY, client="testclient")
OFFICER = Actor(role=Role.DATA_OFFICER, name="市场监管数据员", department_uscc=PROVIDER,
                department_class="enforcement", department_name="示范市市场监督管理局",
                client="testclient")
OTHER_OFFICER = Actor(role=Role.DATA_OFFICER, name="税务数据员", department_uscc=COMPANY_2,
                      department_class="enforcement", department_name="示范市税务局",
                      client="testclient")
ADMIN = ACTORS[Role.ADMIN]
PASSWORD = "Correct-Horse-7"


def web(settings: Settings, actor: Actor | None = None, **kw: object) -> TestClient:
    app = create_app(settings)
    if actor is not None:
        app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app, **kw)  # type: ignore[arg-type]


def _rid(engine, document_number: str) -> int:
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id).where(Record.natural_key == document_number))
    assert rid is not None
    return rid


def _file(engine, settings, rid: int, *, today: date | None = None,
          target: str = "record") -> int:
    with unit_of_work(engine) as s:
        o = objections.file_objection(
            s, SUBJECT, objections.Filing(target, rid, "罚款金额登记有误,应为1000元",
                                          (Upload("缴款凭证.pdf", PDF),)),
            clocks=load_clocks(), calendar=load_calendar(s), secret=settings.secret_key,
            today=today)
        return o.id


def _apply(engine, rid: int, *, today: date | None = None) -> int:
    with unit_of_work(engine) as s:
        app = repair.apply(s, SUBJECT, repair.Application(
            rid, "已缴清全部罚款并完成整改", True, (Upload("罚款缴纳凭证.pdf", PDF),)),
            calendar=load_calendar(s), today=today)
        return app.id


@pytest.fixture
def records(engine, settings) -> dict[str, int]:
    """DOC1 old enough to be repaired; DOC2 recent; DOC3 decided before the National Day
    holiday (its objection, filed then, is long overdue)."""
    _summary, problems = push(engine, settings, "penalty", [
        penalty(document_number=DOC1, decision_date=REPAIRABLE.isoformat(),
                penalty_valid_until=(REPAIRABLE + timedelta(days=365)).isoformat()),
        penalty(document_number=DOC2),
        penalty(document_number=DOC3, decision_date="2026-09-01")],
        received_on=TODAY, today=TODAY)
    assert not problems, problems
    return {d: _rid(engine, d) for d in (DOC1, DOC2, DOC3)}


def _item(html: str, heading: str) -> str:
    """The queue entry whose heading starts with `heading`."""
    found = [li for li in html.split("<li>") if f">{heading} " in li]
    assert len(found) == 1, heading
    return found[0]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# -- objections ---------------------------------------------------------------------------

def test_the_officer_queue_shows_due_dates_and_marks_the_overdue(engine, settings, records):
    fresh = _file(engine, settings, records[DOC2])
    late = _file(engine, settings, records[DOC3], today=LATE_FILED)
    with web(settings, OFFICER) as c:
        r = c.get("/cases/objections")
        assert r.status_code == 200
        assert '<a href="/cases/objections" aria-current="page">异议办理</a>' in r.text
        first = _text(_item(r.text, f"异议 #{fresh}"))
        assert "示范市华盛食品有限公司" in first and DOC2 in first
        with unit_of_work(engine) as s:
            o = s.get(objections.Objection, fresh)
            assert o is not None and o.decide_due is not None
            due = o.decide_due.isoformat()
        assert f"提出日期{TODAY.isoformat()}" in first and f"办结时限{due}" in first
        assert "已超期" not in first
        overdue = _text(_item(r.text, f"异议 #{late}"))
        assert "2026-09-29" in overdue
        assert "【已超期】核查办结时限 2026-10-12" in overdue and "个工作日" in overdue
        # The filter: closed ones only, every state, and an unknown state explained.
        assert "共 0 件" in c.get("/cases/objections?state=kept").text
        assert "共 2 件" in c.get("/cases/objections?state=all").text
        bad = c.get("/cases/objections?state=bogus")
        assert bad.status_code == 422 and "未知的异议状态「bogus」" in bad.text
    # Another department sees none of them, and cannot open one.
    with web(settings, OTHER_OFFICER) as c:
        assert "共 0 件" in c.get("/cases/objections?state=all").text
        r = c.get(f"/cases/objections/{fresh}")
        assert r.status_code == 404 and f"异议 {fresh} 不存在" in r.text


def test_the_providing_department_decides_and_a_refusal_is_shown_on_the_page(
        engine, settings, records):
    oid = _file(engine, settings, records[DOC2])
    with web(settings, OFFICER) as c:
        page = c.get(f"/cases/objections/{oid}")
        assert page.status_code == 200 and "罚款金额登记有误,应为1000元" in page.text
        assert 'name="csrf_token"' in page.text and 'value="kept"' in page.text
        assert "转办</h2>" not in page.text  # routing is the credit office's
        link = re.search(r'href="(/api/v1/objections/\d+/attachments/\d+)"', page.text)
        assert link is not None and c.get(link.group(1)).content == PDF
        # No reasons: the service refuses, the page says why, nothing changes.
        r = c.post(f"/cases/objections/{oid}/decision", data={"outcome": "kept", "reasons": ""})
        assert r.status_code == 422 and "请填写处理理由" in r.text
        assert "异议处理中（提供单位核查）" in r.text
        r = c.post(f"/cases/objections/{oid}/decision", data={"reasons": "核实无误"})
        assert r.status_code == 422 and "请选择处理结果" in r.text
        assert "核实无误" in r.text  # what was typed is kept
        r = c.post(f"/cases/objections/{oid}/decision",
                   data={"outcome": "kept", "reasons": "经核实,罚款金额与决定书一致"},
                   follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/cases/objections/{oid}?done=decide"
        done = c.get(r.headers["location"])
        assert f"<h1>异议 #{oid}：维持原记录</h1>" in done.text
        assert "处理结果已保存" in done.text and "经核实,罚款金额与决定书一致" in done.text
        assert "核查处理 → 维持原记录" in done.text and 'name="outcome"' not in done.text
        again = c.post(f"/cases/objections/{oid}/decision",
                       data={"outcome": "revoked", "reasons": "撤销"})
        assert again.status_code == 422 and "已办结" in again.text
    with unit_of_work(engine) as s:
        actions = list(s.scalars(select(AuditEntry.action)))
    assert "objection.decide" in actions and "objection.record_read" in actions
    with web(settings, OTHER_OFFICER) as c:
        r = c.post(f"/cases/objections/{oid}/decision",
                   data={"outcome": "revoked", "reasons": "撤销"})
        assert r.status_code == 404


def test_a_correction_from_the_form_writes_a_new_version(engine, settings, records):
    oid = _file(engine, settings, records[DOC2])
    with web(settings, OFFICER) as c:
        page = c.get(f"/cases/objections/{oid}")
        assert "罚款金额(万元)" in page.text and "现值：0.2" in page.text
        r = c.post(f"/cases/objections/{oid}/decision", data={
            "outcome": "corrected", "reasons": "更正", "change_document_number": "新文号"})
        assert r.status_code == 422 and "更正不能改变记录的标识字段" in r.text
        r = c.post(f"/cases/objections/{oid}/decision", data={
            "outcome": "corrected", "reasons": "罚款金额录入错误,已按决定书更正",
            "change_fine_amount": "0.1", "change_penalty_content": ""})
        assert r.status_code == 200 and f"<h1>异议 #{oid}：已更正</h1>" in r.text
        assert "更正后为第 2 版" in r.text
    with unit_of_work(engine) as s:
        record = s.get(Record, records[DOC2])
        assert record is not None and record.version == 2
        assert str(record.data["fine_amount"]) == "0.1"
        assert record.data["penalty_content"] == "警告,并处罚款2000元"  # empty: unchanged


def test_the_credit_office_routes_an_objection_that_names_no_department(
        engine, settings, records):
    with unit_of_work(engine) as s:
        entry = propose(s, proposal(), Actor(role=Role.ADMIN, name="信用办"))  # no department
        entry_id = entry.id
    oid = _file(engine, settings, entry_id, target="list_entry")
    with web(settings, OFFICER) as c:
        assert "共 0 件" in c.get("/cases/objections").text
        assert c.get(f"/cases/objections/{oid}").status_code == 404
    with web(settings, ADMIN) as c:
        queue = _text(_item(c.get("/cases/objections").text, f"异议 #{oid}"))
        assert "待信用办转办" in queue and "示市监处罚〔2026〕88号" in queue
        page = c.get(f"/cases/objections/{oid}")
        assert f'<option value="{PROVIDER}">示范市市场监督管理局' in page.text
        r = c.post(f"/cases/objections/{oid}/route", data={"provider_uscc": ""})
        assert r.status_code == 422 and "请选择转办的数据提供单位" in r.text
        r = c.post(f"/cases/objections/{oid}/route", data={"provider_uscc": COMPANY_2})
        assert r.status_code == 422 and f"数据提供单位 {COMPANY_2} 不存在" in r.text
        r = c.post(f"/cases/objections/{oid}/route", data={"provider_uscc": PROVIDER})
        assert r.status_code == 200 and "异议处理中（提供单位核查）" in r.text
        assert "已转办" in r.text
    with web(settings, OFFICER) as c:
        page = c.get(f"/cases/objections/{oid}")
        assert page.status_code == 200 and 'value="revoked"' in page.text
        assert 'value="corrected"' not in page.text  # a list entry is corrected by the lists


# -- repair applications ------------------------------------------------------------------

def test_the_department_accepts_approves_and_finds_a_broken_commitment(
        engine, settings, records):
    rid = records[DOC1]
    app_id = _apply(engine, rid, today=TODAY - timedelta(days=60))
    with web(settings, OFFICER) as c:
        queue = c.get("/cases/repairs")
        assert '<a href="/cases/repairs" aria-current="page">修复办理</a>' in queue.text
        row = _text(_item(queue.text, f"修复申请 #{app_id}"))
        assert DOC1 in row and "已推送至认定单位" in row and "【已超期】受理时限" in row
        page = c.get(f"/cases/repairs/{app_id}")
        assert "已缴清全部罚款并完成整改" in page.text and "罚款缴纳凭证.pdf" in page.text
        assert f'action="/cases/repairs/{app_id}/accept"' in page.text
        assert f'action="/cases/repairs/{app_id}/approve"' not in page.text
        r = c.post(f"/cases/repairs/{app_id}/refuse", data={"reasons": "材料不全"})
        assert r.status_code == 422 and "理由类别应为" in r.text and "材料不全" in r.text
        r = c.post(f"/cases/repairs/{app_id}/approve", data={"reasons": "准予"})
        assert r.status_code == 422 and "不能作出准予修复决定" in r.text
        r = c.post(f"/cases/repairs/{app_id}/accept", follow_redirects=False)
        assert r.headers["location"] == f"/cases/repairs/{app_id}?done=accept"
        page = c.get(r.headers["location"])
        assert f"<h1>信用修复申请 #{app_id}：已受理</h1>" in page.text
        assert f'action="/cases/repairs/{app_id}/reject"' in page.text
        assert c.get(f"/records/{rid}").status_code == 200  # still public
        r = c.post(f"/cases/repairs/{app_id}/approve", data={"reasons": "已履行处罚决定"})
        assert r.status_code == 200 and "准予修复</h1>" in r.text and "停止公示" in r.text
        assert c.get(f"/records/{rid}").status_code == 404  # left the public site at once
        assert "共 0 件" in c.get("/cases/repairs").text  # nothing left to do
        assert "共 1 件" in c.get("/cases/repairs?state=approved").text
        r = c.post(f"/cases/repairs/{app_id}/commitment-broken",
                   data={"reasons": "修复后再次发生同类违法行为"})
        assert r.status_code == 200 and "已违反" in r.text
        assert c.get(f"/records/{rid}").status_code == 200  # published again
        r = c.post(f"/cases/repairs/{app_id}/bogus", data={})
        assert r.status_code == 422 and "没有“bogus”这一办理步骤" in r.text
    with web(settings, OTHER_OFFICER) as c:
        assert "共 0 件" in c.get("/cases/repairs?state=all").text
        assert c.get(f"/cases/repairs/{app_id}").status_code == 404
        assert c.post(f"/cases/repairs/{app_id}/accept").status_code == 404
    with web(settings, ADMIN) as c:
        assert "共 1 件" in c.get("/cases/repairs?state=all").text


def test_a_refusal_and_a_rejection_carry_their_code(engine, settings, records):
    app_id = _apply(engine, records[DOC1])
    with web(settings, OFFICER) as c:
        r = c.post(f"/cases/repairs/{app_id}/refuse",
                   data={"code": "materials_incomplete", "reasons": "缺少罚款缴纳凭证原件"})
        assert r.status_code == 200 and "不予受理</h1>" in r.text
        assert "材料不齐全" in r.text and "缺少罚款缴纳凭证原件" in r.text
        assert "<form" not in r.text.split("办理过程")[1]  # nothing left to do
        assert "共 1 件" in c.get("/cases/repairs?state=refused").text


# -- who may use the pages ----------------------------------------------------------------

def test_anonymous_users_log_in_first_and_others_are_refused(engine, settings, records):
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement", department_name="示范市市场监督管理局")
    with web(settings, base_url="https://testserver") as c:
        r = c.get("/cases/objections?state=all", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=/cases/objections%3Fstate%3Dall"
        login = c.get(r.headers["location"])
        csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"name": "sjj", "password": PASSWORD, "csrf_token": csrf,
                                   "next": "/cases/objections?state=all"},
                   follow_redirects=False)
        assert r.headers["location"] == "/cases/objections?state=all"
        assert c.get(r.headers["location"]).status_code == 200
        assert c.get("/cases/repairs/1", follow_redirects=False).status_code == 404
    for actor in (SUBJECT, ACTORS[Role.CASE_OFFICER], ACTORS[Role.INSPECTOR]):
        with web(settings, replace(actor, account_id=7)) as c:  # signed in
            r = c.get("/cases/objections")
            assert r.status_code == 403 and "当前账户无权办理异议" in r.text
            r = c.get("/cases/repairs/1")
            assert r.status_code == 403 and "当前账户无权办理信用修复申请" in r.text
            r = c.post("/cases/objections/1/decision", data={"outcome": "kept"})
            assert r.status_code == 403


def test_forms_need_the_sessions_csrf_token(engine, settings, records):
    oid = _file(engine, settings, records[DOC2])
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement")
    with web(settings, base_url="https://testserver") as c:
        csrf = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        c.post("/login", data={"name": "sjj", "password": PASSWORD, "csrf_token": csrf})
        page = c.get(f"/cases/objections/{oid}").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        data = {"outcome": "kept", "reasons": "经核实无误"}
        r = c.post(f"/cases/objections/{oid}/decision", data=data)
        assert r.status_code == 403 and "CSRF" in r.text  # the site's 403 page
        r = c.post(f"/cases/objections/{oid}/decision", data={**data, "csrf_token": "forged"})
        assert r.status_code == 403
        r = c.post(f"/cases/objections/{oid}/decision", data={**data, "csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 303
