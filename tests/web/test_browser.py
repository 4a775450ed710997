"""The public site in a real browser: Playwright driving Debian's Chromium, against a uvicorn
server on a free port over the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import COMPANY
from tests.web.conftest import ARGS, CHROMIUM, serving
from xinyong.core import clock

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(site_data, live_server) -> str:
    return live_server


@pytest.fixture
def page(open_page, base_url):
    return open_page(base_url, width=390, height=844)  # a phone


def test_search_page_through_results_and_open_a_credit_file(page):
    page.goto("/?as_of=2026-12-01")
    page.get_by_label("查询信用主体").fill("华盛")
    page.get_by_role("button", name="查询").click()
    assert page.locator("mark").first.inner_text() == "华盛"
    assert "第 1/2 页" in page.locator(".summary").inner_text()
    page.get_by_role("link", name="下一页").click()
    assert "第 2/2 页" in page.locator(".summary").inner_text()
    page.get_by_role("link", name="上一页").click()
    page.locator(".results a").filter(has_text="示范市华盛食品有限公司").click()
    assert page.locator("h1").inner_text() == "示范市华盛食品有限公司"
    assert page.get_by_role("heading", name="行政处罚信息").is_visible()
    assert "王**" in page.content()


def test_wrong_code_is_explained(page):
    wrong = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")
    page.goto("/")
    page.get_by_label("查询信用主体").fill(wrong)
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == "统一社会信用代码校验位错误"


CANVAS_SIGNATURES = """(chars) => {
    const font = getComputedStyle(document.querySelector('h1')).font;
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const ctx = c.getContext('2d', {willReadFrequently: true});
    return chars.map(ch => {
        ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.fillStyle = '#000';
        ctx.textBaseline = 'top'; ctx.fillText(ch, 4, 4);
        const d = ctx.getImageData(0, 0, 64, 64).data;
        let h = 0; for (let i = 3; i < d.length; i += 4) h = (h * 31 + d[i]) >>> 0;
        return h;
    });
}"""


def tofu_signals(page) -> tuple[bool, bool, bool]:
    """(screenshots differ from boxes, some glyph equals the .notdef box, all glyphs
    distinct) for the page's h1. See test_chinese_text_renders_without_tofu."""
    heading = page.locator("h1")
    text = heading.inner_text()
    real = heading.screenshot()
    heading.evaluate("(el, n) => { el.textContent = '\\u0378'.repeat(n); }", len(text))
    boxes = heading.screenshot()
    heading.evaluate("(el, t) => { el.textContent = t; }", text)
    sigs = page.evaluate(CANVAS_SIGNATURES, ["\u0378", *dict.fromkeys(text)])
    notdef, glyphs = sigs[0], sigs[1:]
    return real != boxes, notdef in glyphs, len(set(glyphs)) == len(glyphs)


def test_chinese_text_renders_without_tofu(page):
    """Two checks, both independent of the exact font:

    1. Screenshot the heading, then the same heading with each character replaced by an
       unassigned code point (U+0378, always drawn as the .notdef box). With no CJK font the
       real heading is the same row of boxes, so the two screenshots would be identical.
    2. Draw each character of the heading on a canvas in the heading's own font: missing
       glyphs all draw the same .notdef box, so distinct characters must give distinct
       pixels, and none may equal the U+0378 box.
    """
    page.goto(f"/subjects/{COMPANY}?as_of=2026-12-01")
    assert page.locator("h1").inner_text() == "示范市华盛食品有限公司"
    assert tofu_signals(page) == (True, False, True)


