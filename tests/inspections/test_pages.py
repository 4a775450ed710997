"""/inspections without a browser: an inspector declares its own 回避 on the page and sees it
listed; a bad code is refused with the reason; a draw's page shows the exclusions."""

from __future__ import annotations

from tests.accounts.helpers import client_as, make_account
from tests.factories import COMPANY, PROVIDER
from tests.grading.helpers import penalties
from xinyong.accounts import Actor, Role


def test_an_inspector_declares_avoidance_on_the_page(engine, settings):
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])
    ids = [make_account(engine, f"jcy{i}", Role.INSPECTOR, department=PROVIDER)
           for i in range(3)]
    me = Actor(role=Role.INSPECTOR, name="jcy0", account_id=ids[0], department_uscc=PROVIDER,
               department_class="enforcement", client="test")
    c = client_as(settings, me)
    assert "尚无回避申报" in c.get("/inspections").text
    bad = c.post("/inspections/avoidances", data={"subject_uscc": COMPANY[:-1], "reason": "亲属"})
    assert bad.status_code == 422 and "统一社会信用代码无效" in bad.text
    r = c.post("/inspections/avoidances", data={"subject_uscc": COMPANY,
                                                "reason": "配偶在该企业任职"},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get("/inspections").text
    assert COMPANY in page and "配偶在该企业任职" in page
    drawn = c.post("/inspections/draws", data={"matter": "annual_report", "seed": "8"})
    assert drawn.status_code == 200
    assert '<span id="excluded-avoidance">1</span>' in drawn.text  # COMPANY sampled, jcy0 out
