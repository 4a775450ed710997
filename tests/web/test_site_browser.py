"""Each role's way from login to its main task, the phone layout and the error pages, in a
real browser (Playwright driving Debian's Chromium; one browser and one server per session).
A failed test keeps screenshots of its pages (see conftest: tmp/artefacts)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.accounts.helpers import make_account
from tests.factories import COMPANY, PROVIDER, penalty
from xinyong.accounts import Role

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"
PHONE = {"width": 390, "height": 844}


def _login(page, name: str) -> None:
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _work_menu(page) -> list[str]:
    return page.locator('nav.work a').all_inner_texts()


def test_the_public_searches_and_opens_a_credit_file_on_a_phone(site_data, live_server,
                                                                open_page):
    page = open_page(live_server, **PHONE)
    page.goto("/?as_of=2026-12-01")
    assert page.get_by_role("banner").get_by_role("link", name="登录").is_visible()
    assert _work_menu(page) == []
    page.get_by_label("查询信用主体").fill("华盛")
    page.get_by_role("button", name="查询").click()
    first = page.locator(".results li").filter(has_text=COMPANY)
    assert "有行政处罚信息（1 条公示中）" in first.inner_text()
    first.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "示范市华盛食品有限公司"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_phone_shows_column_rows_as_cards_with_unbroken_dates(site_data, live_server,
                                                                  open_page):
    page = open_page(live_server, **PHONE)
    page.goto("/columns/penalty?as_of=2026-12-01")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator("table.cards tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    date_cell = row.locator("td.date").first
    assert date_cell.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    label = date_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"决定日期"'
    box = date_cell.locator("xpath=.").bounding_box()
    assert box is not None and box["width"] <= 390
    # The last page is one click away, and a page past the end shows the last.
    page.get_by_role("link", name="末页（第 2 页）").click()
    assert "第 2/2 页" in page.locator(".summary").inner_text()
    page.goto("/columns/penalty?as_of=2026-12-01&page=95")
    assert "第 2/2 页" in page.locator(".summary").inner_text()


def test_an_enterprise_logs_in_to_its_credit_file_and_out_again(site_data, engine,
                                                                live_server, open_page):
    make_account(engine, "huasheng", Role.SUBJECT, password=PASSWORD, subject=COMPANY)
    page = open_page(live_server)
    _login(page, "huasheng")
    assert urlparse(page.url).path == "/me"
    assert page.locator("h1").inner_text() == "我的信用：示范市华盛食品有限公司"
    assert _work_menu(page) == ["我的信用", "我的异议", "信用修复", "我的名单", "我的承诺",
                                "我的信用报告", "信用评价", "关注主体"]
    page.get_by_role("button", name="退出登录").click()
    assert "已退出登录" in page.get_by_role("status").inner_text()
    assert _work_menu(page) == []


def test_a_data_officer_uploads_a_file_and_downloads_the_errors(site_data, engine,
                                                                live_server, open_page):
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="enforcement", department_name="示范市市场监督管理局")
    good = penalty(document_number="示市监处罚〔2026〕500号")
    bad = penalty(document_number="示市监处罚〔2026〕501号", subject_uscc="91350203MA2XKL0150")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(good))
    writer.writeheader()
    writer.writerows([good, bad])
    page = open_page(live_server)
    _login(page, "sjj")
    assert urlparse(page.url).path == "/uploads"
    assert "我的信用" not in _work_menu(page) and "异议办理" in _work_menu(page)
    page.get_by_label("信息类别").select_option(label="行政处罚")
    page.get_by_label("数据文件").set_input_files(files=[{
        "name": "处罚.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}])
    page.get_by_role("button", name="上传并校验").click()
    summary = page.locator("section[role=status]")
    assert "报送结果：行政处罚" in summary.inner_text()
    facts = dict(zip(summary.locator("dt").all_inner_texts(),
                     summary.locator("dd").all_inner_texts(), strict=True))
    assert (facts["新增"], facts["未通过校验"]) == ("1", "1")
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载错误清单（CSV，可用 Excel 打开）").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("行号,字段,规则,说明,原值") and "统一社会信用代码" in text
    page.get_by_role("link", name="异议办理").click()
    assert page.locator("h1").inner_text() == "异议办理"


def test_a_case_officer_checks_a_name_that_is_not_registered(site_data, engine, live_server,
                                                             open_page):
    make_account(engine, "case", Role.CASE_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="licensing")
    page = open_page(live_server)
    _login(page, "case")
    assert urlparse(page.url).path == "/checks"
    page.get_by_label("名称").fill("华盛食品")
    page.get_by_role("button", name="核查").click()
    assert page.locator("h1").inner_text().endswith("未找到该主体")
    assert page.get_by_role("heading", name="命中主体").count() == 0
    assert "示范市华盛食品有限公司" in page.locator(".suggestions").inner_text()


def test_the_credit_office_publishes_a_notice_and_reads_the_late_list(site_data, engine,
                                                                      live_server, open_page):
    make_account(engine, "xyb", Role.ADMIN, password=PASSWORD)
    page = open_page(live_server)
    _login(page, "xyb")
    assert urlparse(page.url).path == "/desk"
    page.locator("main").get_by_role("link", name="公告管理").click()
    page.get_by_label("标题").fill("关于2027年度信用修复培训的通知")
    page.get_by_label("正文（空一行分段）").fill("各有关单位：\n\n培训定于下月举行。")
    page.get_by_label("保存后立即发布").check()
    page.get_by_role("button", name="保存").click()
    assert page.locator("p.notice[role=status]").inner_text() == "已保存。"
    page.get_by_role("link", name="首页", exact=True).click()
    page.get_by_role("link", name="关于2027年度信用修复培训的通知").click()
    assert page.locator("h1").inner_text() == "关于2027年度信用修复培训的通知"
    page.locator("nav.work").get_by_role("link", name="迟报记录").click()
    assert page.locator("h1").inner_text() == "迟报记录"


def test_error_pages_are_chinese_pages_in_the_site_layout(site_data, engine, live_server,
                                                          open_page):
    page = open_page(live_server, **PHONE)
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    assert page.get_by_label("查询信用主体").is_visible()
    response = page.goto("/records/abc")
    assert response is not None and response.status == 422
    assert "信息编号应为整数" in page.get_by_role("alert").inner_text()
    response = page.goto("/logout")  # not signed in: nothing to confirm
    assert response is not None and response.status == 200
    make_account(engine, "case2", Role.CASE_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="licensing")
    _login(page, "case2")
    response = page.goto("/me")
    assert response is not None and response.status == 403
    assert page.locator("h1").inner_text() == "无权访问"
    assert page.locator(".instead").get_by_role("link", name="信用核查").is_visible()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no data: once is enough
def test_the_api_documentation_works_without_the_internet(live_server, open_page):
    page = open_page(live_server)
    hosts: set[str] = set()
    blocked: list[str] = []
    page.on("requestfinished", lambda r: hosts.add(urlparse(r.url).netloc)
            if r.url.startswith("http") else None)
    # ReDoc's bundle asks for its vendor's logo: the page's Content-Security-Policy makes the
    # browser refuse it before any connection is made.
    page.on("requestfailed", lambda r: blocked.append(f"{r.url} {r.failure}"))
    page.goto("/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "API" in page.locator(".swagger-ui .info .title").inner_text()
    page.goto("/redoc")
    page.locator("h1").first.wait_for()
    assert hosts == {urlparse(live_server).netloc}
    assert all(b.endswith(" csp") for b in blocked), blocked  # refused by the policy
