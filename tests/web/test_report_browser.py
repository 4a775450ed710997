"""Issue 17 in a real browser: an enterprise signs in, downloads its credit report (PDF) from
the report page, and the verification page accepts the downloaded file."""

from __future__ import annotations

import pytest

from tests.factories import COMPANY, penalty
from tests.ingest.helpers import push
from tests.web.conftest import RECEIVED, serving

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def test_an_enterprise_downloads_its_report_and_the_verification_page_accepts_it(
        browser, engine, settings, tmp_path):
    from tests.accounts.helpers import make_account
    from xinyong.accounts import Role

    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    make_account(engine, "huasheng", Role.SUBJECT, password="Correct-Horse-7", subject=COMPANY)
    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        context = browser.new_context(base_url=url, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.goto("/me")
        page.get_by_label("用户名").fill("huasheng")
        page.get_by_label("密码").fill("Correct-Horse-7")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="申请本主体信用报告").click()
        assert "信用报告" in page.locator("h1 + p").inner_text()
        with page.expect_download() as info:
            page.locator("#download-pdf").click()
        saved = tmp_path / "report.pdf"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")

        page.goto("/reports/verify")
        page.locator("#report-file").set_input_files(str(saved))
        page.locator("#verify-upload").click()
        verdict = page.locator("#verdict-h").inner_text()
        assert verdict.startswith("有效"), verdict
        assert COMPANY in page.locator("dl.facts").first.inner_text()
        context.close()
