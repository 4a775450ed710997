"""Due process through the JSON API: the department proposes naming its legal representative
by ID (kept masked), notifies; the subject reads its listing and files its statement; the
decision needs the consideration; the documents download as PDF."""

from __future__ import annotations

from datetime import timedelta

from tests.accounts.helpers import client_as
from tests.factories import COMPANY, PERSON_ID
from tests.lists.helpers import add_subject
from tests.web.test_cases_pages import OFFICER, PDF, SUBJECT
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.lists import notify

DOC = {"type": "行政处罚决定书", "number": "示市监处罚〔2026〕88号", "date": "2026-09-01",
       "issuing_body": "示范市市场监督管理局"}


def test_statement_and_decision_through_the_api(engine, settings):
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, "示范市华盛食品有限公司")
    dept = client_as(settings, OFFICER)
    r = dept.post("/api/v1/lists", json={
        "list_kind": "serious_dishonesty", "uscc": COMPANY, "document": DOC,
        "legal_basis_id": "samr_order_44", "facts": "生产销售不符合食品安全标准的食品，情节严重",
        "persons": [{"name": "王建国", "role": "法定代表人", "id_number": PERSON_ID}]})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["persons"] == [{"role": "法定代表人", "name_masked": "王**",
                                 "id_masked": "1101**********002X"}]
    assert PERSON_ID not in r.text and "王建国" not in r.text
    company = client_as(settings, SUBJECT)
    assert company.get(f"/api/v1/me/lists/{entry['id']}").status_code == 404  # not notified
    with unit_of_work(engine) as s:  # notified a month ago: the period has run since
        notify(s, entry["id"], OFFICER, "送达", today=clock.today() - timedelta(days=30))
    mine = company.get("/api/v1/me/lists").json()["items"]
    assert [x["state"] for x in mine] == ["notice_sent"] and "allowed_actions" not in mine[0]
    late = company.post(f"/api/v1/me/lists/{entry['id']}/statements",
                        data={"text": "请求不予列入"},
                        files={"files": ("说明.pdf", PDF, "application/pdf")})
    assert late.status_code == 422 and late.json()["code"] == "statement_period_over"
    notice = company.get(f"/api/v1/me/lists/{entry['id']}/notice.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    ok = dept.post(f"/api/v1/lists/{entry['id']}/decide",
                   json={"outcome": "listed", "reason": "当事人未提出陈述申辩"})
    assert ok.status_code == 200 and ok.json()["decision_number"].startswith("XYJD-")
    assert company.get(f"/api/v1/me/lists/{entry['id']}/decision.pdf").status_code == 200
    assert dept.get(f"/api/v1/lists/{entry['id']}/decision.pdf").content.startswith(b"%PDF")
