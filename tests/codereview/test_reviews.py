"""重错码 governance (#13): the credit office resolves each review (confirm a rename or send a
wrong code back to its provider; confirm two subjects distinct or merge them), each action
audited; the 重错码 rate per provider in quality. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, COMPANY_2, OTHER_PROVIDER, PROVIDER, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import OFFICER, proposal
from xinyong import audit
from xinyong.accounts import Role
from xinyong.cli.main import app as cli
from xinyong.codereview import Resolution, list_reviews, resolve
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid
from xinyong.exchange import ExchangeEvent
from xinyong.ingest import Record, provider_quality
from xinyong.ingest.integrity import verify_stored
from xinyong.lists import propose
from xinyong.lists.tables import ListEntry
from xinyong.screening.match import Applicant, match_many
from xinyong.subjects import Subject, get_subject
from xinyong.subjects.search import search_subjects

ADMIN = ACTORS[Role.ADMIN]
NAME = "示范市华盛食品有限公司"
NEW_NAME = "示范市华盛食品集团有限公司"
runner = CliRunner()


def _same_code(engine, settings) -> int:
    """COMPANY registered as NAME; a later penalty from another provider names it NEW_NAME."""
    push(engine, settings, "penalty", [penalty()])
    push(engine, settings, "penalty", [penalty(
        document_number="示市监处罚〔2026〕20号", subject_name=NEW_NAME, decision_date="2026-11-25",
        provider_uscc=OTHER_PROVIDER, provider_name="示范市交通运输局",
        authority_uscc=OTHER_PROVIDER)], provider=OTHER_PROVIDER)
    with unit_of_work(engine) as s:
        [review] = list_reviews(s)
    assert (review.kind, review.uscc, review.name, review.other_name) == (
        "same_code_different_names", COMPANY, NAME, NEW_NAME)
    assert review.provider_uscc == OTHER_PROVIDER
    return review.id


def _same_name(engine, settings) -> int:
    push(engine, settings, "penalty", [penalty()])
    push(engine, settings, "penalty", [penalty(document_number="示市监处罚〔2026〕30号",
                                               subject_uscc=COMPANY_2)])
    with unit_of_work(engine) as s:
        [review] = list_reviews(s)
    assert (review.kind, review.uscc, review.other_uscc) == (
        "same_name_different_codes", COMPANY_2, COMPANY)
    return review.id


def _resolve(engine, review_id: int, action: str, **kw: str):
    with unit_of_work(engine) as s:
        return resolve(s, review_id, ADMIN, Resolution(action, "已与登记机关核实", **kw))


def _audited(engine, action: str = "subject_review.resolve") -> list[dict]:
    with unit_of_work(engine) as s:
        return [json.loads(e.details) for e in audit.list_entries(s, action=action)]


def test_confirm_rename_keeps_name_history(engine, settings):
    rid = _same_code(engine, settings)
    view = _resolve(engine, rid, "confirm_rename")
    assert (view.status, view.resolution, view.resolved_by) == ("resolved", "renamed", "admin")
    with unit_of_work(engine) as s:
        subject = get_subject(s, COMPANY)
        assert subject.name == NEW_NAME  # the name on the latest decision
        hits = search_subjects(s, "华盛食品有限公司").items
        assert [(h.uscc, h.name, h.matched_current) for h in hits] == [(COMPANY, NEW_NAME, False)]
    body = client_as(settings, None).get(f"/api/v1/subjects/{COMPANY}",
                                         params={"as_of": "2026-12-01"}).json()
    assert body["subject"]["name"] == NEW_NAME and body["subject"]["former_names"] == [NAME]
    [entry] = _audited(engine)
    assert entry["review_id"] == rid and entry["name_now"] == NEW_NAME
    with unit_of_work(engine) as s:
        assert verify_stored(s).ok


def test_wrong_code_goes_back_to_the_provider_and_closes_on_correction(engine, settings):
    rid = _same_code(engine, settings)
    view = _resolve(engine, rid, "wrong_code")
    assert (view.status, view.resolution, view.awaiting_records) == (
        "awaiting_correction", "wrong_code", 1)
    # The other name was never the subject's: gone from its former names and search.
    body = client_as(settings, None).get(f"/api/v1/subjects/{COMPANY}",
                                         params={"as_of": "2026-12-01"}).json()
    assert body["subject"]["former_names"] == []
    with unit_of_work(engine) as s:
        assert [h.matched_name for h in search_subjects(s, NEW_NAME).items] == [NAME]
    with unit_of_work(engine) as s:
        [event] = s.scalars(select(ExchangeEvent)
                            .where(ExchangeEvent.kind == "code_review.wrong_code")).all()
        assert event.targets == [OTHER_PROVIDER]
        assert event.payload["records"][0]["document_number"] == "示市监处罚〔2026〕20号"
        q = {p.provider_uscc: p for p in provider_quality(s)}[OTHER_PROVIDER]
        assert (q.code_reviews, q.code_errors, q.code_review_rate) == (1, 1, 1.0)
        assert {p.provider_uscc: p for p in provider_quality(s)}[PROVIDER].code_reviews == 0
    # The provider re-sends the record under the right code: the review closes itself.
    summary, _ = push(engine, settings, "penalty", [penalty(
        document_number="示市监处罚〔2026〕20号", subject_name=NEW_NAME, decision_date="2026-11-25",
        subject_uscc=COMPANY_2, provider_uscc=OTHER_PROVIDER, provider_name="示范市交通运输局",
        authority_uscc=OTHER_PROVIDER)], provider=OTHER_PROVIDER)
    assert summary.updated == 1 and summary.code_reviews_closed == [rid]
    with unit_of_work(engine) as s:
        [closed] = list_reviews(s, "resolved")
        assert (closed.id, closed.resolution, closed.awaiting_records) == (rid, "corrected", 0)
        moved = s.scalar(select(Record).where(Record.natural_key == "示市监处罚〔2026〕20号"))
        assert s.get(Subject, moved.subject_id).uscc == COMPANY_2
        assert verify_stored(s).ok
    assert _audited(engine, "batch.ingest")[0]["code_reviews_closed"] == [rid]


def test_distinct_and_the_wrong_action_for_the_kind(engine, settings):
    rid = _same_name(engine, settings)
    with pytest.raises(Invalid) as exc:
        _resolve(engine, rid, "confirm_rename")
    assert exc.value.code == "review_action_mismatch"
    assert _resolve(engine, rid, "distinct").resolution == "distinct"
    with pytest.raises(Conflict):
        _resolve(engine, rid, "merge", merge_into=COMPANY)
    with unit_of_work(engine) as s, pytest.raises(Forbidden):
        resolve(s, rid, ACTORS[Role.DATA_OFFICER], Resolution("distinct", "x"))


def test_merge_repoints_records_and_keeps_the_alias(engine, settings):
    rid = _same_name(engine, settings)
    with unit_of_work(engine) as s:  # a list entry on the wrong code moves too
        entry_id = propose(s, proposal(uscc=COMPANY_2), OFFICER).id
    with pytest.raises(Invalid):
        _resolve(engine, rid, "merge", merge_into="91350200MA2XKL0300")
    view = _resolve(engine, rid, "merge", merge_into=COMPANY)
    assert (view.resolution, view.merged_into) == ("merged", COMPANY)
    with unit_of_work(engine) as s:
        alias = s.scalar(select(Subject).where(Subject.uscc == COMPANY_2))
        target = s.scalar(select(Subject).where(Subject.uscc == COMPANY))
        assert alias.merged_into_id == target.id  # kept, never deleted
        assert {r.subject_id for r in s.scalars(select(Record))} == {target.id}
        assert s.get(ListEntry, entry_id).subject_id == target.id
        assert get_subject(s, COMPANY_2).id == target.id
        assert [h.uscc for h in search_subjects(s, COMPANY_2).items] == [COMPANY]
        [hit] = match_many(s, [Applicant(uscc=COMPANY_2)])[0].hits
        assert hit.subject_id == target.id  # the check finds the merged subject's facts
        assert verify_stored(s).ok  # records under the code merged into, entry re-sealed
    client = client_as(settings, None)
    moved = client.get(f"/api/v1/subjects/{COMPANY_2}", params={"as_of": "2026-12-01"},
                       follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/api/v1/subjects/{COMPANY}?as_of=2026-12-01"
    body = client.get(f"/api/v1/subjects/{COMPANY_2}", params={"as_of": "2026-12-01"}).json()
    sections = {sec["record_type"]: sec for sec in body["sections"]}
    assert body["subject"]["uscc"] == COMPANY and sections["penalty"]["total"] == 2
    page = client.get(f"/subjects/{COMPANY_2}", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/subjects/{COMPANY}"
    [entry] = _audited(engine)
    assert entry["alias"] == COMPANY_2 and entry["target"] == COMPANY and entry["records"]


def test_api_and_cli(engine, settings):
    rid = _same_name(engine, settings)
    admin = client_as(settings, ADMIN)
    listed = admin.get("/api/v1/subject-reviews").json()
    assert listed["total"] == 1 and listed["items"][0]["kind_label"] == "同名不同码"
    assert client_as(settings, ACTORS[Role.DATA_OFFICER]).get(
        "/api/v1/subject-reviews").status_code == 403
    bad = admin.post(f"/api/v1/subject-reviews/{rid}/resolution",
                     json={"action": "wrong_code", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "review_action_mismatch"
    result = runner.invoke(cli, ["subjects", "reviews", "--json"], obj=settings)
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == rid
    none = runner.invoke(cli, ["subjects", "resolve", str(rid), "--reason", "x"], obj=settings)
    assert none.exit_code == 2
    done = runner.invoke(cli, ["subjects", "resolve", str(rid), "--distinct", "--reason",
                               "两家企业同名", "--json"], obj=settings)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["resolution"] == "distinct"
    again = admin.post(f"/api/v1/subject-reviews/{rid}/resolution",
                       json={"action": "distinct", "reason": "x"})
    assert again.status_code == 409
    assert admin.get("/api/v1/subject-reviews", params={"status": "resolved"}).json()[
        "total"] == 1
    quality = admin.get("/api/v1/quality").json()
    assert {q["provider_uscc"]: q["code_reviews"] for q in quality["items"]} == {PROVIDER: 1}
