"""The credit office opens the scorecard, follows a shortfall to its records and downloads
the quarterly report, in a real browser (no script of the site's own), on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import make_account
from tests.monitoring.dataset import build
from tests.monitoring.test_indicators import ADMIN
from tests.web.conftest import serving
from xinyong import monitoring
from xinyong.accounts import Role
from xinyong.core.db import unit_of_work

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"


def test_credit_office_scorecard_shortfall_and_quarterly_report(browser, engine, settings):
    with unit_of_work(engine) as session:
        build(session)
        for period in ("2026-11", "2026-Q4"):
            monitoring.compute(session, ADMIN, period)
    make_account(engine, "xyb", Role.ADMIN, password=PASSWORD)
    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        context = browser.new_context(base_url=url, locale="zh-CN", java_script_enabled=False,
                                      accept_downloads=True)
        page = context.new_page()
        page.goto("/monitoring?period=2026-11")
        page.get_by_label("用户名").fill("xyb")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert page.locator("h1").inner_text() == "信用监测与考核"
        assert page.locator("svg.chart").count() >= 5  # trend charts, server-rendered
        row = page.locator("tr").filter(has_text="示范市行政审批局")
        row.get_by_role("link", name="0.00%（未达标）").first.click()
        assert page.locator("h1").inner_text() == "迟报记录（超过7个工作日报送）"
        assert "示范企业2有限公司" in page.locator("table").inner_text()
        page.get_by_role("link", name="返回考核表").click()
        with page.expect_download() as info:
            page.get_by_role("link", name="区域信用环境状况监测报告（PDF）").click()
        download = info.value
        assert download.suggested_filename.endswith("区域信用环境状况监测报告.pdf")
        with open(download.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"
        context.close()
