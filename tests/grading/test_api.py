"""Grades are internal: the subject sees its own (API and page), a department reads one with
a purpose (audited), the public never; a natural person is never graded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, person_penalty
from tests.grading.helpers import penalties, registered
from tests.ingest.helpers import push
from xinyong.accounts import Actor, Role
from xinyong.audit import AuditEntry
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden
from xinyong.grading import GradeResult, run
from xinyong.grading.reads import latest_grade
from xinyong.subjects import Subject


def test_own_grade_explained_shared_with_purpose_never_public(engine, settings):
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])
    push(engine, settings, "penalty", [person_penalty()])
    registered(engine, COMPANY, date(2020, 1, 1))
    with unit_of_work(engine) as s:
        run(s, as_of=date(2026, 12, 1))
    with client_as(settings, ACTORS[Role.SUBJECT]) as c:
        body = c.get("/api/v1/me/grade").json()
        assert (body["grade"], body["score"], body["label"]) == ("B", 77.0, "信用风险一般")
        lines = {x["indicator"]: x for x in body["contributions"]}
        assert (lines["penalty_general"]["value"], lines["penalty_general"]["points"]) == (1, -8)
        assert "信用修复" in body["advice"][0]
        page = c.get("/me/grade").text
        assert "一般失信行政处罚" in page and "如何提升信用评价" in page
    with client_as(settings, ACTORS[Role.INSPECTOR]) as c:
        assert c.get(f"/api/v1/shared/subjects/{COMPANY}/grade").status_code == 422
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/grade?purpose=inspection")
        assert r.status_code == 200 and r.json()["grade"] == "B", r.text
    with unit_of_work(engine) as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "grades.read")) is not None
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        assert c.get(f"/api/v1/shared/subjects/{COMPANY}/grade?purpose=inspection"
                     ).status_code == 401
        assert c.get("/api/v1/me/grade").status_code == 401
        assert "评价等级" not in c.get(f"/subjects/{COMPANY}").text
    person = Actor(role=Role.SUBJECT, name="张三", subject_uscc=None, client="testclient")
    with client_as(settings, person) as c:
        assert c.get("/api/v1/me/grade").status_code == 403
    with unit_of_work(engine) as s:  # no natural person graded, none readable
        ids = {r.subject_id for r in s.scalars(select(GradeResult))}
        person_id = s.scalar(select(Subject.id).where(Subject.kind == "person"))
        assert person_id is not None and person_id not in ids and len(ids) == 1
        with pytest.raises(Forbidden, match="自然人"):
            latest_grade(s, person_id)


def test_industry_reporting_for_the_credit_office(engine, settings):
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        r = c.get("/api/v1/grading/industry-reporting?year=2026")
        assert r.status_code == 200 and r.json()["year"] == 2026
        page = c.get("/grading/industry-reporting?year=2026")
        assert page.status_code == 200 and "行业信用评价报送情况（2026年）" in page.text
