"""GET /api/v1/reports/...: both kinds in both formats, the versions by role, verification
by number and by upload, and the report in the subject's 'who looked at me'."""

from __future__ import annotations

import json

import pytest

from tests.accounts.helpers import client_as
from tests.reports.helpers import COMPANY, COMPANY_2, OTHER_PROVIDER, penalty, push_rows
from xinyong.accounts import Actor, Role

SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
OFFICER = Actor(role=Role.CASE_OFFICER, name="采购核查员", department_uscc=OTHER_PROVIDER,
                department_class="procurement", department_name="示范市财政局")
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_reports_api(engine, settings):
    push_rows(engine, settings, "penalty", [penalty()])
    public = client_as(settings, None)
    r = public.get(f"/api/v1/reports/public/{COMPANY}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["report"]["kind"] == "public" and doc["signature"]["jws"].count(".") == 2
    pdf = public.get(f"/api/v1/reports/special/{COMPANY}",
                     params={"domain": ["taxation", "market_regulation"], "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["content-disposition"]
    assert public.get(f"/api/v1/reports/special/{COMPANY}").status_code == 422  # no domain
    assert public.get(f"/api/v1/reports/special/{COMPANY}",
                      params={"domain": "nowhere"}).status_code == 422
    assert public.get("/api/v1/reports/domains").json()["total"] == 33

    # verification: by upload (PDF and JSON), by number; a changed file is caught
    for data, name in ((pdf.content, "r.pdf"), (r.content, "r.json")):
        v = public.post("/api/v1/reports/verify", files={"file": (name, data)}).json()
        assert v["outcome"] == "valid" and v["issued"]["subject_uscc"] == COMPANY
    bad = r.content.replace("华盛".encode(), "华胜".encode(), 1)
    v = public.post("/api/v1/reports/verify", files={"file": ("r.json", bad)}).json()
    assert v["outcome"] == "altered" and v["report"] is None
    number = doc["report"]["number"]
    v = public.get(f"/api/v1/reports/issued/{number}").json()
    assert v["outcome"] == "valid" and v["report"]["number"] == number
    assert public.get("/api/v1/reports/issued/XYBG-20261205-0000000000").status_code == 404

    # versions: own for the subject only; department with a purpose; never for the public
    assert public.get(f"/api/v1/reports/public/{COMPANY}",
                      params={"version": "own"}).status_code in (401, 403)
    own = client_as(settings, SUBJECT).get(f"/api/v1/reports/public/{COMPANY}",
                                           params={"version": "own"})
    assert own.json()["report"]["version"] == "own"
    other = client_as(settings, Actor(role=Role.SUBJECT, name="远航", subject_uscc=COMPANY_2))
    assert other.get(f"/api/v1/reports/public/{COMPANY}",
                     params={"version": "own"}).status_code == 403
    dept = client_as(settings, OFFICER)
    assert dept.get(f"/api/v1/reports/public/{COMPANY}",
                    params={"version": "department"}).json()["code"] == "purpose_required"
    ok = dept.get(f"/api/v1/reports/public/{COMPANY}",
                  params={"version": "department", "purpose": "procurement"})
    assert ok.json()["report"]["version"] == "department"
    # the issued own version is not shown to the public by number
    v = public.get(f"/api/v1/reports/issued/{own.json()['report']['number']}").json()
    assert v["outcome"] == "valid" and v["report"] is None

    queries = client_as(settings, SUBJECT).get("/api/v1/me/queries").json()["items"]
    kinds = [q["kind"] for q in queries]
    assert kinds.count("report.issue") == 4  # public, special, own, department
    assert {q["kind_label"] for q in queries if q["kind"] == "report.issue"} == {"信用报告"}
    assert json.loads(r.content)["report"]["subject"]["uscc"] == COMPANY
