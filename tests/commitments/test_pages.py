"""The pages: the subject signs a commitment on /me/commitments, the department records a
late breach on /cases/commitments, the public column, the credit file and the home page show
what they may."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.commitments.helpers import ADMIN, COMPANY, OFFICER, PROVIDER, SUBJECT, setup
from tests.web.test_cases_pages import web
from xinyong.commitments import Commitment
from xinyong.core import clock
from xinyong.core.db import unit_of_work


def test_sign_then_late_breach_through_the_pages(engine, settings):
    with unit_of_work(engine) as s:
        setup(s)
    company = web(settings, SUBJECT, follow_redirects=False)
    page = company.get("/me/commitments")
    assert page.status_code == 200 and "容缺受理承诺书" in page.text
    refused = company.post("/me/commitments", data={
        "template_id": "deficiency_materials", "accepting_uscc": PROVIDER})
    assert refused.status_code == 422 and "勾选" in refused.text
    r = company.post("/me/commitments", data={
        "template_id": "deficiency_materials", "accepting_uscc": PROVIDER,
        "disclosure": "public", "matter_detail": "食品经营许可证", "agree": "yes"})
    assert r.status_code == 303, r.text
    code = r.headers["location"].split("done=")[1]
    assert code in company.get("/me/commitments").text
    with unit_of_work(engine) as s:  # signed three weeks ago: the materials are overdue
        s.execute(update(Commitment).values(made_on=clock.today() - timedelta(days=21),
                                            verify_due=clock.today() - timedelta(days=14)))
    dept = web(settings, OFFICER, follow_redirects=False)
    cases = dept.get("/cases/commitments")
    assert cases.status_code == 200 and "核查逾期（1）" in cases.text
    assert "核查逾期（1）" in web(settings, ADMIN).get("/cases/commitments").text
    r = dept.post(f"/cases/commitments/{code}/determination", data={
        "fulfilment": "not_kept", "unfulfilled_content": "逾期未补齐材料",
        "liability_pursued": "撤销受理"})
    assert r.status_code == 303, r.text
    done = dept.get("/cases/commitments").text
    assert "核查逾期（0）" in done and "逾期核查" in done and "违诺失信记录" in done
    public = web(settings)
    assert code in public.get("/commitments").text
    assert "撤销容缺受理" in public.get(f"/commitments/{code}").text
    assert code in public.get(f"/subjects/{COMPANY}").text
    assert 'href="/commitments"' in public.get("/").text
    assert company.get("/cases/commitments").status_code == 303  # to the login page
