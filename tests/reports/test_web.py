"""The report pages: the request page offers the versions the caller may have; the
verification page accepts an uploaded genuine report, shows it as issued, refuses a changed
one, and finds a report by number."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import client_as
from tests.reports.helpers import COMPANY, penalty, push_rows
from xinyong.accounts import Actor, Role

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_request_and_verify_pages(engine, settings):
    push_rows(engine, settings, "penalty", [penalty()])
    public = client_as(settings, None)
    page = public.get(f"/subjects/{COMPANY}/report")
    assert page.status_code == 200 and "专项信用报告" in page.text and "生态环境" in page.text
    assert 'value="own"' not in page.text
    own = client_as(settings, Actor(role=Role.SUBJECT, name="华盛", subject_uscc=COMPANY))
    assert 'value="own"' in own.get(f"/subjects/{COMPANY}/report").text
    assert f'/subjects/{COMPANY}/report' in public.get(f"/subjects/{COMPANY}").text

    signed = public.get(f"/api/v1/reports/special/{COMPANY}",
                        params={"domain": "market_regulation", "format": "pdf"}).content
    res = public.post("/reports/verify", files={"file": ("r.pdf", signed)})
    assert res.status_code == 200 and "有效" in res.text and "有相关记录 1 条" in res.text
    bad = signed.replace(b"/Producer", b"/Producex", 1)
    assert "已被改动" in public.post("/reports/verify", files={"file": ("r.pdf", bad)}).text
    number = signed.split(b"XYBG-")[1][:19].decode()
    found = public.get("/reports/verify", params={"number": f"XYBG-{number}"})
    assert found.status_code == 200 and "登记注册基础信息" in found.text
    assert public.get("/reports/verify", params={"number": "XYBG-1"}).status_code == 404
    assert public.post("/reports/verify").status_code == 422
