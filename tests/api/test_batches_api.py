"""POST /api/v1/batches/{record_type}: the same rules as a file, JSON errors, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import OTHER_PROVIDER, PROVIDER, licence, penalty
from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record

ADMIN = Actor(role=Role.ADMIN, name="admin", client="testclient")
# The data officer of the penalty-owning department (catalog: owner_department_class).
OFFICER = Actor(role=Role.DATA_OFFICER, name="officer", department_uscc=PROVIDER,
                department_class="enforcement", client="testclient")


def _client(settings, actor):
    app = create_app(settings)
    app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def client(engine, settings):
    # The credit office administrator may push for any provider named in ?provider=.
    with _client(settings, ADMIN) as c:
        yield c


def _records(engine) -> int:
    with unit_of_work(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Record)) or 0)


def test_push_returns_the_summary(client, engine):
    r = client.post(f"/api/v1/batches/penalty?provider={PROVIDER}",
                    json=[penalty(), penalty(document_number="2")])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["accepted"], body["rejected"], body["errors"]) == (2, 0, [])
    assert _records(engine) == 2
    again = client.post(f"/api/v1/batches/penalty?provider={PROVIDER}", json=[penalty()])
    assert again.json()["duplicates"] == 1
    got = client.get(f"/api/v1/batches/{body['batch_id']}")
    assert got.status_code == 200 and got.json()["accepted"] == 2


def test_atomic_push_refuses_with_row_errors_and_stores_nothing(client, engine):
    r = client.post(f"/api/v1/batches/penalty?provider={PROVIDER}",
                    json=[penalty(), penalty(document_number="2", decision_date="2026-02-30")])
    assert r.status_code == 422
    body = r.json()
    assert body["ok"] is False and body["code"] == "batch_rejected"
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["rule"] == "date_format"
    assert body["errors"][0]["field"] == "处罚决定日期"
    assert _records(engine) == 0


def test_per_row_push_keeps_valid_rows(client, engine):
    r = client.post(f"/api/v1/batches/penalty?provider={PROVIDER}&atomic=false",
                    json=[penalty(), penalty(document_number="2", fine_amount="-3")])
    assert r.status_code == 200
    assert (r.json()["accepted"], r.json()["rejected"]) == (1, 1)
    assert r.json()["errors"][0]["rule"] == "decimal_min"
    assert _records(engine) == 1


@pytest.mark.parametrize(("path", "body", "status", "code"), [
    (f"/api/v1/batches/fines?provider={PROVIDER}", [], 404, "record_type_unknown"),
    ("/api/v1/batches/penalty?provider=123", [], 422, "uscc_length"),
    (f"/api/v1/batches/penalty?provider={PROVIDER}", {"not": "a list"}, 422, "request_invalid"),
    ("/api/v1/batches/99999", None, 404, "batch_not_found"),
])
def test_errors_have_one_json_shape(client, path, body, status, code):
    r = client.get(path) if body is None else client.post(path, json=body)
    assert r.status_code == status
    assert set(r.json()) == {"ok", "status", "code", "message", "errors"}
    assert r.json()["code"] == code and r.json()["message"]


def test_health_and_docs(client):
    assert client.get("/-/health").json()["status"] == "ok"
    assert client.get("/openapi.json").status_code == 200


def test_a_data_officer_pushes_for_its_own_department(engine, settings):
    with _client(settings, OFFICER) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty()])
        assert r.status_code == 200, r.text
        assert r.json()["provider"] == PROVIDER and r.json()["accepted"] == 1


def test_a_department_cannot_write_another_departments_record_type(engine, settings):
    with _client(settings, OFFICER) as c:
        r = c.post("/api/v1/batches/licence", json=[licence()])
        assert r.status_code == 403
        assert r.json()["code"] == "record_type_not_owned"
        r = c.post(f"/api/v1/batches/penalty?provider={OTHER_PROVIDER}", json=[penalty()])
        assert r.status_code == 403 and r.json()["code"] == "provider_not_own"
    assert _records(engine) == 0


def test_the_public_cannot_push(engine, settings):
    with TestClient(create_app(settings)) as c:
        r = c.post(f"/api/v1/batches/penalty?provider={PROVIDER}", json=[penalty()])
    assert r.status_code == 401 and r.json()["code"] == "authentication_required"
    assert _records(engine) == 0


def test_a_failed_commit_is_never_reported_as_success(engine, settings, monkeypatch):
    """The transaction commits before the response is sent: a commit failure is an error
    response, not a 200 for a batch that was not stored."""
    from sqlalchemy.orm import Session

    def failing_commit(self):
        raise OSError("disk full (injected at commit)")

    monkeypatch.setattr(Session, "commit", failing_commit)
    app = create_app(settings)
    app.dependency_overrides[get_actor] = lambda: ADMIN
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(f"/api/v1/batches/penalty?provider={PROVIDER}", json=[penalty()])
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error"
    monkeypatch.undo()
    assert _records(engine) == 0
