"""Tamper evidence for stored records and list entries (#13): each batch's audit entry
binds a digest of the record versions it wrote, each list write binds the entry's content
hash; `xinyong audit verify` names the first record or entry that no longer matches, on
SQLite and PostgreSQL. The site keeps serving an altered record (verify is the alarm)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS
from tests.factories import COMPANY, COMPANY_2, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import OFFICER, add_subject, proposal
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.catalog import default_catalog
from xinyong.cli.main import app as cli
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.ingest import BatchInput, Record, ingest, json_rows
from xinyong.ingest.integrity import content_hash, verify_stored
from xinyong.lists import notify, propose
from xinyong.lists.integrity import entry_hash
from xinyong.lists.tables import ListEntry

runner = CliRunner()
CONTENT = "警告,并处罚款2000元"


def _verify(engine, **kw: Any):
    with unit_of_work(engine) as s:
        return verify_stored(s, **kw)


def _load(engine, settings) -> None:
    """Penalties in three batches, with changed versions within a chunk, across chunks and
    across batches; one list entry through two steps."""
    push(engine, settings, "penalty", [penalty(document_number=f"示市监处罚〔2026〕{i}号")
                                       for i in range(1, 6)], chunk_rows=2)
    push(engine, settings, "penalty", [
        penalty(document_number="示市监处罚〔2026〕1号", penalty_content="警告"),
        penalty(document_number="示市监处罚〔2026〕7号"),
        penalty(document_number="示市监处罚〔2026〕7号", penalty_content="警告"),  # same chunk
        penalty(document_number="示市监处罚〔2026〕2号", penalty_content="警告"),
        penalty(document_number="示市监处罚〔2026〕2号", penalty_content="通报批评")], chunk_rows=3)
    push(engine, settings, "penalty", [penalty(document_number="示市监处罚〔2026〕9号",
                                               subject_uscc=COMPANY_2, subject_name="乙公司")])
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER)
        notify(s, entry.id, OFFICER, "已送达告知书")


def _record(engine, number: str) -> Record:
    with unit_of_work(engine) as s:
        rec = s.scalar(select(Record).where(Record.natural_key == number))
        s.expunge(rec)
        return rec


def _sql_replace(engine, table: str, column: str, old: str, new: str, where: str) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql" and column == "data":
            stmt = f"UPDATE {table} SET data = replace(data::text, :a, :b)::jsonb WHERE {where}"
        else:
            stmt = f"UPDATE {table} SET {column} = replace({column}, :a, :b) WHERE {where}"
        conn.execute(text(stmt), {"a": old, "b": new})


def test_an_untouched_store_verifies(engine, settings):
    _load(engine, settings)
    report = _verify(engine)
    assert report.ok, report.problems
    # 7 records; versions superseded: 1号 v1, 7号 v1 (same chunk), 2号 v1 and v2.
    assert (report.records, report.versions, report.list_entries) == (7, 4, 1)
    assert report.batches == 3


def test_a_field_edited_in_sql_is_named_and_the_site_keeps_serving_it(engine, settings):
    _load(engine, settings)
    rec = _record(engine, "示市监处罚〔2026〕3号")
    _sql_replace(engine, "record", "data", CONTENT, "警告", f"id = {rec.id}")
    report = _verify(engine)
    assert not report.ok
    first = report.first
    assert first is not None
    assert (first.kind, first.id, first.rule) == ("record", rec.id, "content_mismatch")
    assert first.document_number == "示市监处罚〔2026〕3号"
    assert "示市监处罚〔2026〕3号" in first.message
    # The CLI exits 1 naming it; the API says the same.
    result = runner.invoke(cli, ["audit", "verify", "--json"], obj=settings)
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["ok"] is False and body["broken_seq"] is None  # the chain itself is intact
    assert body["records"]["problems"][0]["id"] == rec.id
    human = runner.invoke(cli, ["audit", "verify"], obj=settings)
    assert human.exit_code == 1 and "示市监处罚〔2026〕3号" in human.output
    app = create_app(settings)
    with TestClient(app) as client:
        # Decision (docs/decisions/0012): the site keeps serving; verify is the alarm.
        shown = client.get(f"/api/v1/records/{rec.id}", params={"as_of": "2026-12-01"})
        assert shown.status_code == 200
        app.dependency_overrides[get_actor] = lambda: ACTORS[Role.ADMIN]
        api = client.get("/api/v1/audit/verify").json()
    assert api["ok"] is False and api["records"]["problems"][0]["id"] == rec.id


def test_an_edit_with_its_hash_recomputed_breaks_the_batch_digest(engine, settings):
    _load(engine, settings)
    rec = _record(engine, "示市监处罚〔2026〕4号")
    data = {**rec.data, "penalty_content": "警告"}
    with unit_of_work(engine) as s:
        row = s.get(Record, rec.id)
        row.data, row.content_hash = data, content_hash(data)
    report = _verify(engine)
    assert [(p.kind, p.id, p.rule) for p in report.problems] == [
        ("batch", rec.batch_id, "batch_digest_mismatch")]


def test_a_record_moved_to_another_subject_or_deleted_version_is_reported(engine, settings):
    _load(engine, settings)
    rec = _record(engine, "示市监处罚〔2026〕5号")
    other = _record(engine, "示市监处罚〔2026〕9号")
    with engine.begin() as conn:
        conn.execute(text("UPDATE record SET subject_id = :s WHERE id = :i"),
                     {"s": other.subject_id, "i": rec.id})
    first = _verify(engine).first
    assert first is not None and (first.id, first.rule) == (rec.id, "subject_mismatch")
    with engine.begin() as conn:
        conn.execute(text("UPDATE record SET subject_id = :s WHERE id = :i"),
                     {"s": rec.subject_id, "i": rec.id})
        conn.execute(text("DELETE FROM record_version WHERE version = 2"))
    report = _verify(engine)
    assert [p.rule for p in report.problems] == ["batch_digest_mismatch"]


def test_a_list_entry_edited_in_sql_is_named(engine, settings):
    _load(engine, settings)
    with unit_of_work(engine) as s:
        entry = s.scalars(select(ListEntry)).one()
        entry_id = entry.id
    _sql_replace(engine, "list_entry", "facts", "情节严重", "情节轻微", f"id = {entry_id}")
    first = _verify(engine).first
    assert first is not None
    assert (first.kind, first.id, first.rule) == ("list_entry", entry_id, "content_mismatch")
    assert "示市监处罚〔2026〕88号" in first.message
    # Edited together with its hash: the chain's last write of the entry no longer matches.
    with unit_of_work(engine) as s:
        entry = s.get(ListEntry, entry_id)
        entry.content_hash = entry_hash(entry)
    first = _verify(engine).first
    assert first is not None and first.rule == "entry_not_as_audited"


def test_records_written_without_an_audit_entry_are_unsealed_until_sealed(engine, settings):
    rt = default_catalog().get("penalty")
    with unit_of_work(engine) as s:  # a batch written around the audited paths
        ingest(s, BatchInput(record_type=rt, provider_uscc=penalty()["provider_uscc"],
                             operator="x", channel="api", received_on=clock.today()),
               json_rows([penalty()], rt), calendar=load_calendar(s), secret="k",
               today=clock.today())
    report = _verify(engine)
    assert [p.rule for p in report.problems] == ["batch_unsealed"]
    result = runner.invoke(cli, ["audit", "seal"], obj=settings)
    assert result.exit_code == 0, result.output
    assert _verify(engine).ok
    assert runner.invoke(cli, ["audit", "verify"], obj=settings).exit_code == 0


def test_verify_one_batch(engine, settings):
    _load(engine, settings)
    rec = _record(engine, "示市监处罚〔2026〕9号")
    report = _verify(engine, batch_ids=[rec.batch_id])
    assert report.ok and report.records == 1 and report.batches == 1


def test_statements_persons_and_recomputed_periods_are_sealed_with_the_listing(engine):
    """The lists' parts added by issue 15: a responsible person is part of the entry's
    content, a statement and its consideration are sealed by their audit entries, and a
    statement period recomputed after a calendar is added is a new sealed version."""
    from datetime import date

    from xinyong.accounts import Actor
    from xinyong.core.workdays import WorkingCalendar
    from xinyong.lists import NamedPerson, decide
    from xinyong.lists import due_process as dp
    from xinyong.lists.clocks import recompute_statement_periods

    company = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
    notice_day = date(2026, 12, 28)
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, "示范市华盛食品有限公司")
        entry = propose(s, proposal(uscc=COMPANY, basis="enterprise_disclosure_art17",
                                    persons=(NamedPerson("王建国", "法定代表人"),)), OFFICER,
                        today=notice_day)
        notify(s, entry.id, OFFICER, "已送达告知书", today=notice_day)
        st = dp.submit_statement(s, company, dp.Statement(entry.id, "请求不予列入"),
                                 today=notice_day)
        entry_id, statement_id = entry.id, st.id
        before = entry.statement_until
    assert _verify(engine).ok
    # A notice for 2027 with 4 January off too moves the period's end: a new version.
    with unit_of_work(engine) as s:
        shifted = WorkingCalendar(added_days={date(2027, 1, 1): False,
                                              date(2027, 1, 4): False},
                                  added_years=frozenset({2027}))
        assert recompute_statement_periods(s, shifted, 2027) == 1
        assert s.get(ListEntry, entry_id).statement_until != before
    assert _verify(engine).ok
    with unit_of_work(engine) as s:
        decide(s, entry_id, OFFICER, "listed", "事实清楚", consideration="理由不成立，不予采纳",
               today=date(2027, 2, 1))
    assert _verify(engine).ok
    _sql_replace(engine, "list_statement", "consideration", "不予采纳", "予以采纳",
                 f"id = {statement_id}")
    first = _verify(engine).first
    assert first is not None
    assert (first.kind, first.id, first.rule) == ("list_statement", statement_id,
                                                  "content_mismatch")
    assert "陈述申辩" in first.message
    _sql_replace(engine, "list_statement", "consideration", "予以采纳", "不予采纳",
                 f"id = {statement_id}")
    _sql_replace(engine, "list_entry_person", "name_masked", "王", "李", f"entry_id = {entry_id}")
    first = _verify(engine).first
    assert first is not None
    assert (first.kind, first.id, first.rule) == ("list_entry", entry_id, "content_mismatch")
