"""Issue 14, finding 11: a data officer reads its own department's batches and late records;
another department's batch is "not found" and its late records are not listed. The credit
office sees every department's."""

from __future__ import annotations

from datetime import date

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import OTHER_PROVIDER, PROVIDER, penalty
from tests.ingest.helpers import push
from xinyong.accounts import Actor, Role

OTHER_OFFICER = Actor(role=Role.DATA_OFFICER, name="other", department_uscc=OTHER_PROVIDER,
                      department_class="enforcement", client="testclient")
LATE = date(2026, 11, 27)  # decided 2026-09-01: received long after seven working days


def _late_batches(engine, settings) -> tuple[int, int]:
    own, _ = push(engine, settings, "penalty", [penalty(decision_date="2026-09-01")],
                  received_on=LATE)
    other, _ = push(engine, settings, "penalty", [penalty(
        decision_date="2026-09-01", document_number="其他单位1号", provider_uscc=OTHER_PROVIDER,
        authority_uscc=OTHER_PROVIDER)], received_on=LATE, provider=OTHER_PROVIDER)
    assert own.late == 1 and other.late == 1
    assert own.batch_id is not None and other.batch_id is not None
    return own.batch_id, other.batch_id


def test_a_data_officer_reads_only_its_own_departments_batches(engine, settings):
    own, other = _late_batches(engine, settings)
    officer = client_as(settings, ACTORS[Role.DATA_OFFICER])
    assert officer.get(f"/api/v1/batches/{own}").json()["provider"] == PROVIDER
    r = officer.get(f"/api/v1/batches/{other}")
    missing = officer.get("/api/v1/batches/99999")
    assert r.status_code == missing.status_code == 404
    assert r.json()["code"] == missing.json()["code"] == "batch_not_found"
    admin = client_as(settings, ACTORS[Role.ADMIN])
    assert admin.get(f"/api/v1/batches/{other}").json()["provider"] == OTHER_PROVIDER


def test_the_late_list_is_the_departments_own_and_the_credit_offices_whole(engine, settings):
    _late_batches(engine, settings)
    officer = client_as(settings, ACTORS[Role.DATA_OFFICER])
    body = officer.get("/api/v1/publication/late").json()
    assert body["total"] == 1 and {i["provider_uscc"] for i in body["items"]} == {PROVIDER}
    r = officer.get(f"/api/v1/publication/late?provider={OTHER_PROVIDER}")
    assert r.status_code == 403 and r.json()["code"] == "provider_not_own"
    other = client_as(settings, OTHER_OFFICER).get("/api/v1/publication/late").json()
    assert {i["provider_uscc"] for i in other["items"]} == {OTHER_PROVIDER}
    everything = client_as(settings, ACTORS[Role.ADMIN]).get("/api/v1/publication/late").json()
    assert everything["total"] == 2
