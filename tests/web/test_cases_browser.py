"""A data officer decides an objection in a real browser (Playwright driving Debian's Chromium
on a phone-sized screen, no script of the site's own), against a uvicorn server over the test
database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.accounts.helpers import make_account
from tests.factories import PROVIDER, penalty
from tests.ingest.helpers import push
from tests.web.conftest import serving
from tests.web.test_cases_pages import DOC2, PDF, SUBJECT
from xinyong.accounts import Role
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"


@pytest.fixture
def objection_id(engine, settings) -> int:
    push(engine, settings, "penalty", [penalty(document_number=DOC2)])
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id))
        assert rid is not None
        o = objections.file_objection(
            s, SUBJECT, objections.Filing("record", rid, "罚款金额登记有误,应为1000元",
                                          (Upload("缴款凭证.pdf", PDF),)),
            clocks=load_clocks(), calendar=load_calendar(s), secret=settings.secret_key)
        return o.id


def test_a_data_officer_decides_an_objection_from_the_queue(browser, engine, settings,
                                                             objection_id):
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement", department_name="示范市市场监督管理局")

    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=False,
                                      viewport={"width": 390, "height": 844})  # a phone
        page = context.new_page()
        page.goto("/cases/objections")
        page.get_by_label("用户名").fill("sjj")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert page.locator("h1").inner_text() == "异议办理"

        entry = page.locator(".results li").filter(has_text=DOC2)
        assert "异议处理中（提供单位核查）" in entry.inner_text()
        entry.get_by_role("link", name=f"异议 #{objection_id}").click()
        # The click starts a navigation: wait for the objection page rather than read the
        # document mid-load (page.content() is empty then).
        page.wait_for_url(f"**/cases/objections/{objection_id}")
        expect(page.locator("main")).to_contain_text("罚款金额登记有误")
        assert page.get_by_role("link", name="缴款凭证.pdf").is_visible()
        # Nothing wider than the phone: the page reads without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # Without reasons the browser itself asks for them (required): no request is sent.
        page.get_by_label("维持原记录").check()
        page.get_by_role("button", name="提交处理结果").click()
        assert "异议处理中" in page.locator("h1").inner_text()
        page.get_by_label("处理理由（将告知异议人）").fill("经核实,罚款金额与处罚决定书一致")
        page.get_by_role("button", name="提交处理结果").click()
        assert page.locator("h1").inner_text() == f"异议 #{objection_id}：维持原记录"
        assert "处理结果已保存" in page.locator("main [role=status]").first.inner_text()
        assert page.get_by_role("button", name="提交处理结果").count() == 0

        page.get_by_role("link", name="异议办理").click()
        page.get_by_label("办理状态").select_option("kept")
        page.get_by_role("button", name="筛选").click()
        assert "维持原记录" in page.locator(".results li").filter(has_text=DOC2).inner_text()
        context.close()
