"""Issue 18 in a real browser: an inspector's department draws a sample and records a
result, which the public then finds on the subject's credit file (抽查结果公示 as a record);
the subject sees its grade and the explanation on /me."""

from __future__ import annotations

from datetime import date

import pytest

from tests.accounts.helpers import make_account
from tests.factories import COMPANY, PROVIDER
from tests.grading.helpers import penalties, registered
from tests.web.conftest import serving
from xinyong.accounts import Role
from xinyong.core.db import unit_of_work
from xinyong.grading import run

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_inspectors_draw_and_record_and_the_subject_sees_its_grade(browser, engine, settings):
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])
    registered(engine, COMPANY, date(2020, 1, 1))
    with unit_of_work(engine) as s:
        run(s, as_of=date(2026, 12, 1))
    for name in ("jcy1", "jcy2"):
        make_account(engine, name, Role.INSPECTOR, password=PASSWORD, department=PROVIDER,
                     department_class="enforcement", department_name="示范市市场监督管理局")
    make_account(engine, "company", Role.SUBJECT, password=PASSWORD, subject=COMPANY)

    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        page.goto("/inspections")
        page.get_by_label("用户名").fill("jcy1")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert page.locator("h1").inner_text() == "双随机抽查"
        page.get_by_label("检查事项").select_option("annual_report")
        page.get_by_label("随机种子（可不填）").fill("20261205")
        page.get_by_role("button", name="抽取").click()
        assert page.locator("#seed").inner_text() == "20261205"
        row = page.locator("#tasks tbody tr").first
        assert "示范市华盛食品有限公司" in row.inner_text() and "B" in row.inner_text()
        row.get_by_label("检查结果").select_option("发现问题已责令整改")
        row.get_by_role("button", name="记录结果").click()
        assert "发现问题已责令整改" in page.locator("#tasks").inner_text()
        page.goto("/inspections/results")
        assert "发现问题已责令整改" in page.locator("main").inner_text()
        context.close()

        # Anyone: the subject's public credit file shows the result, with its source.
        context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        page.goto(f"/subjects/{COMPANY}")
        shown = page.locator("main").inner_text()
        assert "双随机抽查结果信息" in shown and "发现问题已责令整改" in shown
        assert "示范市市场监督管理局" in shown
        context.close()

        context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        page.goto("/me")
        page.get_by_label("用户名").fill("company")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="查看本主体的信用评价结果及说明").click()
        assert page.locator("#grade-letter").inner_text() == "B"
        assert page.locator("#grade-score").inner_text() == "77.00"
        explained = page.locator("#grade-explained").inner_text()
        assert "一般失信行政处罚" in explained and "-8.00" in explained
        assert "信用修复" in page.locator("#advice").inner_text()
        context.close()
