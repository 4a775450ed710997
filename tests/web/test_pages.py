"""Server-rendered pages without a browser: content, errors, masking, as_of."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import COMPANY, COMPANY_2, penalty
from tests.ingest.helpers import push
from xinyong.api.app import create_app
from xinyong.subjects.uscc import make

WRONG = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")


@pytest.fixture
def client(site_data, settings):
    with TestClient(create_app(settings)) as c:
        yield c


def test_home_has_one_search_box_and_counts(client, settings):
    html = client.get("/", params={"as_of": "2026-12-01"}).text
    assert '<html lang="zh-CN">' in html and 'name="viewport"' in html
    assert settings.platform_name in html
    assert html.count('name="q"') == 1 and '<label for="q">' in html
    assert "26</span> <span>条行政处罚信息" in html  # the natural person is not counted
    assert "2</span> <span>条行政许可信息" in html


def test_results_highlight_and_page(client):
    first = client.get("/search", params={"q": "华盛"}).text
    assert "<mark>华盛</mark>" in first and "第 1/2 页" in first
    assert 'rel="next"' in first
    second = client.get("/search", params={"q": "华盛", "page": "2"}).text
    assert "第 2/2 页" in second and 'aria-current="page">2<' in second


def test_wrong_check_digit_is_said_not_no_results(client):
    resp = client.get("/search", params={"q": WRONG})
    assert resp.status_code == 422
    assert "统一社会信用代码校验位错误" in resp.text and "没有找到" not in resp.text


def test_code_in_the_box_opens_the_credit_file(client):
    resp = client.get("/search", params={"q": COMPANY}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == f"/subjects/{COMPANY}"


def test_subject_page_sections_masking_and_as_of(client):
    html = client.get(f"/subjects/{COMPANY}", params={"as_of": "2026-12-01"}).text
    assert "示范市华盛食品有限公司" in html and "信用档案" in html
    assert "行政处罚信息" in html and "行政许可信息" in html
    assert "示范市市场监督管理局" in html and "2027-11-19" in html  # source, window end
    assert "设定依据" in html and "中华人民共和国行政处罚法" in html
    assert "王**" in html and "王建国" not in html
    assert "正在查看 <strong>2026-12-01</strong>" in html
    before = client.get(f"/subjects/{COMPANY}", params={"as_of": "2026-11-26"}).text
    assert "暂无公示中的行政处罚信息" in before
    assert client.get(f"/subjects/{WRONG}").status_code == 422
    assert client.get(f"/subjects/{COMPANY}", params={"as_of": "bad"}).status_code == 422


def test_credit_file_sections_follow_the_national_directory(client):
    """行政许可 and 行政处罚 (行政管理信息) come before 信用承诺 information, and a type whose
    name already ends in 信息 is not titled 「…信息信息」."""
    html = client.get(f"/subjects/{COMPANY}").text
    order = [html.index(h) for h in ("行政许可信息", "行政处罚信息", "违背信用承诺失信信息")]
    assert order == sorted(order)
    assert "信息信息" not in html


def test_an_individual_business_shows_its_operator_masked(client, engine, settings):
    shop = make("92", "420502", "MA4PQRT8")  # 宜昌市西陵区, 个体工商户
    push(engine, settings, "penalty", [penalty(
        subject_name="宜昌市西陵区李记小吃店", subject_category="个体工商户", subject_uscc=shop,
        legal_representative="李秀英", document_number="宜西市监罚〔2026〕24号")])
    html = client.get(f"/subjects/{shop}").text
    assert "<dt>经营者</dt><dd>李**</dd>" in html and "李秀英" not in html


def test_columns_filter_by_department_region_and_date(client):
    html = client.get("/columns/penalty", params={"as_of": "2026-12-01"}).text
    assert "行政处罚专栏" in html and "共 26 条" in html
    assert '<label for="provider">' in html and '<label for="region">' in html
    html = client.get("/columns/licence", params={"as_of": "2026-12-01",
                                                  "region": COMPANY_2[2:8]}).text
    assert "深圳市腾讯计算机系统有限公司" in html and "共 1 条" in html
    html = client.get("/columns/penalty", params={"decided_from": "2027-01-01",
                                                  "as_of": "2026-12-01"}).text
    assert "共 0 条" in html
    assert client.get("/columns/penalty", params={"decided_from": "x"}).status_code == 422
    # The old name is refused, not ignored: the answer would be the unfiltered column.
    old = client.get("/columns/penalty", params={"date_from": "2027-01-01"})
    assert old.status_code == 422 and "不支持的查询参数：date_from" in old.text
    assert client.get("/static/site.css").status_code == 200
