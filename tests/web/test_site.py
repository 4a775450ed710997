"""The site hangs together (issue 21), without a browser: one header whose menu follows the
account's permissions, the landing page after login, logout, error pages for browsers and
JSON for API clients, offline API docs, the columns' filters named as in the API, and the
home page's parts."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.accounts.helpers import ACTORS, client_as, make_account
from tests.factories import COMPANY, PROVIDER
from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.web.menu import landing_for, work_menu

HTML = {"Accept": "text/html,application/xhtml+xml"}
PASSWORD = "Correct-Horse-7"


@pytest.fixture
def client(site_data, settings):
    with TestClient(create_app(settings)) as c:
        yield c


def _work_links(html: str) -> list[str]:
    nav = html.split('<nav class="work"', 1)
    if len(nav) < 2:
        return []
    return re.findall(r'<a href="([^"]+)"', nav[1].split("</nav>", 1)[0])


@pytest.mark.parametrize("role", list(ACTORS))
def test_the_header_shows_what_each_role_may_do(site_data, settings, role):
    with client_as(settings, ACTORS[role]) as c:
        html = c.get("/").text
    public = re.findall(r'<a href="([^"]+)"', html.split('aria-label="主导航"')[1]
                        .split("</nav>")[0])
    assert public[:3] == ["/", "/columns/licence", "/columns/penalty"]
    assert {"/lists/serious_dishonesty", "/measures", "/notices"} <= set(public)
    work = _work_links(html)
    expected = {
        Role.PUBLIC: [],
        Role.SUBJECT: ["/me", "/me#my-objections", "/me#my-repairs", "/me#my-lists",
                       "/me/commitments", "/me#my-report", "/me/grade", "/watch"],
        Role.DATA_OFFICER: ["/desk", "/uploads", "/quality", "/late", "/cases/objections",
                            "/cases/repairs", "/cases/lists", "/cases/commitments",
                            "/warnings", "/watch"],
        Role.CASE_OFFICER: ["/desk", "/checks"],
        Role.INSPECTOR: ["/desk", "/inspections"],
        Role.ADMIN: ["/desk", "/uploads", "/quality", "/late", "/cases/objections",
                     "/cases/repairs", "/cases/lists", "/cases/commitments", "/checks",
                     "/monitoring", "/warnings", "/watch", "/inspections",
                     "/grading/industry-reporting", "/notices/manage", "/audit"],
    }[role]
    # The tests' actors have no account id: the header shows the work menu for any actor
    # that is not the anonymous public.
    assert work == expected
    assert ("/me" in work) is (role == Role.SUBJECT)  # 我的信用 never in a staff menu


def test_landing_pages_follow_permissions():
    assert {r: landing_for(a) for r, a in ACTORS.items()} == {
        Role.ADMIN: "/desk", Role.DATA_OFFICER: "/uploads", Role.CASE_OFFICER: "/checks",
        Role.INSPECTOR: "/desk", Role.SUBJECT: "/me", Role.PUBLIC: "/"}
    assert all(e.href != "/me" for e in work_menu(ACTORS[Role.ADMIN]))


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_login_lands_on_the_home_page_of_the_role_and_logout_is_confirmed(engine, settings):
    make_account(engine, "case", Role.CASE_OFFICER, password=PASSWORD, department=PROVIDER,
                 department_class="licensing", department_name="示范市行政审批局")
    with client_as(settings, None, base_url="https://testserver") as c:
        login = c.get("/login").text
        r = c.post("/login", data={"name": "case", "password": PASSWORD,
                                   "csrf_token": _csrf(login)}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/checks"
        page = c.get("/checks").text
        assert "case（联合奖惩经办人，示范市行政审批局）" in page
        assert '<form class="logout" method="post" action="/logout">' in page
        # GET /logout is a confirmation page, not 405; the POST logs out.
        confirm = c.get("/logout", headers=HTML)
        assert confirm.status_code == 200 and "确定要退出登录吗" in confirm.text
        out = c.post("/logout", data={"csrf_token": _csrf(confirm.text)},
                     follow_redirects=False)
        assert out.status_code == 303
        assert "已退出登录" in c.get(out.headers["location"]).text
        assert c.get("/api/v1/me").json()["role"] == "public"
        # An explicit destination wins over the landing page.
        login = c.get("/login").text
        r = c.post("/login", data={"name": "case", "password": PASSWORD, "next": "/columns/penalty",
                                   "csrf_token": _csrf(login)}, follow_redirects=False)
        assert r.headers["location"] == "/columns/penalty"


def test_browsers_get_error_pages_and_api_clients_json(client):
    page = client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>页面不存在</h1>" in page.text and 'class="site"' in page.text
    assert 'name="q"' in page.text  # the search box to go on from
    api = client.get("/api/v1/no/such", headers=HTML)
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    asked_json = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert asked_json.json() == {"ok": False, "status": 404, "code": "not_found",
                                 "message": "请求的资源不存在", "errors": []}

    bad = client.get("/records/abc", headers=HTML)
    assert bad.status_code == 422 and "<h1>请求内容有误</h1>" in bad.text
    assert "信息编号应为整数" in bad.text and "int_parsing" not in bad.text
    assert "Input should be" not in bad.text
    api_bad = client.get("/api/v1/records/abc").json()
    assert api_bad["code"] == "request_invalid" and "信息编号应为整数" in api_bad["message"]


def _signed_in(role: Role) -> Actor:
    return replace(ACTORS[role], account_id=1)


def test_a_refused_page_says_what_the_account_may_do_instead(site_data, settings):
    with client_as(settings, _signed_in(Role.CASE_OFFICER)) as c:
        r = c.get("/me", headers=HTML)
    assert r.status_code == 403 and "<h1>无权访问</h1>" in r.text
    instead = r.text.split("当前账户可以办理")[1]
    assert '<a href="/checks">信用核查</a>' in instead
    with client_as(settings, _signed_in(Role.SUBJECT)) as c:
        r = c.get("/cases/objections", headers=HTML)
    assert r.status_code == 403 and '<a href="/me">我的信用</a>' in r.text
    with client_as(settings, _signed_in(Role.SUBJECT)) as c:
        r = c.get("/api/v1/audit/entries")
    assert r.status_code == 403 and r.json()["message"] == "当前身份（信用主体）无权查看审计日志"
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:  # nobody signed in: 401, not 403
        r = c.get("/api/v1/audit/entries")
    assert r.status_code == 401 and r.json()["code"] == "authentication_required"


def test_a_server_error_is_a_page_without_details(site_data, settings):
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom", headers=HTML)
    assert r.status_code == 500 and "<h1>系统内部错误</h1>" in r.text
    assert "secret detail" not in r.text


def test_api_docs_load_only_local_assets(client):
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert urls and all(u.startswith("/") for u in urls), (path, urls)
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp
        for u in urls:
            assert client.get(u).status_code == 200, u
    assert client.get("/-/docs-assets/swagger-ui-bundle.js").headers[
        "content-type"].startswith(("application/javascript", "text/javascript"))


def test_columns_show_violation_type_and_content_with_the_api_names(client):
    html = client.get("/columns/penalty", params={"as_of": "2026-12-01"}).text
    assert '<th scope="col">违法行为类型</th>' in html and '<th scope="col">处罚内容</th>' in html
    assert 'data-label="决定日期" class="date"' in html
    provider = re.search(r'<option value="([0-9A-Z]{18})">', html)
    assert provider is not None and provider.group(1) == PROVIDER  # by its code, not an id
    page = client.get("/columns/penalty", params={"as_of": "2026-12-01",
                                                  "provider": PROVIDER}).text
    api = client.get("/api/v1/columns/penalty", params={"as_of": "2026-12-01",
                                                        "provider": PROVIDER}).json()
    assert f"共 {api['total']} 条" in page and api["total"] == 26
    assert api["providers"][0] == {"uscc": PROVIDER, "name": "示范市市场监督管理局"}
    none = client.get("/api/v1/columns/penalty", params={"as_of": "2026-12-01",
                                                         "decided_from": "2027-01-01"})
    assert none.json()["total"] == 0
    for params in ({"from": "2026-01-01"}, {"provder": PROVIDER}):
        for path in ("/columns/penalty", "/api/v1/columns/penalty"):
            r = client.get(path, params=params)
            assert r.status_code == 422 and "不支持的查询参数" in r.text, (path, params)
            assert next(iter(params)) in r.text
    assert client.get("/api/v1/subjects", params={"q": "华盛", "sort": "x"}).status_code == 422


def test_pages_past_the_last_show_the_last(client):
    page = client.get("/columns/penalty", params={"as_of": "2026-12-01", "page": "95"}).text
    assert "第 2/2 页" in page and 'aria-current="page">2<' in page
    api = client.get("/api/v1/columns/penalty", params={"as_of": "2026-12-01", "page": 95})
    assert api.json()["page"] == 2 and api.json()["items"]
    first = client.get("/columns/penalty", params={"as_of": "2026-12-01"}).text
    assert "末页（第 2 页）" in first
    search = client.get("/search", params={"q": "华盛", "page": "95"}).text
    assert "第 2/2 页" in search
    assert client.get("/api/v1/subjects", params={"q": "华盛", "page": 95}).json()["page"] == 2


def test_search_results_carry_a_status_mark(client):
    html = client.get("/search", params={"q": "华盛", "as_of": "2026-12-01"}).text
    item = html.split(f'<span class="code">{COMPANY}</span>')[1].split("</li>")[0]
    assert "有行政处罚信息（1 条公示中）" in item
    api = client.get("/api/v1/subjects", params={"q": "示范市华盛食品"}).json()
    assert "public_records" in api["items"][0]


def test_home_page_has_search_services_latest_decisions_and_lists(client):
    html = client.get("/", params={"as_of": "2026-12-01"}).text
    assert html.count('name="q"') == 1
    for text in ("信用服务", "信用修复", "异议申诉", "信用报告", "通知公告", "最新公示",
                 "严重失信主体名单", "暂无通知公告"):
        assert text in html, text
    latest = html.split('id="latest-h"')[1]
    assert "示范市华盛" in latest and "示市监处罚〔2026〕" in latest


def test_the_record_page_names_its_rule_set_by_title(client):
    html = client.get(f"/subjects/{COMPANY}", params={"as_of": "2026-12-01"}).text
    penalties = html.split('id="sec-penalty"')[1]
    rid = re.search(r'href="/records/(\d+)\?as_of', penalties)
    assert rid is not None
    record = client.get(f"/records/{rid.group(1)}", params={"as_of": "2026-12-01"}).text
    assert "ndrc_order" not in record and "catalog:" not in record
    assert "《信用修复管理办法》国家发展改革委令第36号" in record


def _check(c: TestClient, **fields: str) -> str:
    from xinyong.measures import default_measures

    matter = next(iter(default_measures().matters))
    r = c.post("/checks", data={"matter": matter, "csrf_token": "x", **fields})
    assert r.status_code == 200, r.text
    return r.text


def test_the_check_page_says_what_it_found(site_data, settings):
    from tests.factories import COMPANY_2

    with client_as(settings, replace(ACTORS[Role.CASE_OFFICER], account_id=3)) as c:
        # A shortened name is not registered: not "clear", and the company is offered.
        html = _check(c, name="华盛食品")
        assert "<h1>核查结果" in html and "未找到该主体" in html
        assert "未发现失信或守信信息" not in html and "命中主体" not in html
        suggestions = html.split("可能的主体")[1].split("</ul>")[0]
        assert "示范市华盛食品有限公司" in suggestions and COMPANY in suggestions
        assert "有行政处罚信息" in suggestions
        # A registered subject with nothing on it: clear, and no 命中 heading.
        html = _check(c, name="深圳市腾讯计算机系统有限公司", uscc=COMPANY_2)
        assert "未发现失信或守信信息" in html and "命中" not in html
        # A subject with a penalty: 命中, with the record.
        html = _check(c, uscc=COMPANY)
        assert "命中主体（1）" in html and "示市监处罚〔2026〕1号" in html
