"""Early warning: each rule raises to the responsible department with a working-day due date,
once; the department answers its own; warnings are neither public nor a measure."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, update

from tests.accounts.helpers import ACTORS, client_as
from tests.monitoring.dataset import D1, D2, build
from tests.monitoring.helpers import add
from tests.monitoring.test_indicators import ADMIN
from xinyong import monitoring
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.ingest.tables import Provider, Record
from xinyong.monitoring import warnings
from xinyong.subjects.tables import Subject

OFFICER_D2 = Actor(role=Role.DATA_OFFICER, name="审批局报送员", department_uscc=D2,
                   department_class="licensing", client="testclient")


def test_warnings_raised_once_and_answered(engine: Engine, settings: Settings) -> None:
    with unit_of_work(engine) as session:
        ids = build(session)
        s = ids["subjects"]
        monitoring.compute(session, ADMIN, "2026-11")
        # S3 shares S2's legal representative; S2 was listed on 2026-12-02.
        session.execute(update(Subject).where(Subject.id.in_([s[2].id, s[3].id]))
                        .values(legal_representative="李四"))
        # S4: a licence revoked by D1 on 2026-11-28, still holding a valid licence from D2.
        p1 = session.query(Provider).filter_by(uscc=D1).one()
        p2 = session.query(Provider).filter_by(uscc=D2).one()
        b1, b2 = ids["batches"]
        for key, rtype, prov, batch, decided, data in (
                ("rev", "penalty", p1, b1, date(2026, 11, 28),
                 {"penalty_categories": "吊销许可证件"}),
                ("lic", "licence", p2, b2, date(2026, 3, 1),
                 {"status": "有效", "valid_to": "2029-12-31"})):
            add(session, Record, record_type=rtype, provider_id=prov.id, natural_key=key,
                subject_id=s[4].id, subject_name=s[4].name, decision_date=decided,
                received_on=decided, content_hash=key, data=data, first_batch_id=batch.id,
                batch_id=batch.id)
        first = warnings.raise_warnings(session, ADMIN, as_of=date(2026, 12, 7))
        again = warnings.raise_warnings(session, ADMIN, as_of=date(2026, 12, 7))
    assert again.raised == 0 and again.already == first.raised
    with unit_of_work(engine) as session:
        items = warnings.list_warnings(session, ADMIN)
        got = {(w.rule_id, w.department_uscc, w.subject_name) for w in items}
        due = {w.rule_id: w.due_on for w in items}
    assert got == {
        ("repeated_penalties", D1, "示范企业1有限公司"),
        ("related_listing", D1, "示范企业3有限公司"),
        ("revoked_licence_holding_others", D2, "示范企业4有限公司"),
        ("department_timeliness_below_target", D1, None),
        ("department_timeliness_below_target", D2, None),
    }
    # Working days: 2026-12-07 is a Monday; 10 working days later is 2026-12-21.
    assert due["repeated_penalties"] == date(2026, 12, 21)
    assert due["revoked_licence_holding_others"] == date(2026, 12, 14)
    with client_as(settings, OFFICER_D2) as c:
        own = c.get("/api/v1/monitoring/warnings").json()
        assert {w["department_uscc"] for w in own} == {D2} and len(own) == 2
        other = next(w for w in items if w.department_uscc == D1)
        assert c.post(f"/api/v1/monitoring/warnings/{other.id}/response",
                      json={"response": "已核实"}).status_code == 404
        wid = next(w["id"] for w in own if w["rule_id"] == "revoked_licence_holding_others")
        answered = c.post(f"/api/v1/monitoring/warnings/{wid}/response",
                          json={"response": "已核查，许可条件仍具备，纳入重点监管。"})
        assert answered.status_code == 200 and answered.json()["state"] == "answered"
        assert c.post(f"/api/v1/monitoring/warnings/{wid}/response",
                      json={"response": "再次反馈"}).status_code == 409
        page = c.get("/warnings")
        assert page.status_code == 200 and "纳入重点监管" in page.text
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:  # never published
        assert c.get("/api/v1/monitoring/warnings").status_code == 401
        s4 = c.get(f"/api/v1/subjects/{ids['subjects'][4].uscc}").text
        assert "吊销许可证件，仍持有" not in s4
