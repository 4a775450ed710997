"""Finding 7 of #14: identity attempts (web login; an ID number on the objection form) are
limited per client address and per target, every attempt is audited, and an ID-number
failure has one answer whatever the record is about."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import ACTORS, client_as, make_account
from tests.factories import PERSON_ID, PROVIDER, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.accounts.tables import IdentityAttempt
from xinyong.audit import AuditEntry
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.ingest.tables import Record

PASSWORD = "正确的密码 horse"
PERSON_DOC = "示市监处罚〔2026〕9号"
DECIDED = (clock.today() - timedelta(days=30)).isoformat()


def _csrf(c) -> str:
    return c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]


def _login(c, name: str, password: str):
    return c.post("/login", data={"name": name, "password": password,
                                  "csrf_token": _csrf(c), "next": "/login"},
                  follow_redirects=False)


def _actions(engine, action: str) -> list[dict[str, object]]:
    with unit_of_work(engine) as s:
        return [json.loads(e.details) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_login_failures_per_name_then_per_client_get_429(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER)
    tight = settings.model_copy(update={"identity_max_failures_per_target": 3,
                                        "identity_max_failures_per_client": 5})
    with client_as(tight, None, base_url="https://testserver") as c:
        for _ in range(3):
            assert _login(c, "nobody", "guess").status_code == 401
        r = _login(c, "nobody", "guess")
        assert r.status_code == 429 and "尝试次数过多" in r.text and "15分钟" in r.text
        # Another name from the same client: two more failures use up the client's five.
        assert _login(c, "someone", "guess").status_code == 401
        assert _login(c, "officer", "wrong password").status_code == 429  # 6th from client
        # Even the right password waits while the client is over its limit.
        assert _login(c, "officer", PASSWORD).status_code == 429
    logins = _actions(engine, "session.login_failed")
    assert [e["reason"] for e in logins] == ["login_failed"] * 3 + ["too_many_attempts"] + [
        "login_failed", "too_many_attempts", "too_many_attempts"]
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(IdentityAttempt)) == 7


def test_a_successful_login_is_audited_and_counted(engine, settings):
    make_account(engine, "officer", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER)
    with client_as(settings, None, base_url="https://testserver") as c:
        assert _login(c, "officer", PASSWORD).status_code == 303
    assert len(_actions(engine, "session.login")) == 1
    with unit_of_work(engine) as s:
        attempt = s.scalar(select(IdentityAttempt))
        assert attempt is not None and attempt.ok and attempt.target == "officer"


@pytest.fixture
def records(engine, settings) -> tuple[int, int]:
    push(engine, settings, "penalty", [penalty(decision_date=DECIDED),
                                       person_penalty(decision_date=DECIDED)])
    with unit_of_work(engine) as s:
        company = s.scalar(select(Record.id).where(Record.natural_key != PERSON_DOC))
        person = s.scalar(select(Record.id).where(Record.natural_key == PERSON_DOC))
    assert company and person
    return company, person


def _object(c, target_id: int, number: str):
    return c.post("/api/v1/objections", data={
        "target": "record", "target_id": str(target_id), "reasons": "该处罚不是我的",
        "person_id_number": number, "person_name": "张三"})


def test_one_answer_for_every_identity_failure(engine, settings, records):
    company, person = records
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        answers = [_object(c, person, "110105194912310037"),  # another person's number
                   _object(c, company, PERSON_ID),  # a company's record
                   _object(c, 999999, PERSON_ID)]  # no such record
    assert {r.status_code for r in answers} == {403}
    assert len({(r.json()["code"], r.json()["message"]) for r in answers}) == 1
    assert answers[0].json()["code"] == "objection_identity_failed"
    # The credit office's log says what happened; the caller was told nothing of it.
    assert [(e["target_id"], e["ok"], e["reason"]) for e in
            _actions(engine, "objection.identity")] == [
        (person, False, "id_number_mismatch"), (company, False, "not_a_person"),
        (999999, False, "target_not_found")]


def test_id_number_guessing_is_limited_per_record_and_per_client(engine, settings, records):
    company, person = records
    tight = settings.model_copy(update={"identity_max_failures_per_target": 2,
                                        "identity_max_failures_per_client": 3})
    with client_as(tight, ACTORS[Role.PUBLIC]) as c:
        assert _object(c, person, "110105194912310037").status_code == 403
        assert _object(c, person, "11010519491231005X").status_code == 403
        # The record is over its limit: even the right number waits.
        r = _object(c, person, PERSON_ID)
        assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
        assert "尝试次数过多" in r.json()["message"]
        # The client is over its limit on any record.
        assert _object(c, company, PERSON_ID).status_code == 429
    reasons = [e["reason"] for e in _actions(engine, "objection.identity")]
    assert reasons == ["id_number_mismatch", "id_number_mismatch", "too_many_attempts",
                       "too_many_attempts"]


def test_the_named_person_still_objects_with_the_right_number(engine, settings, records):
    _company, person = records
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        r = _object(c, person, PERSON_ID)
    assert r.status_code == 201, r.text
    assert r.json()["applicant_kind"] == "named_person"
    assert [e["ok"] for e in _actions(engine, "objection.identity")] == [True]
