"""A proposed listing in a real browser (Playwright driving Debian's Chromium, against a uvicorn
server over the test database, SQLite and PostgreSQL): the enterprise sees it on /me with its
notice and deadline and submits its statement with a PDF; the department sees the statement on
its case page and cannot decide during the period; after the decision and publication the
entry is on the public column and on the enterprise's credit file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.accounts.helpers import make_account
from tests.factories import COMPANY, PROVIDER
from tests.lists.helpers import add_subject, proposal
from tests.web.conftest import serving
from xinyong.accounts import Actor, Role
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.lists import decide, notify, propose, publish

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"
NAME = "示范市华盛食品有限公司"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEPT = Actor(role=Role.DATA_OFFICER, name="王科员", department_uscc=PROVIDER,
             department_class="enforcement", department_name="示范市市场监督管理局")


def _login(page: Any, path: str, name: str) -> None:
    page.goto(path)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_enterprise_answers_its_proposed_listing_and_then_sees_it_published(
        browser, engine, settings):
    today = clock.today()
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, NAME)
        entry = propose(s, proposal(uscc=COMPANY), DEPT, today=today)
        notify(s, entry.id, DEPT, "已通过平台送达告知书", today=today)
        entry_id, deadline = entry.id, entry.statement_until
    assert deadline is not None
    make_account(engine, "huasheng", Role.SUBJECT, password=PASSWORD, subject=COMPANY)
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement", department_name="示范市市场监督管理局")
    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        company = browser.new_context(base_url=url, locale="zh-CN",
                                      viewport={"width": 390, "height": 844})
        page = company.new_page()
        _login(page, "/me", "huasheng")
        row = page.locator("#list-" + str(entry_id))
        assert "已告知" in row.inner_text() and deadline.isoformat() in row.inner_text()
        with page.expect_download() as dl:
            row.get_by_role("link", name="告知书（PDF）").click()
        assert dl.value.suggested_filename.endswith(".pdf")
        row.get_by_role("link", name="提交陈述申辩").click()
        page.get_by_label("陈述申辩的事实和理由").fill(
            "涉案批次食品系供应商提供，本公司已履行进货查验义务，请求不予列入。")
        page.get_by_label("证明材料").set_input_files(files=[
            {"name": "进货查验记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_role("button", name="提交陈述申辩").click()
        assert "陈述申辩已提交" in page.get_by_role("status").inner_text()
        assert page.get_by_role("link", name="进货查验记录.pdf").is_visible()

        dept = browser.new_context(base_url=url, locale="zh-CN")
        staff = dept.new_page()
        _login(staff, "/cases/lists", "sjj")
        assert staff.locator("h1").inner_text() == "名单办理"
        item = staff.locator(".results li").filter(has_text=NAME)
        assert "待审查陈述申辩 1 份" in item.inner_text()
        item.get_by_role("link", name=f"名单记录 #{entry_id} · {NAME}").click()
        assert "请求不予列入" in staff.content()
        staff.get_by_label("列入", exact=True).check()
        staff.get_by_label("对陈述申辩的审查和采纳情况（必填，载入认定决定书）").fill(
            "当事人未能提供供货者许可证和合格证明，理由不成立。")
        staff.get_by_label("决定理由").fill("事实清楚、证据确凿")
        staff.get_by_role("button", name="作出决定").click()
        assert "期内不得作出列入决定" in staff.get_by_role("alert").inner_text()
        dept.close()

        # After the period the department decides, considering the statement, and publishes.
        later = deadline + timedelta(days=1)
        with unit_of_work(engine) as s:
            decide(s, entry_id, DEPT, "listed", "事实清楚",
                   consideration="当事人未能提供供货者许可证和合格证明，理由不成立。",
                   today=later)
            publish(s, entry_id, DEPT, "在信用中国（示范市）公示", today=later)
        page.goto("/me")
        row = page.locator("#list-" + str(entry_id))
        assert "已公示" in row.inner_text()
        assert row.get_by_role("link", name="认定决定书（PDF）").is_visible()

        public = browser.new_context(base_url=url, locale="zh-CN")
        site = public.new_page()
        site.goto(f"/lists/serious_dishonesty?as_of={later.isoformat()}")
        assert site.locator("h1").inner_text() == "严重失信主体名单专栏"
        listed = site.locator("tr#entry-" + str(entry_id))
        assert "示市监处罚〔2026〕88号" in listed.inner_text()
        listed.get_by_role("link", name=NAME).click()
        assert site.locator("h1").inner_text() == NAME
        section = site.locator("#list-entry-" + str(entry_id))
        assert "严重失信主体名单" in section.inner_text()
        assert "《市场监督管理严重违法失信名单管理办法》" in section.inner_text()
        # The day before the publication nothing of it was public.
        site.goto(f"/lists/serious_dishonesty?as_of={deadline.isoformat()}")
        assert site.locator("tr#entry-" + str(entry_id)).count() == 0
        public.close()
        company.close()