def test_the_tofu_check_sees_tofu_when_no_cjk_font_is_available(pw, tmp_path):
    """Negative control: the same checks in a Chromium whose fontconfig only knows DejaVu
    (no CJK glyphs) must report tofu, or the test above would prove nothing."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("fonts-dejavu-core not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<?xml version='1.0'?><fontconfig><dir>{dejavu}</dir>"
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                           env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    try:
        page = b.new_page()
        page.set_content("<html lang='zh-CN'><body><h1 style='display:inline-block'>"
                         "示范市华盛食品有限公司</h1></body></html>")
        assert tofu_signals(page) == (False, True, False)
    finally:
        b.close()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_subject_files_an_objection_and_a_repair_application(browser, site_data, settings,
                                                               engine):
    """End to end as the company: log in, object to one penalty from 我的信用 with a PDF,
    see the mark on the public page, then apply for repair of an older penalty."""
    from datetime import timedelta

    from tests.accounts.helpers import make_account
    from tests.factories import penalty
    from tests.ingest.helpers import push
    from xinyong.accounts import Role

    decided = clock.today() - timedelta(days=200)
    push(engine, settings, "penalty", [penalty(
        document_number="示市监处罚〔2026〕50号", decision_date=decided.isoformat(),
        penalty_valid_until=(decided + timedelta(days=365)).isoformat())],
        received_on=decided + timedelta(days=1), today=clock.today())
    make_account(engine, "huasheng", Role.SUBJECT, password="Correct-Horse-7", subject=COMPANY)
    http = settings.model_copy(update={"session_cookie_secure": False})
    with serving(http) as url:
        context = browser.new_context(base_url=url, locale="zh-CN")
        page = context.new_page()
        page.goto("/me")
        page.get_by_label("用户名").fill("huasheng")
        page.get_by_label("密码").fill("Correct-Horse-7")
        page.get_by_role("button", name="登录").click()
        assert page.locator("h1").inner_text() == "我的信用：示范市华盛食品有限公司"

        row = page.locator("tr").filter(has_text="示市监处罚〔2026〕1号")
        row.get_by_role("link", name="提出异议").click()
        page.get_by_label("异议理由").fill("罚款金额登记有误，应为1000元")
        page.get_by_label("证明材料").set_input_files(
            files=[{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_role("button", name="提交异议").click()
        assert "异议处理中" in page.locator("h1").inner_text()
        assert page.get_by_role("link", name="缴款凭证.pdf").is_visible()

        page.goto(f"/subjects/{COMPANY}")
        marked = page.locator("h3").filter(has_text="示市监处罚〔2026〕1号")
        assert "异议处理中" in marked.inner_text()

        page.goto("/me")
        row = page.locator("tr").filter(has_text="示市监处罚〔2026〕1号")
        row.get_by_role("link", name="申请信用修复").click()
        assert "最短公示期未满" in page.get_by_role("alert").inner_text()

        page.goto("/me")
        row = page.locator("tr").filter(has_text="示市监处罚〔2026〕50号")
        row.get_by_role("link", name="申请信用修复").click()
        page.get_by_label("履行法定义务、纠正失信行为的情况").fill("已缴纳罚款并完成整改")
        page.get_by_label("证明材料").set_input_files(
            files=[{"name": "罚款缴纳凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_role("button", name="提交修复申请").click()
        assert page.get_by_role("alert").inner_text().startswith("申请信用修复须作出信用修复承诺")
        page.get_by_label("证明材料").set_input_files(
            files=[{"name": "罚款缴纳凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_label("我已阅读并作出上述信用修复承诺").check()
        page.get_by_role("button", name="提交修复申请").click()
        assert "已推送至认定单位" in page.locator("h1").inner_text()

        page.goto("/me")
        expect(page.locator("main")).to_contain_text("修复申请 #")
        expect(page.locator("main")).to_contain_text("异议 #")
        with page.expect_download() as dl:
            page.locator("tr").filter(has_text="示市监处罚〔2026〕50号").get_by_role(
                "link", name="信用修复告知书（PDF）").click()
        assert dl.value.suggested_filename.endswith(".pdf")
        assert Path(dl.value.path()).read_bytes().startswith(b"%PDF")
        context.close()
