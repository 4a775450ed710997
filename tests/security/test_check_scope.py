"""Issue 14, finding 3: a check and its feedback belong to the department that ran it.

Another department's case officer is told the check does not exist (404, as for a check that
does not) and cannot record feedback or reviews on it; the owning officer still can, and the
credit office sees every check. Checks appear in the subject's who-queried-me.
"""

from __future__ import annotations

from datetime import date

from tests.accounts.helpers import client_as
from tests.lists.helpers import ACME, CASE_OFFICER, OFFICER, add_subject, proposal
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.lists import decide, notify, propose
from xinyong.subjects.uscc import make

OTHER_OFFICER = Actor(role=Role.CASE_OFFICER, name="赵科员",
                      department_uscc=make("11", "350200", "MB160010"),
                      department_class="licensing", department_name="示范市住房和建设局")
COLLEAGUE = Actor(role=Role.CASE_OFFICER, name="钱科员",
                  department_uscc=CASE_OFFICER.department_uscc,
                  department_class=CASE_OFFICER.department_class,
                  department_name=CASE_OFFICER.department_name)
SUBJECT = Actor(role=Role.SUBJECT, name="华盛", subject_uscc=ACME)
FEEDBACK = {"items": [{"measure_id": "procurement_ban_serious", "outcome": "applied"}]}


def _listed_and_checked(engine, settings) -> dict:
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        # 企业信息公示暂行条例 Art. 17: a listing that bars government procurement (Art. 18);
        # one under SAMR Order 44 is only a consideration there (measures.yaml).
        e = propose(s, proposal(uscc=ACME, basis="enterprise_disclosure_art17",
                                facts="被列入经营异常名录届满3年仍未履行相关义务"),
                    OFFICER, today=date(2026, 9, 28))
        notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
        decide(s, e.id, OFFICER, "listed", "未申辩", today=date(2026, 10, 20))
    r = client_as(settings, CASE_OFFICER).post("/api/v1/checks", json={
        "uscc": ACME, "matter": "procurement"})
    assert r.status_code == 200, r.text
    assert [m["measure_id"] for m in r.json()["measures"]] == ["procurement_ban_serious"]
    return r.json()


def test_another_departments_officer_gets_404_and_cannot_record_feedback(engine, settings):
    check = _listed_and_checked(engine, settings)
    url = f"/api/v1/checks/{check['id']}"
    other = client_as(settings, OTHER_OFFICER)
    missing = other.get("/api/v1/checks/999999")
    for r in (other.get(url), other.post(url + "/feedback", json=FEEDBACK),
              other.post(url + "/reviews", json={"subject_id": 1, "reason": "不是同一家"})):
        # Exactly what a check that does not exist answers: its existence is not revealed.
        assert r.status_code == 404, r.text
        assert r.json()["code"] == missing.json()["code"] == "check_not_found"
    web = other.get(f"/checks/{check['id']}")
    assert web.status_code == 404 and "华盛" not in web.text
    assert other.post(f"/checks/{check['id']}/feedback",
                      data={"outcome_procurement_ban_serious": "applied"}).status_code == 404

    # The owner's department still records its feedback: nobody took it first.
    colleague = client_as(settings, COLLEAGUE)
    assert colleague.get(url).status_code == 200
    ok = colleague.post(url + "/feedback", json=FEEDBACK)
    assert ok.status_code == 200, ok.text
    assert ok.json()["recorded"][0]["actor"] == "钱科员"
    # The credit office sees every check.
    office = client_as(settings, OFFICER)
    assert office.get(url).json()["feedback"][0]["outcome"] == "applied"


def test_checks_appear_in_the_subjects_who_queried_me(engine, settings):
    _listed_and_checked(engine, settings)
    items = client_as(settings, SUBJECT).get("/api/v1/me/queries").json()["items"]
    checks = [i for i in items if i["kind"] == "check.run"]
    assert len(checks) == 1
    assert checks[0]["department_name"] == CASE_OFFICER.department_name
    assert checks[0]["purpose"] == "procurement" and checks[0]["purpose_label"] == "政府采购"
    assert checks[0]["kind_label"] == "信用核查（逢办必查）"
    assert checks[0]["at"].endswith("+08:00")
