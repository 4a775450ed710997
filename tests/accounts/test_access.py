"""Non-public reads: purpose required, catalog shared_to decides, subjects see who looked."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.accounts.helpers import ACTORS, CLI, client_as, make_account, make_key
from tests.factories import (
    COMPANY,
    OTHER_PROVIDER,
    PERSON_ID,
    PROVIDER,
    licence,
    penalty,
    person_penalty,
)
from tests.ingest.helpers import push
from xinyong.accounts import Actor, Role
from xinyong.accounts import service as accounts
from xinyong.audit import AuditEntry
from xinyong.core.db import unit_of_work


def _setup(engine, settings):
    push(engine, settings, "penalty", [penalty(), person_penalty()])
    push(engine, settings, "licence", [licence()])
    make_account(engine, "lic", Role.CASE_OFFICER, department=OTHER_PROVIDER,
                 department_class="licensing", department_name="示范市行政审批局")
    make_account(engine, "company", Role.SUBJECT, password="correct horse 1", subject=COMPANY)
    return make_key(engine, "lic")[1]


def test_missing_purpose_is_refused_with_a_clear_code(engine, settings):
    key = _setup(engine, settings)
    with client_as(settings, None) as c:
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/records", headers={"X-API-Key": key})
        assert r.status_code == 422 and r.json()["code"] == "purpose_required"
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=other",
                  headers={"X-API-Key": key})
        assert r.status_code == 422 and r.json()["code"] == "purpose_text_required"
    with unit_of_work(engine) as s:  # a refused read is not a read
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "records.read_shared")) \
            is None


def test_a_department_reads_what_the_catalog_shares_and_the_subject_sees_it(engine, settings):
    key = _setup(engine, settings)
    with client_as(settings, None) as c:
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=licensing",
                  headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, r.text
        body = r.json()
        # licensing class: its own licence records plus penalties (penalty.shared_to),
        # industry evaluation results, commitment breaches and 双随机 inspection results
        # (their shared_to); not the raw commitment rows, which only the credit office reads
        # (their 公开类型 is the commitments domain's).
        assert sorted(body["record_types"]) == ["commitment_breach", "industry_evaluation",
                                                "inspection_result", "licence", "penalty"]
        assert {i["record_type"] for i in body["items"]} == {"licence", "penalty"}
    with client_as(settings, None, base_url="https://testserver") as c:
        c.get("/login")
        token = c.cookies.get("xinyong_session")
        assert token
        form = c.get("/login").text
        csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"name": "company", "password": "correct horse 1",
                                   "csrf_token": csrf, "next": "/api/v1/me/queries"},
                   follow_redirects=False)
        assert r.status_code == 303
        queries = c.get("/api/v1/me/queries").json()
        assert queries["total"] == 1
        q = queries["items"][0]
        assert (q["department_name"], q["purpose"], q["purpose_label"]) == (
            "示范市行政审批局", "licensing", "行政许可")
        own = c.get("/api/v1/me/file").json()
        assert own["uscc"] == COMPANY and own["total"] == 2


def test_a_department_outside_shared_to_sees_nothing(engine, settings):
    push(engine, settings, "penalty", [penalty()])
    tax = Actor(role=Role.CASE_OFFICER, name="tax", department_uscc=OTHER_PROVIDER,
                department_class="tax")
    with client_as(settings, tax) as c:
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=subsidy")
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["record_types"] == []


def test_personal_identifiers_never_reach_responses_or_the_audit_log(engine, settings):
    key = _setup(engine, settings)
    with client_as(settings, None) as c:
        me = c.get("/api/v1/me", headers={"X-API-Key": key}).json()
        assert (me["role"], me["department_class"]) == ("case_officer", "licensing")
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        # the person's credit file is keyed by hash; read the company file and the log
        r = c.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=other"
                  f"&purpose_text=核查 {PERSON_ID} 的任职情况")
        assert r.status_code == 200
        log = c.get("/api/v1/audit/entries?limit=1000").text
    assert PERSON_ID not in r.text and PERSON_ID not in log
    with unit_of_work(engine) as s:
        for e in s.scalars(select(AuditEntry)):
            assert PERSON_ID not in json.dumps([e.details, e.purpose_text, e.actor_name])


def test_api_keys_revoke_rotate_and_scope(engine, settings):
    make_account(engine, "sjj", Role.DATA_OFFICER, department=PROVIDER,
                 department_class="enforcement")
    key_id, key = make_key(engine, "sjj")
    _, read_only = make_key(engine, "sjj", scopes=["records:read_shared"])
    with client_as(settings, None) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty()], headers={"X-API-Key": key})
        assert r.status_code == 200 and r.json()["provider"] == PROVIDER
        r = c.post("/api/v1/batches/penalty", json=[penalty()],
                   headers={"X-API-Key": read_only})
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        with unit_of_work(engine) as s:
            _new, new_key = accounts.rotate_key(s, CLI, key_id)
        r = c.post("/api/v1/batches/penalty", json=[penalty()], headers={"X-API-Key": key})
        assert r.status_code == 401 and r.json()["code"] == "api_key_invalid"
        assert r.headers["www-authenticate"].startswith("Bearer")
        r = c.post("/api/v1/batches/penalty", json=[penalty()],
                   headers={"Authorization": f"Bearer {new_key}"})
        assert r.status_code == 200 and r.json()["duplicates"] == 1
        assert c.get("/api/v1/me", headers={"X-API-Key": "xy_nonsense"}).status_code == 401
    with unit_of_work(engine) as s:
        pushes = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "batch.ingest")))
    assert len(pushes) == 2
    details = json.loads(pushes[0].details)
    assert (pushes[0].actor_name, pushes[0].role, pushes[0].department_uscc) == (
        "sjj", "data_officer", PROVIDER)
    assert details["record_type"] == "penalty" and details["accepted"] == 1
    assert pushes[0].client == "testclient"
